"""Uitnodigingen: see DESIGN.md §2."""
