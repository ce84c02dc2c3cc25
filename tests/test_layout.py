"""House rules of the layout that would otherwise break imports or the wheel."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_MATCHING = {
    "mdm",
    "sqlmodel",
    "sqlalchemy",
    "fastapi",
    "strawberry",
    "alembic",
    "starlette",
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_matching_imports_nothing_of_the_hub_a_database_or_a_web_framework() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & FORBIDDEN_IN_MATCHING)
        for path in (ROOT / "matching").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_python_named_graphql_anywhere() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    bad = [
        p for p in tracked if p.endswith(".py") and ("graphql/" in p or p.endswith("graphql.py"))
    ]
    assert bad == []


def test_every_test_folder_is_a_package() -> None:
    folders = {p.parent for p in (ROOT / "tests").rglob("*.py")}
    assert sorted(str(f) for f in folders if not (f / "__init__.py").exists()) == []


def test_strawberry_imports_the_real_graphql_core() -> None:
    code = "import graphql, strawberry; print(graphql.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "site-packages" in out


def test_wheel_ships_mdm_matching_and_the_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mdm/app.py" in names
    assert "matching/__init__.py" in names
    assert "mdm/migrations/env.py" in names
    assert any(n.startswith("mdm/migrations/versions/") for n in names)
    assert not any(n.startswith(("tests/", "seeds/", "graphql/")) for n in names)
