"""Instellingen: see docs/design.md §2."""
