"""Bewaartermijnen (retention): parameters and the sweep (docs/design.md rule 7)."""
