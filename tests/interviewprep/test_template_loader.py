"""Templates are compiled once per process, not read and parsed on every render."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_the_template_engine_keeps_compiled_templates():
    (loader,) = engines["django"].engine.template_loaders
    assert isinstance(loader, CachedLoader)
    assert loader.get_template("base.html") is loader.get_template("base.html")
