from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile, User


@receiver(post_save, sender=User)
def create_profile(sender, instance: User, created: bool, **kwargs) -> None:
    # Every user has a profile from the first moment, whatever created them
    # (sign-up, social login, createsuperuser, the admin).
    if created:
        Profile.objects.get_or_create(user=instance)
