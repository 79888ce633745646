from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app that has demo data exposes `load(stdout)` in its `demo` module.
# Loaders run in this order and are safe to run again.
DEMO_MODULES = [
    "accounts.demo",
    "sessions.scheduling.demo",
    "sessions.grading.demo",
    "payments.demo",
]


class Command(BaseCommand):
    help = "Load demo people, slots, bookings, graded sessions and the sample playbook."

    def handle(self, *args, **options) -> None:
        for dotted in DEMO_MODULES:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                continue
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
