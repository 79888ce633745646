from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import services
from .forms import GrantForm
from .models import DownloadLog, Order, Product, StripeEvent


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "price_display", "page_count", "active"]
    list_filter = ["active"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["stored_file"]
    # The stock widget links to the file's URL; private files have none.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}

    @admin.display(description="Stored file")
    def stored_file(self, product: Product) -> str:
        if not product.file:
            return "None yet: buyers can't download until a PDF is uploaded."
        try:
            size = filesizeformat(product.file.size)
        except OSError:
            return f"{product.file.name} (missing from storage!)"
        return f"{product.file.name} ({size}); served only to buyers, by the download view."


class StripeEventInline(admin.TabularInline):
    model = StripeEvent
    fields = ["event_id", "type", "received_at", "processed_at", "deliveries", "outcome"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DownloadLogInline(admin.TabularInline):
    model = DownloadLog
    fields = ["downloaded_at", "ip_address", "user_agent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "user",
        "product",
        "status",
        "amount_display",
        "complimentary",
        "needs_attention",
        "created_at",
        "fulfilled_at",
    ]
    list_filter = ["status", "needs_attention", "complimentary", "product"]
    search_fields = [
        "user__email",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["user", "product"]
    # Money state changes only through Stripe events and the services; staff
    # may clear the attention flag and keep notes.
    fields = [
        "user",
        "product",
        "status",
        "amount_cents",
        "currency",
        "complimentary",
        "granted_by",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "created_at",
        "fulfilled_at",
        "refunded_at",
        "disputed_at",
        "stripe_dispute_id",
        "dispute_status",
        "closed_at",
        "receipt_sent_at",
        "needs_attention",
        "attention_note",
    ]
    readonly_fields = [f for f in fields if f not in {"needs_attention", "attention_note"}]
    inlines = [StripeEventInline, DownloadLogInline]
    actions = ["grant_copy_to_buyers"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "grant/",
                self.admin_site.admin_view(self.grant_view),
                name="payments_order_grant",
            ),
            *super().get_urls(),
        ]

    def grant_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = GrantForm(request.POST or None, initial={"product": services.get_playbook()})
        if request.method == "POST" and form.is_valid():
            order = services.grant_complimentary(
                user=form.cleaned_data["user"],
                product=form.cleaned_data["product"],
                granted_by=request.user,
            )
            messages.success(request, f"{order.user} has a copy ({order.reference}).")
            return redirect(reverse("admin:payments_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Grant a complimentary copy",
            "form": form,
        }
        return TemplateResponse(request, "admin/payments/order/grant.html", context)

    @admin.action(description="Grant a complimentary copy to the buyers of the selected orders")
    def grant_copy_to_buyers(self, request: HttpRequest, queryset) -> None:
        granted = 0
        for order in queryset.select_related("user", "product"):
            if services.paid_order_for(order.user, order.product) is None:
                services.grant_complimentary(
                    user=order.user, product=order.product, granted_by=request.user
                )
                granted += 1
        messages.success(
            request, f"Granted {granted} complimentary cop{'y' if granted == 1 else 'ies'}."
        )


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = [
        "event_id",
        "type",
        "order",
        "received_at",
        "processed_at",
        "deliveries",
        "outcome",
    ]
    list_filter = ["type"]
    search_fields = ["event_id", "order__user__email"]
    readonly_fields = [f.name for f in StripeEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    list_display = ["user", "order", "downloaded_at", "ip_address"]
    search_fields = ["user__email"]
    readonly_fields = [f.name for f in DownloadLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
