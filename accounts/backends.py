"""Authentication backends that load a signed-in person's profile with them.

Every page reads the profile (the time-zone middleware, the header), so
`get_user` fetches user and profile in one query, and keeps them in the cache
under the person's version token (accounts.pagecache.signed_in_person): with
sessions in the cache too, a signed-in request runs no SQL before its view
until something about the person changes.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from . import pagecache
from .models import User


def _user_with_profile(backend: DjangoModelBackend, user_id) -> User | None:
    user = pagecache.signed_in_person(
        user_id, lambda: User.objects.select_related("profile").filter(pk=user_id).first()
    )
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(DjangoModelBackend):
    """Django's email and password backend; get_user also loads the profile."""

    def get_user(self, user_id) -> User | None:
        return _user_with_profile(self, user_id)


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (email login, social accounts); get_user also loads the profile."""

    def get_user(self, user_id) -> User | None:
        return _user_with_profile(self, user_id)
