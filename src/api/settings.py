"""Settings, read once from the environment (12-factor), with working defaults."""

from __future__ import annotations

import os

import msgspec


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = ""
    sqlite_path: str = "var/orderhub.db"
    host: str = "127.0.0.1"
    port: int = 8000
    run_projections: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("ORDERHUB_DATABASE_URL", ""),
            sqlite_path=env.get("ORDERHUB_SQLITE_PATH", "var/orderhub.db"),
            host=env.get("ORDERHUB_HOST", "127.0.0.1"),
            port=int(env.get("ORDERHUB_PORT", "8000")),
            run_projections=env.get("ORDERHUB_RUN_PROJECTIONS", "1") not in ("0", "false", "no"),
        )
