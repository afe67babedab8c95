"""Pages that belong to no feature: the home page, the language switch, a health check."""

import sqlalchemy as sa
from flask import Blueprint, abort, request, session, url_for
from flask_login import current_user

from sip.extensions import db
from sip.i18n import languages
from sip.members import services as members
from sip.web import render, safe_next, see_other

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render("main/index.html")


@bp.post("/language")
def switch_language():
    """Switch the interface language; a member's choice is saved on their record.

    :raise 400: for a language the app does not speak.
    """
    lang = request.form.get("lang", "")
    if lang not in languages():
        abort(400)
    if current_user.is_authenticated:
        members.set_language(current_user._get_current_object(), lang)
        db.session.commit()
    session["lang"] = lang
    return see_other(safe_next(request.form.get("next"), url_for("main.index")))


@bp.get("/healthz")
def healthz():
    """For the load balancer: the app answers and reaches its database."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
