"""The playbook for `make run`: the product and a short PDF marked SAMPLE on every page.

The real book is uploaded in the admin; this file only lets a demo purchase
end in a real download.
"""

from datetime import UTC, datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from fpdf import FPDF

from .models import PLAYBOOK_SLUG, Product

TITLE = "The Senior Engineer Interview Playbook"
DESCRIPTION = (
    "45 pages on the three moments where senior candidates lose offers: designing before "
    "clarifying, telling team stories instead of ones where they drove the outcome, and "
    "accepting the first number."
)
SAMPLE_FILE = "sample-senior-engineer-interview-playbook.pdf"
SAMPLE_NAME = f"playbooks/{SAMPLE_FILE}"  # where upload_to puts it

SAMPLE_PAGES = [
    (
        "1. Clarify before you design",
        "Spend the first five to eight minutes asking questions. What is the use case? What is "
        "the read/write ratio? What does the SLA actually require? What are we willing to give "
        "up for simplicity? Agree on what 'done' looks like before you draw a single box.",
    ),
    (
        "2. Stories where you drove the outcome",
        "Every behavioral question at this level asks whether you will own problems without "
        "hand-holding. Choose stories where you brought clarity to ambiguity, and say what you "
        "did: I noticed, I proposed, I drove it.",
    ),
    (
        "3. Answer the first offer",
        "Total compensation is more than base: the base/equity mix depends on company stage, "
        "refresher grants are negotiable, and signing bonuses often move more easily than "
        "salary. Bring a specific number and the rationale for it.",
    ),
]


class _SamplePDF(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", "B", 11)
        self.set_text_color(179, 38, 30)
        self.cell(0, 8, "SAMPLE - demo file, not the real playbook", align="C")
        self.ln(12)
        self.set_text_color(27, 31, 36)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "I", 9)
        self.set_text_color(179, 38, 30)
        self.cell(0, 8, f"SAMPLE - page {self.page_no()}", align="C")


def sample_pdf() -> bytes:
    pdf = _SamplePDF(format="A4")
    # A fixed date keeps the bytes the same from run to run.
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.set_title(f"{TITLE} (SAMPLE)")
    # Uncompressed, so the SAMPLE marks can be checked in the raw bytes.
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(0, 11, TITLE)
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 7, "A short sample of the 45-page playbook for the demo site.")
    for heading, text in SAMPLE_PAGES:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, heading)
        pdf.ln(3)
        pdf.set_font("Helvetica", "", 12)
        pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


def load(stdout) -> None:
    # A product made in the admin wins: the demo only fills a missing file.
    product = Product.objects.filter(slug=PLAYBOOK_SLUG).first() or Product.objects.active().first()
    created = product is None
    if created:
        product = Product.objects.create(
            slug=PLAYBOOK_SLUG,
            title=TITLE,
            description=DESCRIPTION,
            page_count=45,
            price_cents=3700,
            currency="usd",
        )
    if not product.file or not default_storage.exists(product.file.name):
        if default_storage.exists(SAMPLE_NAME):
            product.file.name = SAMPLE_NAME
        else:
            product.file.save(SAMPLE_FILE, ContentFile(sample_pdf()), save=False)
        product.save(update_fields=["file"])
    stdout.write(
        f"Playbook: {product.title} at {product.price_display}"
        f"{' (created)' if created else ''}; file {product.file.name}"
    )
