"""Settings, read once from the environment (12-factor), with working defaults."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from policies.delivery import SmtpSettings


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = ""
    sqlite_path: str = "var/orderhub.db"
    host: str = "127.0.0.1"
    port: int = 8000
    run_projections: bool = True
    run_clock: bool = True  # weekly dunning and the daily milestone review (with projections)
    data_dir: str = "var"  # document files and the signing key live here
    blob_dir: str = ""  # default: {data_dir}/blobs
    upload_limit: int = 200 * 2**20  # bytes per uploaded file
    json_limit: int = 4 * 2**20  # bytes per JSON body (an order of 500 lines is ~200 kB)
    import_row_limit: int = 100_000  # rows per imported file
    signing_key: str = ""  # default: a key file made once in data_dir
    token_key: str = ""  # verifies bearer tokens (HS256); default: a key file in data_dir
    token_max_days: int = 90  # the longest lifetime `token issue` gives (a wall screen's: 7)
    public_url: str = ""  # base of links printed as QR codes; default: the request's
    company_name: str = "OrderHub"  # the sender on dunning letters
    time_zone: str = "Asia/Shanghai"  # the company's: the day a document version is dated
    # Costs to obtain a contract that would amortise within a year are expensed at once
    # (ASC 340-40-25-4); False: every such cost is capitalised.
    contract_cost_expedient: bool = True
    read_cache_size: int = 1024  # read answers kept until their read model moves (0: none)
    read_cache_trail: float = 0.1  # seconds a kept answer may trail its read model
    smtp: SmtpSettings = msgspec.field(default_factory=SmtpSettings)

    @property
    def zone(self) -> ZoneInfo:
        """The company's time zone (a bad ORDERHUB_TIME_ZONE fails the start, naming it)."""
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(
                f"ORDERHUB_TIME_ZONE={self.time_zone!r} is not a time zone such as Asia/Shanghai"
            ) from e

    @property
    def blobs_path(self) -> Path:
        return Path(self.blob_dir or Path(self.data_dir) / "blobs")

    @property
    def signing_key_file(self) -> Path:
        return Path(self.data_dir) / "signing.key"

    @property
    def digest_key_file(self) -> Path:
        """The Ed25519 key that signs the log's period digests (made once, owner-only)."""
        return Path(self.data_dir) / "digest.key"

    @property
    def token_key_file(self) -> Path:
        return Path(self.data_dir) / "token.key"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("ORDERHUB_DATABASE_URL", ""),
            sqlite_path=env.get("ORDERHUB_SQLITE_PATH", "var/orderhub.db"),
            host=env.get("ORDERHUB_HOST", "127.0.0.1"),
            port=int(env.get("ORDERHUB_PORT", "8000")),
            run_projections=env.get("ORDERHUB_RUN_PROJECTIONS", "1") not in ("0", "false", "no"),
            run_clock=env.get("ORDERHUB_RUN_CLOCK", "1") not in ("0", "false", "no"),
            data_dir=env.get("ORDERHUB_DATA_DIR", "var"),
            blob_dir=env.get("ORDERHUB_BLOB_DIR", ""),
            upload_limit=int(env.get("ORDERHUB_UPLOAD_LIMIT", str(200 * 2**20))),
            json_limit=int(env.get("ORDERHUB_JSON_LIMIT", str(4 * 2**20))),
            import_row_limit=int(env.get("ORDERHUB_IMPORT_ROW_LIMIT", "100000")),
            signing_key=env.get("ORDERHUB_SIGNING_KEY", ""),
            token_key=env.get("ORDERHUB_TOKEN_KEY", ""),
            token_max_days=int(env.get("ORDERHUB_TOKEN_MAX_DAYS", "90")),
            public_url=env.get("ORDERHUB_PUBLIC_URL", ""),
            company_name=env.get("ORDERHUB_COMPANY_NAME", "OrderHub"),
            time_zone=env.get("ORDERHUB_TIME_ZONE", "Asia/Shanghai"),
            contract_cost_expedient=env.get("ORDERHUB_CONTRACT_COST_EXPEDIENT", "1")
            in ("1", "true", "yes"),
            read_cache_size=int(env.get("ORDERHUB_READ_CACHE_SIZE", "1024")),
            read_cache_trail=float(env.get("ORDERHUB_READ_CACHE_TRAIL", "0.1")),
            smtp=SmtpSettings(
                host=env.get("ORDERHUB_SMTP_HOST", ""),
                port=int(env.get("ORDERHUB_SMTP_PORT", "25")),
                sender=env.get("ORDERHUB_SMTP_FROM", "orderhub@localhost"),
                username=env.get("ORDERHUB_SMTP_USER", ""),
                password=env.get("ORDERHUB_SMTP_PASSWORD", ""),
                starttls=env.get("ORDERHUB_SMTP_STARTTLS", "0") in ("1", "true", "yes"),
            ),
        )
