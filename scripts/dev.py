#!/usr/bin/env python3
"""Set up and run OrderHub on a fresh machine with only Python 3.11+.

    python3 scripts/dev.py serve   # venv + runtime install + demo data + API on 127.0.0.1:8000
    python3 scripts/dev.py test    # venv + install + ruff + mypy --strict + the whole test suite
                                   # (as root, apt-get installs chromium for the browser test)

The virtualenv lives in .venv and is reinstalled only when pyproject.toml changes.
Extra arguments go to `orderhub serve` or to pytest (which runs a worker per core
unless they say otherwise, e.g. `-n 0`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)  # noqa: S603


def ensure_env(*, test_tools: bool) -> None:
    """The venv with OrderHub installed: its runtime dependencies only for `serve`, and
    the `test` extra (pytest, hypothesis, ruff, mypy, ...) too for `test`."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may run under any python3
        sys.exit(f"OrderHub needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".orderhub-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed = stamp.read_text() if stamp.exists() else ""
    # A venv with the test tools serves too; one without them is topped up for `test`.
    if installed in (f"{digest} test", *(() if test_tools else (f"{digest} runtime",))):
        return
    target = ".[test]" if test_tools else "."
    print(f"installing OrderHub{' and its test tools' if test_tools else ''} ...", flush=True)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(f"{digest} {'test' if test_tools else 'runtime'}")


# Debian packages the browser test needs: the browser, and a font with Chinese glyphs.
BROWSER_PACKAGES = ("chromium", "fonts-wqy-zenhei")


def _installed(package: str) -> bool:
    query = ["dpkg-query", "-W", "-f=${Status}", package]
    found = subprocess.run(query, capture_output=True, text=True, check=False)  # noqa: S603
    return found.stdout.strip() == "install ok installed"  # not merely its configuration left


def ensure_browser() -> None:
    """Install Debian's chromium (and a CJK font) for the dashboard's end-to-end test.

    Only where it can be done unattended: as root with apt-get. Elsewhere the test
    is skipped locally and fails under CI=true, naming what to install.
    """
    if not shutil.which("dpkg-query") or not shutil.which("apt-get") or os.geteuid() != 0:
        return
    missing = [package for package in BROWSER_PACKAGES if not _installed(package)]
    if not missing:
        return
    print(f"installing {', '.join(missing)} for the browser test ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    if subprocess.run(install, env=env, check=False).returncode != 0:  # noqa: S603
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)  # noqa: S607
        subprocess.run(install, env=env, check=True)  # noqa: S603


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("serve", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_env(test_tools=command == "test")
    if command == "serve":
        _run(BIN / "orderhub", "serve", "--demo", *rest)
        return 0
    ensure_browser()
    _run(BIN / "ruff", "check", "src")
    _run(BIN / "mypy", "--strict", "src")
    # One pytest worker per core (pytest-xdist) unless the arguments choose.
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist")) for a in rest)
    _run(BIN / "python", "-m", "pytest", *([] if chosen else ["-n", "auto"]), *rest)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as failed:
        sys.exit(failed.returncode)
    except KeyboardInterrupt:
        sys.exit(130)
