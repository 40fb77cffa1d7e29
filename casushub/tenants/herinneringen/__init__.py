"""Reminders the daily run sends: casus reviews and restriction reviews, each once."""
