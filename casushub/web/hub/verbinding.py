"""Checks of an organisation's identity provider settings, with Dutch messages."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["issuer_fout"]


def issuer_fout(issuer: str) -> str | None:
    """A Dutch message when the issuer is not an https URL without query or fragment."""
    issuer = issuer.strip()
    try:
        delen = urlsplit(issuer)
    except ValueError:
        return "De issuer is geen geldige URL."
    # Plain http only on the loopback interface: the bundled development provider.
    loopback = delen.hostname in {"127.0.0.1", "localhost", "::1"}
    if not delen.hostname or not (delen.scheme == "https" or (delen.scheme == "http" and loopback)):
        return "De issuer moet een https-adres zijn, zoals https://login.voorbeeld.nl."
    if delen.query or delen.fragment:
        return "De issuer mag geen vraagteken- of #-deel hebben."
    return None
