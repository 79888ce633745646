"""Authenticator-app codes computed the way a phone does (RFC 6238, RFC 4226)."""

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret: str, at: float | None = None, *, period: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows for this base32 secret at this Unix time."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def secret_from_activation_page(html: str) -> str:
    """The secret the activation page shows beside its QR code."""
    import re

    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', html) or re.search(
        r'value="([A-Z2-7=]{32,})"[^>]*id="authenticator_secret"', html
    )
    assert match, "no authenticator secret on the page"
    return match[1]
