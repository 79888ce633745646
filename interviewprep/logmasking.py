"""Keep credentials that travel in URLs out of the logs.

Four kinds of URL carry a secret in their path or query: the private calendar
feed (`/calendar/<token>.ics`), the signed unsubscribe link
(`/emails/unsubscribe/<token>/`), allauth's password-reset and email-confirmation
keys, and the checkout `session_id` on the playbook's success page. Whoever reads
an access log must not be able to use one, so every log line that names a URL
goes through `mask_secrets` first:

- `masking_action_logger` wraps daphne's access-log writer: the production web
  process (`interviewprep.serve`, see the Procfile) runs daphne with it;
- `GunicornLogger` (`--logger-class`) masks gunicorn's access-log atoms, for a
  WSGI deployment;
- `MaskSecretsFilter` (settings.LOGGING) masks Django's own request logging
  (`django.request`, `django.server`) and any ASGI server's access logger
  (`uvicorn.access`, `daphne.access`) that routes through Python logging.
"""

import logging
import re
from collections.abc import Callable

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


def masking_action_logger(
    action_logger: Callable[[str, str, dict], None],
) -> Callable[[str, str, dict], None]:
    """daphne's "action logger" `action_logger`, called with the path masked.

    daphne calls its action logger with (protocol, action, details) for every
    finished HTTP request and every WebSocket step; `details["path"]` is the raw
    path with its query string. Nothing else in `details` carries a URL.
    """

    def log(protocol: str, action: str, details: dict) -> None:
        path = details.get("path")
        if isinstance(path, bytes):
            path = path.decode("latin-1")
        if isinstance(path, str):
            details = {**details, "path": mask_secrets(path)}
        action_logger(protocol, action, details)

    return log


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
