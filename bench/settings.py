"""Settings of the load bench: production settings plus the bench's floor views.

Only `make bench` serves the app with these; production URLs never hold the floor.
"""

from interviewprep.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
