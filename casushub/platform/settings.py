"""Settings read from environment variables (12-factor).

Every variable is documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = [
    "BACKUP_RETENTION_MAX_DAYS",
    "SMTP_DEFAULT_PORTS",
    "Settings",
    "asyncpg_url",
    "get_settings",
    "url_with_user",
]

# Development and tests only; production refuses to start without its own SECRET_KEY.
_DEV_SECRET = "development-only-secret-key-not-for-production"  # noqa: S105 - not a real secret
_ROLE_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,17}$")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if not raw:
        return default
    return raw.lower() in {"1", "true", "yes", "on", "ja"}


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw else default


def _smtp_tls(value: str) -> str:
    if value not in {"starttls", "tls", "none"}:
        msg = "SMTP_TLS moet starttls, tls of none zijn"
        raise ValueError(msg)
    return value


# The port that goes with each SMTP_TLS mode (RFC 8314: 465 implicit TLS, 587 submission with
# STARTTLS); the chart's NetworkPolicy opens exactly these two, so the defaults agree with it.
SMTP_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}

BACKUP_RETENTION_MAX_DAYS = 90
"""Upper bound of ``BACKUP_RETENTION_DAYS``: destroyed data may live on in backups no longer."""


def _backup_retention_days() -> int:
    days = _env_int("BACKUP_RETENTION_DAYS", 35)
    if not 1 <= days <= BACKUP_RETENTION_MAX_DAYS:
        msg = f"BACKUP_RETENTION_DAYS moet tussen 1 en {BACKUP_RETENTION_MAX_DAYS} dagen liggen"
        raise ValueError(msg)
    return days


def asyncpg_url(url: str) -> str:
    """Normalise a libpq-style URL to SQLAlchemy's asyncpg dialect."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    msg = f"DATABASE_URL moet een PostgreSQL-URL zijn, niet {urlsplit(url).scheme!r}"
    raise ValueError(msg)


