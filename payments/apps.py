from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.pagecache import watch

        from . import receivers  # noqa: F401
        from .models import PRODUCT_PAGES, Order, Product

        # The playbook page shows what its reader bought, and the product's price.
        watch(Order, lambda order: (order.user_id,))
        watch(Product, lambda product: (), shared=[PRODUCT_PAGES])
