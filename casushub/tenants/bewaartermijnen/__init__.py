"""Bewaartermijnen (retention): parameters and the sweep (DESIGN.md rule 7)."""
