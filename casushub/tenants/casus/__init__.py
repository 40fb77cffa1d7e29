"""Casus: see DESIGN.md §2."""
