"""Pages work under a Content-Security-Policy without 'unsafe-inline'.

The browser refuses inline <script> and <style> blocks, style="" attributes and
on*="" handlers under our policy, so no served template may contain one. Email
templates are exempt: mail clients need inline styles and no CSP applies there.
"""

import re

import pytest
from django.conf import settings

TEMPLATES = settings.BASE_DIR / "templates"
SERVED = sorted(
    p for p in TEMPLATES.rglob("*.html") if "emails" not in p.relative_to(TEMPLATES).parts
)

INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a <style> block": re.compile(r"<style[\s>]", re.I),
    "an inline event handler": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def test_there_are_templates_to_check():
    assert len(SERVED) > 20


@pytest.mark.parametrize("path", SERVED, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_a_served_template_has_no_inline_code_or_style(path):
    text = path.read_text()
    for what, pattern in INLINE.items():
        match = pattern.search(text)
        assert match is None, (
            f"{path.relative_to(TEMPLATES)} has {what}: {text[match.start() : match.start() + 60]!r}"
        )
    for attrs in SCRIPT_TAG.findall(text):
        assert "src=" in attrs or 'type="application/json"' in attrs, (
            f"{path.relative_to(TEMPLATES)} has an inline <script{attrs}>: move it to static/js"
        )
