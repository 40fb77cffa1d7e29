"""Figures without personal data (filled in below)."""

from __future__ import annotations

from typing import Any

cijfer_handlers: list[Any] = []
