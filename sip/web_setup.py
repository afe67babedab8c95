"""How ``create_app`` wires extensions, blueprints, error pages and template helpers."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from sip import access, i18n
from sip.db import include_object
from sip.extensions import babel, csrf, db, limiter, login_manager, migrate
from sip.markdown import render_markdown
from sip.paths import ROOT
from sip.web import render

#: Feature packages, each with a blueprint in ``__init__`` and its routes in ``views``.
FEATURES = (
    "auth",
    "members",
    "board",
    "cycles",
    "working_groups",
    "forum",
    "surveys",
    "assembly",
    "actions",
    "payroll",
    "notifications",
    "admin",
)


def init_extensions(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"]:
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    # Import every model so that metadata (and Alembic) sees all tables.
    from sip import audit  # noqa: F401
    from sip.actions import models as _action_models  # noqa: F401
    from sip.actions import notifications as action_notifications
    from sip.assembly import models as _assembly_models  # noqa: F401
    from sip.assembly import notifications as assembly_notifications
    from sip.board import models as _board_models  # noqa: F401
    from sip.board import notifications as board_notifications
    from sip.cycles import models as _cycle_models  # noqa: F401
    from sip.forum import evidence as forum_evidence
    from sip.forum import models as _forum_models  # noqa: F401
    from sip.forum import notifications as forum_notifications
    from sip.forum import services as forum_services
    from sip.members import models as _member_models
    from sip.notifications import models as _notification_models  # noqa: F401
    from sip.notifications import outbox
    from sip.payroll import models as _payroll_models  # noqa: F401
    from sip.payroll import notifications as payroll_notifications
    from sip.surveys import evidence as survey_evidence
    from sip.surveys import models as _survey_models  # noqa: F401
    from sip.surveys import notifications as survey_notifications
    from sip.working_groups import evidence as wg_evidence
    from sip.working_groups import models as _group_models  # noqa: F401
    from sip.working_groups import notifications as group_notifications

    wg_evidence.register_kinds()
    forum_evidence.register_kinds()
    forum_notifications.register_kinds()
    forum_services.connect_events()
    survey_evidence.register_kinds()
    board_notifications.register_kinds()
    assembly_notifications.register_kinds()
    group_notifications.register_kinds()
    survey_notifications.register_kinds()
    action_notifications.register_kinds()
    payroll_notifications.register_kinds()

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        include_object=include_object,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    outbox.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_member(user_id: str):
        member_id, _, nonce = user_id.partition(":")
        if not member_id.isdigit():
            return None
        member = db.session.get(_member_models.Member, int(member_id))
        if member is None or member.session_nonce != nonce or not member.is_active:
            return None
        return member


class RowId(IntegerConverter):
    """``<int:...>`` in URLs: at most a 64-bit integer, so a huge id is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    import importlib

    from sip import main

    app.url_map.converters["int"] = RowId

    app.register_blueprint(main.bp)
    for feature in FEATURES:
        package = importlib.import_module(f"sip.{feature}")
        importlib.import_module(f"sip.{feature}.views")  # attaches the routes to the blueprint
        app.register_blueprint(package.bp)


def register_error_handlers(app: Flask) -> None:
    def page(code: int, description=None):
        return render("errors/error.html", code=code, description=description, status=code)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return page(error.code)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return page(400, _l("The form had expired or was sent from elsewhere. Please try again."))

    @app.errorhandler(429)
    def too_many(error):
        return page(429)

    @app.errorhandler(sa.exc.IntegrityError)
    def conflict(error):
        # Two requests raced (a double click): the database kept one; nothing is half-done.
        db.session.rollback()
        return page(409)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        # Flask has logged the exception; in debug it reaches the debugger instead.
        db.session.rollback()
        return page(500)


def register_template_helpers(app: Flask) -> None:
    from sip.cycles.models import TOPIC_STATUS_LABELS
    from sip.facts import is_board_member
    from sip.members.models import ROLE_LABELS, STATUS_LABELS
    from sip.working_groups.models import GROUP_STATE_LABELS

    def unread_notifications() -> int:
        from flask_login import current_user

        from sip.notifications.services import unread_count

        return unread_count(current_user) if current_user.is_authenticated else 0

    from sip.actions.models import ACTION_STATUS_LABELS

    app.jinja_env.globals.update(
        action_status_labels=ACTION_STATUS_LABELS,
        unread_notifications=unread_notifications,
        is_board_member=is_board_member,
        topic_status_labels=TOPIC_STATUS_LABELS,
        group_state_labels=GROUP_STATE_LABELS,
        role_labels=ROLE_LABELS,
        status_labels=STATUS_LABELS,
        allowed=access.allowed,
        csrf_token=generate_csrf,
        current_language=i18n.current_language,
        get_locale=get_locale,
        language_names=i18n.LANGUAGE_NAMES,
        languages=i18n.languages,
    )
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["money"] = i18n.money
    app.jinja_env.filters["percent"] = i18n.percent
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        # A day kept in JSON (a payslip's rates) comes back as its ISO text.
        format_date(date.fromisoformat(value) if isinstance(value, str) else value, fmt)
        if value
        else ""
    )
    # An exclusive end date shown as the last day it includes.
    app.jinja_env.filters["date_before"] = lambda value, fmt="medium": (
        format_date(value - timedelta(days=1), fmt) if value else ""
    )
    app.jinja_env.filters["time"] = lambda value, fmt="short": (
        format_time(value, fmt) if value else ""
    )


def register_security_headers(app: Flask) -> None:
    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
    )

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
