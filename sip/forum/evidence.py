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
from sip.forum.permissions import PRIVATE_STATES
from sip.working_groups.models import WorkingGroup


def _threads(ids):
    """Cited threads still published where every member reads (not moved into a private
    group's category since): a public recommendation page shows their titles."""
    rows = db.session.scalars(
        sa.select(Thread)
        .join(Category, Category.id == Thread.category_id)
        .outerjoin(WorkingGroup, WorkingGroup.id == Category.group_id)
        .where(
            Thread.id.in_(list(ids)),
            Thread.status == ThreadStatus.PUBLISHED,
            sa.or_(Category.group_id.is_(None), WorkingGroup.state.not_in(PRIVATE_STATES)),
        )
    )
    return {t.id: (t.title, url_for("forum.thread", thread_id=t.id)) for t in rows}


#: The general forum's most recently active threads offered for citation (the group's own
#: threads are all offered).
GENERAL_CHOICES = 300


def _thread_choices(rec):
    published = sa.select(Thread).where(Thread.status == ThreadStatus.PUBLISHED)
    own = published.join(Category, Category.id == Thread.category_id).where(
        Category.group_id == rec.group_id
    )
    general = (
        published.join(Category, Category.id == Thread.category_id)
        .where(Category.group_id.is_(None))
        .order_by(Thread.last_post_at.desc())
        .limit(GENERAL_CHOICES)
    )
    rows = [
        *db.session.scalars(own.order_by(Thread.last_post_at.desc())),
        *db.session.scalars(general),
    ]
    return [(t.id, t.title) for t in rows]


def register_kinds() -> None:
    evidence.register(
        evidence.EvidenceKind("thread", _l("Forum thread"), _threads, _thread_choices)
    )
