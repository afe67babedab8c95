"""SIP: participatory governance of multi-stakeholder co-operatives."""

import os
import secrets
from pathlib import Path

from flask import Flask

from sip.paths import ROOT

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints. Nothing else happens here."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _configure(app, config)

    from sip import web_setup

    web_setup.init_extensions(app)
    web_setup.register_blueprints(app)
    web_setup.register_error_handlers(app)
    web_setup.register_template_helpers(app)
    web_setup.register_security_headers(app)

    from sip.cli import register_commands

    register_commands(app)
    return app


def _configure(app: Flask, config: dict | None) -> None:
    app.config.from_object("sip.config")
    app.config.from_prefixed_env("SIP")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
        app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path
    )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not app.debug
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _instance_secret(instance: Path) -> str:
    """A random key made once per installation and kept, readable by its owner only."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def database_url(url: str, instance_path: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs; put relative SQLite files under ``instance/``."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        name = url[len("sqlite:///") :]
        if name and name != ":memory:" and not name.startswith("/"):
            return f"sqlite:///{Path(instance_path) / name}"
    return url
