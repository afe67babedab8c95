"""The questionnaires' notification: one opens to you (when published, or on its opening
date, then sent by ``flask --app sip send-mail``)."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from sip.notifications import schedule
from sip.notifications import services as notifications


def _answer_url(notification) -> str:
    return url_for("surveys.answer", survey_id=notification.subject_id)


def register_kinds() -> None:
    from sip.surveys import services

    notifications.register(
        notifications.Kind(
            "survey.opened",
            _l("A questionnaire is open to you: “%(title)s”."),
            _answer_url,
            label=_l("A questionnaire opens to me"),
        )
    )
    schedule.register_task("survey.opened", services.announce_openings)
