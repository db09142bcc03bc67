"""The layers' import direction holds (the contracts in pyproject.toml, read by import-linter).

`api -> policies -> projections | application -> infrastructure -> domain`; the
application and the domain import none of the adapters' libraries; test tools do
not ship; controllers never import each other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [str(LINT), "--no-cache", str(project / "pyproject.toml")],
        cwd=project, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_every_import_points_the_way_the_layers_say() -> None:
    linted = _lint(ROOT)
    assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize(
    ("module", "wrong_import"),
    [
        ("domain/shared.py", "import application.service"),  # the domain imports a layer
        ("infrastructure/read_store.py", "import projections.order_list"),  # an arrow up
        ("application/service.py", "import infrastructure.read_store"),  # not handed in
        ("api/runtime.py", "import domain.testing"),  # test tools in production
        ("api/quotes.py", "import api.orders"),  # a controller imports another
    ],
)
def test_an_arrow_the_wrong_way_is_caught(tmp_path: Path, module: str, wrong_import: str) -> None:
    project = tmp_path / "copy"
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    scratch = project / "src" / module
    scratch.write_text(f"{scratch.read_text()}\n{wrong_import}\n")
    linted = _lint(project)
    assert linted.returncode != 0, linted.stdout
    assert "BROKEN" in linted.stdout
