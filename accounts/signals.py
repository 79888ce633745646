"""What accounts announces, and what it does when a user is created.

Accounts sits below every other domain and imports none of them. When a person
leaves, or asks for their data, the domains that hold their rows take part
through the two signals below, connected in their own receivers modules.
"""

import logging

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import Profile, User

logger = logging.getLogger(__name__)

# Sent by accounts.services.anonymise_user inside its transaction, before any
# personal data is scrubbed, with `user` (still whole), `by` (who asked: the
# person themselves or a staff member) and `now` (aware UTC). Receivers wind
# down what the person had going (future bookings cancelled with the usual
# notice to the peer, open slots withdrawn, pending emails cancelled) and scrub
# personal data their domain keeps. A receiver that raises aborts the whole
# anonymisation: nothing is changed.
user_anonymising = Signal()

# Sent by accounts.services.export_personal_data with `user`. Each receiver
# returns a dict of {section name: JSON-serialisable data} with only what the
# person may see: their own rows, scorecards about them only once revealed,
# and other people by display name only, never by email.
personal_data_requested = Signal()

# Sent by the profile and welcome pages after a person's time zone changed, with
# `user`. Receivers move what is laid out in the person's local time (weekly
# availability publishes its hours in the new zone at once).
profile_zone_changed = Signal()


@receiver(post_save, sender=User)
def create_profile(sender, instance: User, created: bool, **kwargs) -> None:
    # Every user has a profile from the first moment, whatever created them
    # (sign-up, social login, createsuperuser, the admin).
    if created:
        Profile.objects.get_or_create(user=instance)


@receiver(email_confirmed)
def remove_unconfirmed_copies(sender, request, email_address: EmailAddress, **kwargs) -> None:
    # The person who proved they read this address owns it: copies other
    # accounts typed but never confirmed go, so they can't be confirmed later
    # or be mistaken for a claim.
    removed, _ = (
        EmailAddress.objects.filter(email__iexact=email_address.email, verified=False)
        .exclude(user_id=email_address.user_id)
        .delete()
    )
    if removed:
        logger.info(
            "%s confirmed by user %s: removed %s unconfirmed copies on other accounts",
            email_address.email,
            email_address.user_id,
            removed,
        )
