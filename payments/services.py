from django.contrib.auth.models import AnonymousUser

from .models import PLAYBOOK_SLUG, Order, Product


def get_playbook() -> Product | None:
    return Product.objects.active().filter(slug=PLAYBOOK_SLUG).first()


def has_playbook(user) -> bool:
    """Whether this person may download the active playbook.

    A paid order is the only way in: complimentary copies are paid orders of
    zero, and refunds and disputes move the order out of "paid".
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return False
    return Order.objects.filter(
        user=user,
        product__slug=PLAYBOOK_SLUG,
        product__active=True,
        status=Order.Status.PAID,
    ).exists()
