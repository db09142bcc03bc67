"""The `orderhub` command: help, and `serve` really serving on a port (in one process or
several)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.cli import build_parser, main


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    for command in ("serve", "demo", "projections"):
        assert command in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_starts_the_api_on_the_embedded_store(tmp_path: Path, workers: int) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "ORDERHUB_SQLITE_PATH": str(tmp_path / "serve.db"),
        "ORDERHUB_DATA_DIR": str(tmp_path),
        "ORDERHUB_PORT": str(port),
    }
    env.pop("ORDERHUB_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "orderhub serve did not answer within 30 s"
                time.sleep(0.2)
        assert health.json()["backend"] == "sqlite"
        assert health.json()["head"] > 0  # the default rulebook was published
        lives = [httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=5) for _ in range(20)]
        assert {(r.status_code, r.text) for r in lives} == {(200, '{"status":"ok"}')}
        url = f"http://127.0.0.1:{port}/rulebook"
        assert httpx.get(url, timeout=5).status_code == 401  # no token, no answer
        token = subprocess.run(
            [sys.executable, "-m", "api.cli", "token", "issue", "--user", "ops", "--role",
             "reader"], env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        rulebook = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        routes = rulebook.json()["rules"]["routes"]
        assert set(routes) == {"equipment", "standard_parts", "software"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_projections_status_and_retry_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERHUB_SQLITE_PATH", str(tmp_path / "cli.db"))
    monkeypatch.setenv("ORDERHUB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ORDERHUB_DATABASE_URL", raising=False)
    assert main(["projections", "catch-up"]) == 0
    assert "order_list\tposition=" in capsys.readouterr().out
    assert main(["projections", "retry", "order_list"]) == 0
    assert "holds nothing back" in capsys.readouterr().out
    assert main(["projections", "retry", "nope"]) == 2


def test_rebuild_and_compare_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERHUB_SQLITE_PATH", str(tmp_path / "cli.db"))
    monkeypatch.setenv("ORDERHUB_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ORDERHUB_DATABASE_URL", raising=False)
    assert main(["demo", "--orders", "20"]) == 0
    assert main(["projections", "rebuild", "order_list", "--compare"]) == 0
    assert "order_list: identical to a rebuild" in capsys.readouterr().out
    assert main(["projections", "rebuild", "order_list"]) == 0
    assert "readers now use order_list_g1" in capsys.readouterr().out
