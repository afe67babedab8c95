"""The public dashboard of a cycle: the funnel from topics to actions done, participation by
member category and by office, and the progress of actions.

Every figure is one SQL aggregate; a breakdown is one GROUP BY (college, office), split in
two here. The number of queries does not grow with the data.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from sip.actions.models import Action, ActionStatus
from sip.assembly.models import (
    Assembly,
    AssemblyAttendance,
    AssemblyParticipation,
    Outcome,
    Proxy,
    ProxyState,
    Resolution,
)
from sip.cycles.models import Cycle, Topic, TopicStatus
from sip.extensions import db
from sip.members.models import College, Member, Office
from sip.working_groups.models import Recommendation, WorkingGroup

FUNNEL_LABELS = {
    "topics": _l("Topics proposed"),
    "selected": _l("Topics selected"),
    "groups": _l("Working groups"),
    "recommendations": _l("Recommendations submitted"),
    "endorsed": _l("Validated or amended by the board"),
    "adopted": _l("Adopted by the assembly"),
    "actions": _l("Actions"),
    "done": _l("Actions done"),
}

PARTICIPATION_LABELS = {
    "posts": _l("Forum posts"),
    "responses": _l("Questionnaire responses"),
    "attendance": _l("Meeting attendance"),
}


@dataclass
class Breakdown:
    """A count in all, by member category (college code) and by office (office code)."""

    total: int = 0
    by_college: dict[str, int] = field(default_factory=dict)
    by_office: dict[str, int] = field(default_factory=dict)


@dataclass
class Turnout:
    assembly: Assembly
    present: Breakdown
    members: Breakdown


@dataclass
class Dashboard:
    cycle: Cycle
    colleges: list[College]
    offices: list[Office]
    funnel: list[tuple[str, int]]
    participation: dict[str, Breakdown]
    turnout: list[Turnout]
    actions: list[Action]
    by_status: dict[str, int]
    overdue: int
    #: Mean progress of the actions not dropped, in whole percent (None without any).
    progress: int | None


def _breakdown(rows, colleges: dict[int, College], offices: dict[int, Office]) -> Breakdown:
    """From rows of (college id, office id, count)."""
    out = Breakdown()
    by_college: Counter = Counter()
    by_office: Counter = Counter()
    for college_id, office_id, n in rows:
        out.total += n
        by_college[colleges[college_id].code] += n
        by_office[offices[office_id].code] += n
    out.by_college = {c.code: by_college.get(c.code, 0) for c in colleges.values()}
    out.by_office = {o.code: by_office.get(o.code, 0) for o in offices.values()}
    return out


def _by_member(member_ids, *extra) -> sa.Select:
    """(college, office, count) of the members of a select of ids (one row per member)."""
    return (
        sa.select(Member.college_id, Member.office_id, sa.func.count())
        .where(Member.id.in_(member_ids), *extra)
        .group_by(Member.college_id, Member.office_id)
    )


#: Lists of actions show neither a resolution's candidates nor the owners' roles.
LISTED = (
    so.defaultload(Action.resolution).lazyload(Resolution.candidates),
    so.defaultload(Action.owner).lazyload(Member.role_grants),
)


def groups_of(cycle: Cycle) -> sa.Select:
    return sa.select(WorkingGroup.id).where(WorkingGroup.cycle_id == cycle.id)


def actions_of(cycle: Cycle) -> sa.Select:
    """The cycle's actions: those of resolutions of the cycle's assemblies."""
    return (
        sa.select(Action)
        .join(Resolution, Resolution.id == Action.resolution_id)
        .join(Assembly, Assembly.id == Resolution.assembly_id)
        .where(Assembly.cycle_id == cycle.id)
        .order_by(Resolution.position, Action.due_on, Action.id)
        .options(*LISTED)
    )


def funnel(cycle: Cycle) -> list[tuple[str, int]]:
    from sip.board.models import BoardDecision, DecisionKind

    topics = dict(
        db.session.execute(
            sa.select(Topic.status, sa.func.count())
            .where(Topic.cycle_id == cycle.id)
            .group_by(Topic.status)
        ).all()
    )
    groups = db.session.scalar(sa.select(sa.func.count()).select_from(groups_of(cycle).subquery()))
    recs = sa.select(Recommendation.id).where(
        Recommendation.group_id.in_(groups_of(cycle)), Recommendation.submitted_at.is_not(None)
    )
    submitted = db.session.scalar(sa.select(sa.func.count()).select_from(recs.subquery()))
    endorsed = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(BoardDecision.recommendation_id))).where(
            BoardDecision.recommendation_id.in_(recs),
            BoardDecision.carried.is_(True),
            BoardDecision.kind.in_([DecisionKind.VALIDATE, DecisionKind.AMEND]),
        )
    )
    adopted = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Resolution.recommendation_id))).where(
            Resolution.recommendation_id.in_(recs), Resolution.outcome == Outcome.ADOPTED
        )
    )
    listed = actions_of(cycle).order_by(None).subquery()
    statuses = dict(
        db.session.execute(
            sa.select(listed.c.status, sa.func.count()).group_by(listed.c.status)
        ).all()
    )
    return [
        ("topics", sum(topics.values())),
        ("selected", topics.get(TopicStatus.SELECTED, 0)),
        ("groups", groups),
        ("recommendations", submitted),
        ("endorsed", endorsed),
        ("adopted", adopted),
        ("actions", sum(statuses.values())),
        ("done", statuses.get(ActionStatus.DONE, 0)),
    ]


def participation(cycle: Cycle, colleges, offices) -> dict[str, Breakdown]:
    """Published forum posts in the groups' categories (by author), questionnaire responses
    of the groups' questionnaires (by the respondent's category and office when they
    answered), attendance recorded at the groups' meetings and the cycle's small talks."""
    from sip.forum.models import Category, Post, PostStatus, Thread
    from sip.surveys.models import Response, Survey
    from sip.working_groups.models import Meeting, MeetingRegistration

    posts = db.session.execute(
        sa.select(Member.college_id, Member.office_id, sa.func.count())
        .select_from(Post)
        .join(Member, Member.id == Post.author_id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Category, Category.id == Thread.category_id)
        .where(Category.group_id.in_(groups_of(cycle)), Post.status == PostStatus.PUBLISHED)
        .group_by(Member.college_id, Member.office_id)
    ).all()
    responses = db.session.execute(
        sa.select(Response.college_id, Response.office_id, sa.func.count())
        .join(Survey, Survey.id == Response.survey_id)
        .where(Survey.group_id.in_(groups_of(cycle)))
        .group_by(Response.college_id, Response.office_id)
    ).all()
    topics = sa.select(Topic.id).where(Topic.cycle_id == cycle.id)
    attendance = db.session.execute(
        sa.select(Member.college_id, Member.office_id, sa.func.count())
        .select_from(MeetingRegistration)
        .join(Member, Member.id == MeetingRegistration.member_id)
        .join(Meeting, Meeting.id == MeetingRegistration.meeting_id)
        .where(
            MeetingRegistration.attended.is_(True),
            sa.or_(Meeting.group_id.in_(groups_of(cycle)), Meeting.topic_id.in_(topics)),
        )
        .group_by(Member.college_id, Member.office_id)
    ).all()
    return {
        "posts": _breakdown(posts, colleges, offices),
        "responses": _breakdown(responses, colleges, offices),
        "attendance": _breakdown(attendance, colleges, offices),
    }


def turnout(cycle: Cycle, colleges, offices) -> list[Turnout]:
    """Members present or represented at each of the cycle's assemblies, against the members
    who may take part today: two queries whatever the number of assemblies."""
    from sip.assembly.services import eligible

    assemblies = db.session.scalars(
        sa.select(Assembly)
        .where(Assembly.cycle_id == cycle.id)
        .order_by(Assembly.starts_at)
        .options(so.lazyload("*"))
    ).all()
    if not assemblies:
        return []
    ids = [a.id for a in assemblies]
    present = sa.select(AssemblyAttendance.assembly_id, AssemblyAttendance.member_id).where(
        AssemblyAttendance.assembly_id.in_(ids)
    )
    represented = (
        sa.select(Proxy.assembly_id, Proxy.grantor_id)
        .join(
            AssemblyAttendance,
            sa.and_(
                AssemblyAttendance.assembly_id == Proxy.assembly_id,
                AssemblyAttendance.member_id == Proxy.holder_id,
            ),
        )
        .where(Proxy.assembly_id.in_(ids), Proxy.state == ProxyState.ACCEPTED)
    )
    voted = (
        sa.select(Resolution.assembly_id, AssemblyParticipation.voter_id)
        .join(Resolution, Resolution.id == AssemblyParticipation.resolution_id)
        .where(Resolution.assembly_id.in_(ids))
    )
    part = sa.union(present, represented, voted).subquery()
    assembly_col, member_col = list(part.c)
    rows = db.session.execute(
        sa.select(assembly_col, Member.college_id, Member.office_id, sa.func.count())
        .join(Member, Member.id == member_col)
        .group_by(assembly_col, Member.college_id, Member.office_id)
    ).all()
    members = _breakdown(
        db.session.execute(
            sa.select(Member.college_id, Member.office_id, sa.func.count())
            .where(eligible())
            .group_by(Member.college_id, Member.office_id)
        ).all(),
        colleges,
        offices,
    )
    out = []
    for assembly in assemblies:
        mine = [(c, o, n) for a, c, o, n in rows if a == assembly.id]
        out.append(Turnout(assembly, _breakdown(mine, colleges, offices), members))
    return out


def dashboard(cycle: Cycle, today: date) -> Dashboard:
    colleges = {c.id: c for c in db.session.scalars(sa.select(College).order_by(College.position))}
    offices = {o.id: o for o in db.session.scalars(sa.select(Office).order_by(Office.position))}
    actions = db.session.scalars(actions_of(cycle)).unique().all()
    by_status = Counter(a.status.value for a in actions)
    live = [a.progress for a in actions if a.status != ActionStatus.DROPPED]
    return Dashboard(
        cycle=cycle,
        colleges=list(colleges.values()),
        offices=list(offices.values()),
        funnel=funnel(cycle),
        participation=participation(cycle, colleges, offices),
        turnout=turnout(cycle, colleges, offices),
        actions=list(actions),
        by_status={s.value: by_status.get(s.value, 0) for s in ActionStatus},
        overdue=sum(1 for a in actions if a.overdue(today)),
        progress=round(sum(live) / len(live)) if live else None,
    )


def as_data(board: Dashboard, today: date) -> dict:
    """The dashboard as plain data: the JSON export, and the rows of the CSV export."""

    def breakdown(b: Breakdown) -> dict:
        return {"total": b.total, "by_college": b.by_college, "by_office": b.by_office}

    return {
        "cycle": {"id": board.cycle.id, "name": board.cycle.name},
        "date": today.isoformat(),
        "funnel": dict(board.funnel),
        "participation": {k: breakdown(v) for k, v in board.participation.items()},
        "assemblies": [
            {
                "id": t.assembly.id,
                "title": t.assembly.title,
                "present": breakdown(t.present),
                "members": breakdown(t.members),
            }
            for t in board.turnout
        ],
        "actions": {
            "by_status": board.by_status,
            "overdue": board.overdue,
            "progress": board.progress,
            "items": [
                {
                    "id": a.id,
                    "title": a.title,
                    "resolution": a.resolution_id,
                    "owner": a.owner_name,
                    "due_on": a.due_on.isoformat(),
                    "status": a.status.value,
                    "progress": a.progress,
                    "overdue": a.overdue(today),
                }
                for a in board.actions
            ],
        },
    }


def csv_rows(data: dict) -> list[tuple]:
    """(section, measure, breakdown, group, value): one long table of every figure."""
    rows: list[tuple] = [("funnel", k, "all", "", v) for k, v in data["funnel"].items()]

    def add(section: str, measure: str, b: dict) -> None:
        rows.append((section, measure, "all", "", b["total"]))
        rows.extend((section, measure, "college", k, v) for k, v in b["by_college"].items())
        rows.extend((section, measure, "office", k, v) for k, v in b["by_office"].items())

    for measure, b in data["participation"].items():
        add("participation", measure, b)
    for a in data["assemblies"]:
        add("assembly", f"{a['id']}:present", a["present"])
        add("assembly", f"{a['id']}:members", a["members"])
    rows.extend(("actions", k, "status", "", v) for k, v in data["actions"]["by_status"].items())
    rows.append(("actions", "overdue", "all", "", data["actions"]["overdue"]))
    rows.append(("actions", "progress", "all", "", data["actions"]["progress"]))
    return rows
