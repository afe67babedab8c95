"""Register meetings (their minutes) and documents as evidence recommendations can cite."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from sip import evidence
from sip.extensions import db
from sip.working_groups.models import Document, Meeting


def _meetings(ids):
    rows = db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(list(ids))))
    return {m.id: (m.title, url_for("working_groups.meeting", meeting_id=m.id)) for m in rows}


def _meeting_choices(rec):
    rows = db.session.scalars(
        sa.select(Meeting).where(Meeting.group_id == rec.group_id).order_by(Meeting.starts_at)
    )
    return [(m.id, m.title) for m in rows]


def _documents(ids):
    rows = db.session.scalars(sa.select(Document).where(Document.id.in_(list(ids))))
    return {
        d.id: (d.current.title, url_for("working_groups.document", document_id=d.id)) for d in rows
    }


def _document_choices(rec):
    rows = db.session.scalars(
        sa.select(Document).where(Document.group_id == rec.group_id).order_by(Document.id)
    )
    return [(d.id, d.current.title) for d in rows]


def register_kinds() -> None:
    evidence.register(
        evidence.EvidenceKind("meeting", _l("Meeting minutes"), _meetings, _meeting_choices)
    )
    evidence.register(
        evidence.EvidenceKind("document", _l("Group document"), _documents, _document_choices)
    )
