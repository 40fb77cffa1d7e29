"""Instellingen: see DESIGN.md §2."""
