"""Signalen: see docs/design.md §2."""
