"""Settings from the environment (`ESCALON_*`), read by the outer shell only."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESCALON_", extra="ignore")

    database_url: str = "sqlite:///./escalon.db"
    config: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    worker_max_idle: float = 0.5
    smtp_url: str | None = None  # smtp://host:port, smtps://user:password@host, smtp+starttls://…
    mail_from: str = "escalon <escalon@localhost>"
