"""The notification centre (a member's notifications, newest first, unread ones marked),
the choice of how each kind reaches them, and the unsubscribe link of every email."""

import sqlalchemy as sa
from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.notifications import bp, services
from sip.notifications.models import CHANNEL_LABELS, Notification
from sip.web import page_number, render, run_form, see_other


@bp.get("/")
@login_required
def index():
    page = db.paginate(
        sa.select(Notification)
        .where(Notification.member_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page_number(),
        per_page=current_app.config["NOTIFICATIONS_PER_PAGE"],
        error_out=False,
    )
    return render(
        "notifications/index.html",
        page=page,
        message=services.message,
        args={},
        confirm_form=ConfirmForm(),
    )


@bp.post("/<int:notification_id>/open")
@login_required
def open_(notification_id: int):
    """Mark a notification read and go where it leads.

    :raise 404: for another member's notification.
    """
    notification = db.get_or_404(Notification, notification_id)
    if notification.member_id != current_user.id:
        abort(404)
    target = services.url(notification) or url_for("notifications.index")
    services.mark_read(notification)
    db.session.commit()
    return see_other(target)


@bp.post("/read")
@login_required
def read_all():
    done = run_form(
        ConfirmForm(),
        lambda: services.mark_all_read(current_user),
        _("Every notification is marked as read."),
        url_for("notifications.index"),
    )
    return done or see_other(url_for("notifications.index"))


# -- preferences ----------------------------------------------------------------------------

#: Form fields of the preferences page are named ``<PREFIX><kind>``.
PREFIX = "channel-"


def _preferences_page(chosen: dict[str, str], status: int = 200):
    return render(
        "notifications/preferences.html",
        sections=services.sections(),
        chosen=chosen,
        channel_labels=CHANNEL_LABELS,
        prefix=PREFIX,
        form=ConfirmForm(),
        status=status,
    )


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose, per kind, how to be notified: not at all, in the app, by email, in a digest.

    :raise 400: on a POST without a valid CSRF token.
    """
    current = {name: channel.value for name, channel in services.channels(current_user.id).items()}
    form = ConfirmForm()
    if request.method == "GET":
        return _preferences_page(current)
    if not form.validate_on_submit():
        abort(400)
    choices = {
        key[len(PREFIX) :]: value for key, value in request.form.items() if key.startswith(PREFIX)
    }
    try:
        changed = services.save_preferences(current_user.id, choices)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _preferences_page(current, status=422)
    db.session.commit()
    if changed:
        flash(_("Your notification settings are saved."), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return see_other(url_for("notifications.preferences"))


# -- unsubscribing from an email, without logging in ----------------------------------------


def _unsubscribe_label(kind: str) -> str:
    if kind == services.DIGEST:
        return _("the daily summary of notifications")
    found = services.kind_of(kind)
    return found.title if found else kind


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop the emails of one kind through the signed link an email carries: the page asks
    to confirm (a GET changes nothing), the form's POST does it. No login needed.

    :raise 400: for an expired or tampered link (a page says why; nothing changes).
    """
    try:
        member, kind = services.read_unsubscribe_token(token)
    except ServiceError as error:
        return render("notifications/unsubscribe.html", error=error.message, status=400)
    form = ConfirmForm()
    label = _unsubscribe_label(kind)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        changed = services.unsubscribe(token)
        db.session.commit()
        return render(
            "notifications/unsubscribe.html",
            done=True,
            changed=changed,
            label=label,
            member=member,
        )
    return render("notifications/unsubscribe.html", form=form, label=label, member=member)
