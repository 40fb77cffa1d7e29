"""Management figures without personal data: counts per municipality and for the hub."""
