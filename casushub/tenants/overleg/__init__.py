"""Overleg: see docs/design.md §2."""
