"""Signalen: see DESIGN.md §2."""
