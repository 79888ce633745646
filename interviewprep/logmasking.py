"""Keep credentials that travel in URLs out of the logs.

Four kinds of URL carry a secret in their path or query: the private calendar
feed (`/calendar/<token>.ics`), the signed unsubscribe link
(`/emails/unsubscribe/<token>/`), allauth's password-reset and email-confirmation
keys, and the checkout `session_id` on the playbook's success page. Whoever reads
an access log must not be able to use one, so every log line that names a URL
goes through `mask_secrets` first:

- `GunicornLogger` (Procfile: `--logger-class`) masks gunicorn's access-log atoms;
- `MaskSecretsFilter` (settings.LOGGING) masks Django's own request logging
  (`django.request`, `django.server`) and any ASGI server's access logger
  (`uvicorn.access`, `daphne.access`) that routes through Python logging.
"""

import logging
import re

from gunicorn.glogging import Logger as _GunicornLogger

MASK = "[masked]"

# (pattern, replacement); each keeps the URL's shape so the log still says which page.
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(/calendar/)[^/?#\s\"']+?(\.ics)"), rf"\g<1>{MASK}\g<2>"),
    (re.compile(r"(/emails/unsubscribe/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/password/reset/key/)(?!done/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/confirm-email/)[^/?#\s\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"((?:^|[?&])session_id=)[^&#\s\"']*"), rf"\g<1>{MASK}"),
]


def mask_secrets(text: str) -> str:
    """`text` with every URL-borne credential replaced by "[masked]"."""
    if not isinstance(text, str) or "/" not in text and "session_id" not in text:
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _mask(value):
    if isinstance(value, str):
        return mask_secrets(value)
    if isinstance(value, tuple):
        return tuple(_mask(v) for v in value)
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


class MaskSecretsFilter(logging.Filter):
    """A logging filter that masks URL credentials in a record's message and args.

    It never drops a record. The record's `request` attribute (django.request) is
    left alone: handlers that print it format it through the masked message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_secrets(record.msg)
        if record.args:
            record.args = _mask(record.args)
        return True


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger with the request line, path, query and referrer masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i", "{raw_uri}e", "{path_info}e"):
            if key in atoms:
                atoms[key] = mask_secrets(atoms[key])
        return atoms
