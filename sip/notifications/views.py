"""The notification centre: a member's notifications, newest first, unread ones marked."""

import sqlalchemy as sa
from flask import abort, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.notifications import bp, services
from sip.notifications.models import Notification
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
