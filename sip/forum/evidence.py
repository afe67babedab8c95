"""Register forum threads as evidence recommendations can cite.

A group may cite the published threads of its own category and of the general categories
(every member reads those); never another group's.
"""

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from sip import evidence
from sip.extensions import db
from sip.forum.models import Category, Thread, ThreadStatus


def _threads(ids):
    rows = db.session.scalars(sa.select(Thread).where(Thread.id.in_(list(ids))))
    return {t.id: (t.title, url_for("forum.thread", thread_id=t.id)) for t in rows}


def _thread_choices(rec):
    rows = db.session.scalars(
        sa.select(Thread)
        .join(Category, Category.id == Thread.category_id)
        .where(
            Thread.status == ThreadStatus.PUBLISHED,
            sa.or_(Category.group_id == rec.group_id, Category.group_id.is_(None)),
        )
        .order_by(Category.group_id.is_(None), Thread.last_post_at.desc())
    )
    return [(t.id, t.title) for t in rows]


def register_kinds() -> None:
    evidence.register(
        evidence.EvidenceKind("thread", _l("Forum thread"), _threads, _thread_choices)
    )
