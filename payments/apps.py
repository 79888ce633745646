from django.apps import AppConfig

# The page-cache name of what every reader of the playbook page sees alike.
PRODUCT_PAGES = "playbook-product"


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.pagecache import watch

        from . import receivers  # noqa: F401
        from .models import Order, Product

        # The playbook page shows what its reader bought, and the product's price.
        watch(Order, lambda order: (order.user_id,))
        watch(Product, lambda product: (), shared=[PRODUCT_PAGES])
