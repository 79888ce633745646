"""The import contracts in pyproject.toml hold on the real tree, and break when
code imports against them: a copy of the project with one such import added
makes `lint-imports` exit non-zero and name the broken contract."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["interviewprep", "accounts", "sessions", "payments"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n{line}  # noqa: E402, F401\n")


def test_the_real_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_copy_keeps_every_contract_before_it_is_changed(project_copy):
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "sessions/scheduling/services/booking.py",
            "from sessions.notifications import outbox",
            "sessions: each domain imports only the layers below it BROKEN",
        ),
        (
            "sessions/timeutils.py",
            "from sessions.scheduling import models",
            "sessions: each domain imports only the layers below it BROKEN",
        ),
        (
            "sessions/grading/services.py",
            "from sessions.notifications import emails",
            "sessions: each domain imports only the layers below it BROKEN",
        ),
        (
            "sessions/notifications/outbox.py",
            "from sessions.models import Booking",
            "sessions: domains import their own models, never the app's gathering modules BROKEN",
        ),
        (
            "sessions/scheduling/calendar.py",
            "from payments import services",
            "sessions: only grading and the layers above it point at the playbook BROKEN",
        ),
        (
            "payments/services.py",
            "from sessions.grading import selectors",
            "BROKEN",
        ),
        (
            "accounts/models.py",
            "from payments import models",
            "BROKEN",
        ),
    ],
)
def test_an_import_against_the_contract_fails_the_lint(project_copy, module, line, contract):
    add_import(project_copy / module, line)
    result = lint_imports(project_copy)
    assert result.returncode != 0, result.stdout
    assert contract in " ".join(result.stdout.split())
    importer = module.removesuffix(".py").replace("/", ".")
    assert importer in result.stdout
