"""Maatregelen van de Minister van JenV: announced to the casusoverleg before they are taken."""
