"""Every knob is an environment variable: ``MEMBERSHIP_*``, plus ``DATABASE_URL`` and ``REDIS_URL``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]

# Where the platform is installed: the checkout for an editable install. Files that ship with the
# platform (the built admin) are found from here, so ``membership serve`` works from any directory.
_INSTALL_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEMBERSHIP_", extra="ignore")

    # Server URLs. Unset means: use (and start) the embedded servers under ``var_dir``.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "MEMBERSHIP_DATABASE_URL")
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "MEMBERSHIP_REDIS_URL")
    )
    var_dir: Path = Path("var")

    # Database roles: migrations run as the owner, requests as the app role (no BYPASSRLS).
    db_owner_role: str = "membership_owner"
    db_owner_password: str | None = None
    db_app_role: str = "membership_app"
    db_app_password: str | None = None
    # Owns the few SECURITY DEFINER functions that tell the worker which tenants have work due
    # (pending events, retries, expiries) without a query per tenant. It cannot log in.
    db_sweep_role: str = "membership_sweep"
    db_pool_min: int = 1
    db_pool_max: int = 10
    # asyncpg's cache of named prepared statements, per connection. 0 behind PgBouncer in
    # transaction mode (before 1.21, PgBouncer cannot follow a statement to another transaction's
    # server connection); see docs/deployment.md.
    db_statement_cache_size: int = 100

    # Redis key prefix, so several deployments (or test runs) can share one server.
    redis_prefix: str = "membership"

    # Auth.
    jwt_secret: str = "change-me-in-production-0123456789abcdef"
    # seals channel providers' credentials; derived from jwt_secret when unset (development)
    credentials_key: str | None = None
    # a channel a tenant never set up is carried by the fake provider; turn off in production
    channels_fake_by_default: bool = True
    # a provider's base URL may be a loopback or private address (development, tests)
    channels_allow_private_urls: bool = False
    staff_token_ttl_seconds: int = 12 * 3600
    member_token_ttl_seconds: int = 7 * 24 * 3600

    # GraphQL limits.
    graphql_max_depth: int = 10
    graphql_max_aliases: int = 15
    graphql_max_tokens: int = 2000
    # Registered hot operations run from compiled plans; false runs everything through strawberry.
    graphql_compiled: bool = True
    debug: bool = False  # GraphiQL and detailed errors; never in production

    # Admin SPA build output served at /admin/; a relative path is taken from the install location,
    # not from the working directory.
    admin_dist: Path = Field(default=Path("admin_spa/dist"), validate_default=True)

    # Regions whose phone numbers members may register with (ISO 3166 codes; CN by default).
    phone_regions: list[str] = ["CN"]

    # Webhooks: loopback and private targets are refused unless allowed (development only).
    webhooks_allow_private_urls: bool = False
    webhooks_timeout_seconds: float = 15.0
    # How often the worker's relay looks for committed events when it found none last time.
    relay_interval_seconds: float = 0.1

    log_level: str = "INFO"

    @field_validator("admin_dist")
    @classmethod
    def admin_dist_from_install_root(cls, value: Path) -> Path:
        return _INSTALL_ROOT / value.expanduser()

    @property
    def embedded(self) -> bool:
        return self.database_url is None or self.redis_url is None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
