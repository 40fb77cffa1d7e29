"""Purpose-bound exports: every export of case data out of the platform has a purpose."""
