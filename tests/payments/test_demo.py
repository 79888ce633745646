import io
import os
import subprocess
import sys
from pathlib import Path

from payments import demo
from payments.models import PLAYBOOK_SLUG, Product


def test_the_demo_loads_the_playbook_with_a_sample_pdf_once(db, private_media):
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    product = Product.objects.get()
    assert (product.slug, product.price_cents, product.currency, product.page_count) == (
        PLAYBOOK_SLUG, 3700, "usd", 45,
    )  # fmt: skip
    files = list((private_media / "playbooks").iterdir())
    assert [f.name for f in files] == ["sample-senior-engineer-interview-playbook.pdf"]
    data = files[0].read_bytes()
    assert data.startswith(b"%PDF")
    pages = data.count(b"/Type /Page\n")
    assert pages >= 2
    assert data.count(b"(SAMPLE - page") == pages
    assert data.count(b"(SAMPLE - demo file, not the real playbook)") == pages


def test_the_demo_loads_on_sqlite_too(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True)
    script = "import sys; from payments import demo; demo.load(sys.stdout); demo.load(sys.stdout)"
    out = subprocess.run(
        [*manage, "shell", "-v0", "-c", script], cwd=root, env=env, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert out.count("Playbook: The Senior Engineer Interview Playbook at $37.00") == 2
    assert (tmp_path / "private/playbooks/sample-senior-engineer-interview-playbook.pdf").exists()
