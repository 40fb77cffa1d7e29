"""Client secrets encrypted at rest with AES-GCM under ``ENCRYPTION_KEY``."""

from __future__ import annotations

import base64
import hashlib
import os
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from casushub.platform.settings import Settings

__all__ = ["SecretBox"]

_VERSION = b"\x01"
# Binds a ciphertext to its purpose: a secret copied into another column does not decrypt.
_AAD = b"casushub.oidc.client_secret"


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            msg = "ENCRYPTION_KEY moet 32 bytes zijn (base64)"
            raise ValueError(msg)
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.encryption_key:
            return cls(base64.b64decode(settings.encryption_key))
        if settings.is_production:
            msg = "ENCRYPTION_KEY ontbreekt"
            raise ValueError(msg)
        # Settings built in code (tests) without a key: derive one as from_env does.
        secret = settings.secret_key.encode()
        return cls(hashlib.sha256(b"casushub.encryption:" + secret).digest())

    def encrypt(self, plaintext: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode(), _AAD)

    def decrypt(self, blob: bytes) -> str:
        if blob[:1] != _VERSION:
            msg = "onbekende versie van versleuteld geheim"
            raise ValueError(msg)
        return self._aead.decrypt(blob[1:13], blob[13:], _AAD).decode()
