"""Uitnodigingen: see docs/design.md §2."""
