"""Weging: see DESIGN.md §2."""
