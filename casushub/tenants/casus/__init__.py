"""Casus: see docs/design.md §2."""
