"""Data-subject requests at the contactpunt (docs/design.md §2 rule 8; Besluit art. 2(2) and 3)."""
