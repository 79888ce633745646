"""How people are named in templates; loaded as a builtin (settings.TEMPLATES)."""

from django import template

from accounts.models import at_sentence_start

register = template.Library()


@register.filter
def sentence_start(name: str) -> str:
    """`{{ other.display_name|sentence_start }} cancelled…`: "A former member cancelled…"."""
    return at_sentence_start(str(name))
