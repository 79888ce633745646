"""URL converters for the secrets that travel in links, so a malformed one never
reaches a view (or a database query) and simply 404s."""


class CalendarTokenConverter:
    """A private calendar feed token: secrets.token_urlsafe(24) makes 32 URL-safe characters."""

    regex = r"[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SignedTokenConverter:
    """A django.core.signing token: URL-safe base64 parts joined by ':' (a leading
    '.' marks a compressed payload)."""

    regex = r"[A-Za-z0-9_.:-]{1,300}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
