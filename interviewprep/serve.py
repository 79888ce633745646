"""The production web process: daphne, with an access log that holds no credential.

daphne's `--access-log` writes each request's raw path (query string included)
straight to a stream, past Python logging and its filters, so a calendar token,
an unsubscribe token or a password-reset key would land in the log as sent.
This entry point runs daphne's own command line unchanged, except that its
server hands every access-log action through `mask_secrets` first (the same
masking as gunicorn's logger and Django's request logging).

Usage (Procfile): ``python -m interviewprep.serve interviewprep.asgi:application
--bind 0.0.0.0 --port 8000 --proxy-headers --access-log -``; every daphne option
works as documented.
"""

import sys
from collections.abc import Callable

from daphne.cli import CommandLineInterface
from daphne.server import Server

from .logmasking import masking_action_logger


class MaskingServer(Server):
    """daphne's Server whose action logger (the access log) sees masked paths."""

    def __init__(self, *args, action_logger: Callable | None = None, **kwargs) -> None:
        if action_logger is not None:
            action_logger = masking_action_logger(action_logger)
        super().__init__(*args, action_logger=action_logger, **kwargs)


class MaskingCommandLineInterface(CommandLineInterface):
    """daphne's command line, building a MaskingServer."""

    server_class = MaskingServer


def main(argv: list[str] | None = None) -> None:
    MaskingCommandLineInterface().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