def url_with_user(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit((parts.scheme, f"{auth}@{host}", parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class Settings:
    """Typed view of the environment.

    The database is reached with two roles on purpose: ``database_url`` is the owner that runs
    migrations and provisions tenants (creates schemas and roles); ``app_database_url`` is the
    login role that web and workers use, which holds no rights on any tenant schema outside a
    ``SET LOCAL ROLE`` (docs/design.md §3, defence in depth).
    """

    environment: str = "development"
    """``development``, ``test`` or ``production``."""
    database_url: str = ""
    """Owner connection (migrations, provisioning), asyncpg dialect."""
    app_database_url: str = ""
    """Runtime login connection for web and workers, asyncpg dialect."""
    db_role_prefix: str = "casushub"
    """Prefix of every database role this installation creates (roles are cluster-wide)."""
    app_db_password: str = ""
    """Password given to the runtime login role when it is created (empty: trust/peer auth)."""
    db_pool_size: int = 10
    db_pool_guard: bool = False
    """Refuse a second pooled connection to a task that holds one (tests and development):
    casushub.platform.een_verbinding."""
    data_dir: Path = field(default_factory=lambda: Path(".data"))
    """Local state for development: embedded PostgreSQL data, mail sink, uploads."""
    secret_key: str = ""
    """Signs CSRF tokens; required in production."""
    base_url: str = "http://localhost:8000"
    secure_cookies: bool = True
    """Only switch off for local development over plain http."""
    force_https: bool = False
    """Send HSTS even when the request arrived over http (TLS terminated at a proxy)."""
    log_level: str = "INFO"
    log_json: bool = True
    encryption_key: str = ""
    """Base64 of 32 bytes: encrypts OIDC client secrets at rest (AES-GCM); required in
    production."""
    session_idle_minutes: int = 30
    """A signed-in session ends after this long without activity."""
    session_absolute_hours: int = 10
    """A signed-in session ends this long after sign-in, active or not."""
    oidc_timeout_seconds: float = 5.0
    """Upper bound per request to an identity provider (discovery, JWKS, token)."""
    oidc_cache_seconds: int = 3600
    """How long a provider's discovery document and JWKS are cached."""
    dev_idp_port: int = 9400
    """First loopback port of the development identity provider (``make dev``)."""
    broker_url: str = ""
    """Message broker: empty for the PostgreSQL broker on the application database (schema
    ``dramatiq``), ``amqp://…`` for RabbitMQ, ``redis://…`` for Redis."""
    worker_threads: int = 4
    """Worker threads per ``casushub worker`` process."""
    job_max_retries: int = 5
    """Attempts after the first before a message goes to the dead letters."""
    job_min_backoff_ms: int = 15_000
    """First retry delay; doubles per attempt (dramatiq's exponential backoff)."""
    worker_heartbeat_ttl: float = 60.0
    """PostgreSQL broker: seconds without heartbeat after which a worker counts as dead and
    its unfinished messages are handed out again."""
    scheduler_sweep_seconds: int = 60
    """How often the scheduler enqueues the outbox and mail sweeps (safety nets)."""
    smtp_host: str = ""
    """SMTP server; empty in development means the local mail sink (``casushub dev``)."""
    smtp_port: int = 587
    """Default: the port of ``smtp_tls`` (587 starttls, 465 tls, 25 none)."""
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_tls: str = "starttls"
    """``starttls``, ``tls`` (implicit TLS, port 465) or ``none`` (local sink only)."""
    mail_from: str = "casushub <noreply@localhost>"
    termination_days: int = 30
    # Days between two authorisation reviews of an organisation (reminder when passed).
    authorisation_review_days: int = 180
    """Days between terminating a municipality and destroying the hub's copy of its data."""
    metrics_token: str = ""
    """Bearer token Prometheus sends to ``/metrics``; empty: the endpoint is off in production."""
    contactpunt_limiet_client: int = 100
    """Public contactpunt form: submissions per client (IP address) per hour, valid or not.
    A ceiling, not the working limit: a front desk sends requests for many people from one
    address; the per-e-mail limit is the one that stops repetition."""
    contactpunt_limiet_email: int = 3
    """Public contactpunt form: requests per e-mail address per 24 hours."""
    login_limiet_client: int = 1000
    """Sign-in (start and callback): attempts per client address per 10 minutes (then 429).
    A ceiling for a whole office behind one NAT address; account and organisation limit first."""
    login_limiet_account: int = 20
    """Sign-in start: attempts per e-mail address per 10 minutes (then 429)."""
    login_limiet_organisatie: int = 2000
    """Sign-in start: attempts per organisation (by e-mail domain) per 10 minutes (then 429).
    Above the per-address ceiling, so one address alone cannot lock an organisation out."""
    bijlage_max_bytes: int = 10 * 1024 * 1024
    """Largest attachment (bijlage) accepted on a casus information item, in bytes."""
    oidc_ca_bundle: str = ""
    """PEM file with extra certificate authorities trusted for identity providers (a
    municipality's own CA), on top of the usual public ones; empty: the public ones only."""
    backup_retention_days: int = 35
    """Database backups older than this are deleted (``casushub db backup``): the longest a
    destroyed record lives on in a backup. At most ``BACKUP_RETENTION_MAX_DAYS``."""

    @property
    def app_role(self) -> str:
        return f"{self.db_role_prefix}_app"

    def tenant_role(self, slug: str) -> str:
        return f"{self.db_role_prefix}_t_{slug}"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @classmethod
    def from_env(cls) -> Settings:
        environment = _env("CASUSHUB_ENV", "development")
        prefix = _env("DB_ROLE_PREFIX", "casushub")
        if not _ROLE_PREFIX.match(prefix):
            msg = "DB_ROLE_PREFIX: kleine letters, cijfers en _, hooguit 18 tekens"
            raise ValueError(msg)
        raw_db = _env("DATABASE_URL")
        database_url = asyncpg_url(raw_db) if raw_db else ""
        app_password = _env("APP_DB_PASSWORD")
        raw_app = _env("APP_DATABASE_URL")
        if raw_app:
            app_url = asyncpg_url(raw_app)
        elif database_url:
            app_url = url_with_user(database_url, f"{prefix}_app", app_password)
        else:
            app_url = ""
        smtp_tls = _smtp_tls(_env("SMTP_TLS", "starttls"))
        secret = _env("SECRET_KEY")
        if environment == "production" and len(secret) < 32:
            msg = "SECRET_KEY moet in productie minstens 32 tekens lang zijn"
            raise ValueError(msg)
        return cls(
            environment=environment,
            database_url=database_url,
            app_database_url=app_url,
            db_role_prefix=prefix,
            app_db_password=app_password,
            db_pool_size=_env_int("DB_POOL_SIZE", 10),
            db_pool_guard=environment != "production",
            data_dir=Path(_env("DATA_DIR", ".data")),
            secret_key=secret or _DEV_SECRET,
            base_url=_env("BASE_URL", "http://localhost:8000").rstrip("/"),
            secure_cookies=_env_bool("SECURE_COOKIES", environment != "development"),
            force_https=_env_bool("FORCE_HTTPS", False),
            log_level=_env("LOG_LEVEL", "INFO").upper(),
            log_json=_env_bool("LOG_JSON", True),
            encryption_key=_encryption_key(environment, secret or _DEV_SECRET),
            session_idle_minutes=_env_int("SESSION_IDLE_MINUTES", 30),
            session_absolute_hours=_env_int("SESSION_ABSOLUTE_HOURS", 10),
            oidc_timeout_seconds=float(_env("OIDC_TIMEOUT_SECONDS", "5")),
            oidc_cache_seconds=_env_int("OIDC_CACHE_SECONDS", 3600),
            dev_idp_port=_env_int("DEV_IDP_PORT", 9400),
            broker_url=_env("BROKER_URL"),
            worker_threads=_env_int("WORKER_THREADS", 4),
            job_max_retries=_env_int("JOB_MAX_RETRIES", 5),
            job_min_backoff_ms=_env_int("JOB_MIN_BACKOFF_MS", 15_000),
            worker_heartbeat_ttl=float(_env("WORKER_HEARTBEAT_TTL", "60")),
            scheduler_sweep_seconds=_env_int("SCHEDULER_SWEEP_SECONDS", 60),
            smtp_host=_env("SMTP_HOST"),
            smtp_port=_env_int("SMTP_PORT", SMTP_DEFAULT_PORTS[smtp_tls]),
            smtp_username=_env("SMTP_USERNAME"),
            smtp_password=_env("SMTP_PASSWORD"),
            smtp_tls=smtp_tls,
            mail_from=_env("MAIL_FROM", "casushub <noreply@localhost>"),
            termination_days=_env_int("TERMINATION_DAYS", 30),
            authorisation_review_days=_env_int("AUTHORISATION_REVIEW_DAYS", 180),
            metrics_token=_env("METRICS_TOKEN"),
            contactpunt_limiet_client=_env_int("CONTACTPUNT_LIMIET_CLIENT", 100),
            contactpunt_limiet_email=_env_int("CONTACTPUNT_LIMIET_EMAIL", 3),
            login_limiet_client=_env_int("LOGIN_LIMIET_CLIENT", 1000),
            login_limiet_account=_env_int("LOGIN_LIMIET_ACCOUNT", 20),
            login_limiet_organisatie=_env_int("LOGIN_LIMIET_ORGANISATIE", 2000),
            bijlage_max_bytes=_env_int("BIJLAGE_MAX_BYTES", 10 * 1024 * 1024),
            oidc_ca_bundle=_env("OIDC_CA_BUNDLE"),
            backup_retention_days=_backup_retention_days(),
        )


def _encryption_key(environment: str, secret: str) -> str:
    raw = _env("ENCRYPTION_KEY")
    if raw:
        return raw
    if environment == "production":
        msg = "ENCRYPTION_KEY (base64 van 32 bytes) is verplicht in productie"
        raise ValueError(msg)
    # Development and tests only: a key derived from SECRET_KEY, so a restart can still
    # decrypt the secrets it stored.
    digest = hashlib.sha256(b"casushub.encryption:" + secret.encode()).digest()
    return base64.b64encode(digest).decode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
