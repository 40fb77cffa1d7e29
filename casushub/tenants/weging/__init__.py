"""Weging: see docs/design.md §2."""
