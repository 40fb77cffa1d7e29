"""The overgangsvoorraad: convenant-era cases brought in for a fresh weging under the Wet."""
