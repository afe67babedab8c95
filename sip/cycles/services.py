"""Every change to cycles and topics: one function each, audited.

The cycle's current phase opens and closes what members may do: topics are
proposed and supported during the call for topics; the board selects them
during the call for topics or the working-groups phase.
"""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.cycles.models import PHASE_LABELS, Cycle, Phase, Topic, TopicStatus, TopicSupport
from sip.errors import ServiceError
from sip.extensions import db
from sip.facts import current_phase
from sip.members.models import Member

DATE_FIELDS = (
    "topics_from",
    "groups_from",
    "review_from",
    "assembly_from",
    "implementation_from",
    "ends_on",
)


def require_phase(cycle: Cycle, *phases: Phase) -> None:
    phase = current_phase(cycle)
    if phase not in phases:
        raise ServiceError(
            _l(
                "This is not possible during the phase “%(phase)s” of %(cycle)s.",
                phase=PHASE_LABELS[phase],
                cycle=cycle.name,
            )
        )


def save_cycle(
    cycle: Cycle | None, actor: Member, *, name: str, description: str, **dates: date
) -> Cycle:
    """Create or change a cycle; its phases must follow each other."""
    days = [dates[f] for f in DATE_FIELDS]
    for field, earlier, later in zip(DATE_FIELDS[1:], days, days[1:], strict=False):
        if later <= earlier:
            raise ServiceError(_l("Each phase must start after the previous one."), field)
    existing = db.session.scalar(sa.select(Cycle).where(sa.func.lower(Cycle.name) == name.lower()))
    if existing is not None and existing is not cycle:
        raise ServiceError(_l("A cycle with this name already exists."), "name")
    action = "cycle.updated" if cycle else "cycle.created"
    if cycle is None:
        cycle = Cycle()
        db.session.add(cycle)
    cycle.name, cycle.description = name, description
    for field in DATE_FIELDS:
        setattr(cycle, field, dates[field])
    db.session.flush()
    audit.record(
        action, cycle, actor=actor, name=name, **{f: dates[f].isoformat() for f in DATE_FIELDS}
    )
    return cycle


def propose_topic(cycle: Cycle, author: Member, *, title: str, description: str) -> Topic:
    """A member puts a topic forward during the call for topics."""
    require_phase(cycle, Phase.CALL_FOR_TOPICS)
    topic = Topic(cycle_id=cycle.id, title=title, description=description, author=author)
    db.session.add(topic)
    db.session.flush()
    audit.record("topic.proposed", topic, actor=author, cycle=cycle.name, title=title)
    return topic


def support_count(topic: Topic) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(TopicSupport)
        .where(TopicSupport.topic_id == topic.id)
    )


def support_of(topic: Topic, member: Member) -> TopicSupport | None:
    return db.session.scalar(
        sa.select(TopicSupport).where(
            TopicSupport.topic_id == topic.id, TopicSupport.member_id == member.id
        )
    )


def support_topic(topic: Topic, member: Member) -> None:
    """One support per member and topic, during the call for topics."""
    require_phase(topic.cycle, Phase.CALL_FOR_TOPICS)
    if topic.status != TopicStatus.PROPOSED:
        raise ServiceError(_l("Only proposed topics can be supported."))
    if topic.author_id == member.id:
        raise ServiceError(_l("You proposed this topic: your support is counted already."))
    if support_of(topic, member) is not None:
        raise ServiceError(_l("You already support this topic."))
    db.session.add(TopicSupport(topic_id=topic.id, member_id=member.id))
    audit.record("topic.supported", topic, actor=member)


def withdraw_support(topic: Topic, member: Member) -> None:
    require_phase(topic.cycle, Phase.CALL_FOR_TOPICS)
    support = support_of(topic, member)
    if support is None:
        raise ServiceError(_l("You do not support this topic."))
    db.session.delete(support)
    audit.record("topic.support_withdrawn", topic, actor=member)


def topics_query(cycle: Cycle, *, status: str | None = None, sort: str = "support") -> sa.Select:
    """Topics of a cycle with their number of supports, in one query."""
    supports = (
        sa.select(sa.func.count(TopicSupport.id))
        .where(TopicSupport.topic_id == Topic.id)
        .correlate(Topic)
        .scalar_subquery()
        .label("supports")
    )
    query = sa.select(Topic, supports).where(Topic.cycle_id == cycle.id)
    if status:
        query = query.where(Topic.status == status)
    if sort == "date":
        return query.order_by(Topic.created_at.desc(), Topic.id.desc())
    return query.order_by(supports.desc(), Topic.created_at.desc(), Topic.id.desc())


def selected_count(cycle: Cycle) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Topic)
        .where(Topic.cycle_id == cycle.id, Topic.status == TopicStatus.SELECTED)
    )


def decline_topic(topic: Topic, actor: Member, note: str) -> None:
    """The board does not select a topic, and says why."""
    require_phase(topic.cycle, Phase.CALL_FOR_TOPICS, Phase.WORKING_GROUPS)
    if topic.status != TopicStatus.PROPOSED:
        raise ServiceError(_l("Only proposed topics can be declined."))
    topic.status = TopicStatus.NOT_SELECTED
    topic.decision_note = note
    audit.record("topic.not_selected", topic, actor=actor, note=note)
