"""Plan: see docs/design.md §2."""
