from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_one_active_product"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="stripe_dispute_id",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name="order",
            name="dispute_status",
            field=models.CharField(
                blank=True,
                help_text="Stripe's status of the dispute, e.g. won or lost.",
                max_length=32,
            ),
        ),
    ]
