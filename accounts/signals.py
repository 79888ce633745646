import logging

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile, User

logger = logging.getLogger(__name__)


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
