"""Overleg: see DESIGN.md §2."""
