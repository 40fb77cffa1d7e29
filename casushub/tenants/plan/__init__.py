"""Plan: see DESIGN.md §2."""
