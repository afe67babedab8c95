"""Demo data for cycles and working groups: SIP 2015 (the case study) and SIP 2026 (open).

Called by ``flask demo`` after the members exist; skips a cycle that is already there.
"""

import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sip.board.models import BoardSeat
from sip.cycles import services as cycles
from sip.cycles.models import Cycle, Topic, TopicStatus, TopicSupport
from sip.db import local_today
from sip.extensions import db
from sip.members.models import Member, MemberStatus, Office, Role, RoleGrant
from sip.working_groups import services as groups
from sip.working_groups.models import (
    GroupMembership,
    GroupRole,
    GroupState,
    MembershipStatus,
    Recommendation,
    RecommendationState,
    RecommendationVersion,
)

#: The four working groups of SIP 2015 (case study), with a recommendation each, in versions.
THEMES_2015 = [
    (
        "Becoming a co-operative: for whom and with whom?",
        "Who should become a member of the co-operative, and how should each kind of member take part?",
        "Open membership to every user",
        [
            "Every user of Smart's services may become a member by buying one share.",
            "Every user of Smart's services may become a member by buying one share of €30, "
            "payable in instalments.",
            "Every active user of Smart's services may become a member by buying one share of €30, "
            "payable in instalments; permanent employees and partners join their own college.",
        ],
    ),
    (
        "Mutualist, redistributive, solidarity: a viable economic model?",
        "How can the mutual guarantee fund and the contribution on invoices stay fair and sustainable?",
        "Keep the mutual guarantee fund and publish its accounts",
        [
            "The mutual guarantee fund pays salaries within seven working days.",
            "The mutual guarantee fund pays salaries within seven working days, whether or not the "
            "client has paid; its accounts are published every year.",
        ],
    ),
    (
        "Creating and developing your business: how? With what tools?",
        "Which services and tools do members need to start and grow their activity?",
        "A shared toolbox for activities",
        [
            "Offer members a toolbox: invoicing, expenses, contracts.",
            "Offer members one toolbox online: invoicing, expenses, contracts and a budget view per "
            "activity, with training in each local office.",
            "Offer members one toolbox online: invoicing, expenses, contracts and a budget view per "
            "activity, with training in each local office and a help desk answering within two days.",
        ],
    ),
    (
        "Is a shared and participatory enterprise realistic?",
        "How can 25,000 members actually take part in decisions?",
        "Yearly working groups open to all members",
        [
            "Hold working groups every year.",
            "Hold working groups every year, open to all members, moderated by a permanent employee "
            "with two board members, and vote their recommendations at the general assembly.",
        ],
    ),
]

TOPICS_2026 = [
    (
        "Childcare for freelancers",
        "Parents working as freelancers need **childcare** that fits irregular hours.",
    ),
    ("A pension top-up scheme", "Could the co-operative offer a collective pension top-up?"),
    (
        "Sustainable travel for missions",
        "Train first: a policy and a budget for low-carbon travel.",
    ),
    ("Mentoring newcomers", "Pair each new member with an experienced one for their first year."),
    ("Fair prices for artists", "Recommended minimum rates per discipline, published and updated."),
    ("Co-working spaces in every office", "Open desks in each local office, bookable online."),
]


def load(named: dict[str, Member], generated: list[Member]) -> dict[str, int]:
    created = {"cycles": 0, "topics": 0, "working_groups": 0, "meetings": 0, "recommendations": 0}
    rng = random.Random(2015)
    active = [m for m in generated if m.status == MemberStatus.ACTIVE]
    if not _exists("SIP 2015"):
        _sip_2015(named, active, rng, created)
    if not _exists("SIP 2026"):
        _sip_2026(named, active, rng, created)
    return created


def _exists(name: str) -> bool:
    return db.session.scalar(sa.select(Cycle.id).where(Cycle.name == name)) is not None


def _moderators(named, active) -> list[Member]:
    """moderator@example.org and three more permanent employees given the moderator role."""
    staff = [m for m in active if m.college.is_staff and Role.MODERATOR not in m.roles][:3]
    for m in staff:
        m.role_grants.append(RoleGrant(role=Role.MODERATOR))
    return [named["moderator@example.org"], *staff]


def _board(active_named) -> list[Member]:
    rows = db.session.scalars(
        sa.select(Member).join(BoardSeat, BoardSeat.holder_id == Member.id).order_by(BoardSeat.id)
    ).all()
    return list(rows)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _sip_2015(named, active, rng, created) -> None:
    admin = named["admin@example.org"]
    cycle = cycles.save_cycle(
        None,
        admin,
        name="SIP 2015",
        description="The first Smart in Progress: four working groups on the co-operative's future.",
        topics_from=date(2015, 9, 1),
        groups_from=date(2015, 11, 1),
        review_from=date(2016, 3, 1),
        assembly_from=date(2016, 5, 1),
        implementation_from=date(2016, 6, 1),
        ends_on=date(2017, 6, 1),
    )
    created["cycles"] += 1
    moderators = _moderators(named, active)
    board = _board(named)
    community = [m for m in active if not m.college.is_staff]
    offices = {o.code: o for o in db.session.scalars(sa.select(Office))}
    for i, (title, mandate, rec_title, versions) in enumerate(THEMES_2015):
        topic = Topic(
            cycle_id=cycle.id,
            title=title,
            description=mandate,
            author=rng.choice(community),
            status=TopicStatus.SELECTED,
        )
        db.session.add(topic)
        db.session.flush()
        group = groups.create_group(
            cycle,
            admin,
            topic=topic,
            name=title,
            mandate=mandate,
            deadline=date(2016, 2, 28),
            moderator=moderators[i % len(moderators)],
        )
        people = [(b, GroupRole.BOARD) for b in board[2 * i : 2 * i + 2]]
        people += [(m, GroupRole.COMMUNITY) for m in rng.sample(community, 5)]
        if i == 0:
            people.append((named["member@example.org"], GroupRole.COMMUNITY))
        seen = {group.moderator.id}
        for person, role in people:
            if person.id not in seen:
                seen.add(person.id)
                group.memberships.append(
                    GroupMembership(member=person, role=role, status=MembershipStatus.ACCEPTED)
                )
        group.state = GroupState.ACTIVE
        db.session.flush()
        for n, day in enumerate((date(2015, 11, 18 + i), date(2016, 1, 13 + i)), start=1):
            meeting = groups.schedule_meeting(
                group.moderator,
                group=group,
                title=f"{title} — meeting {n}",
                starts_at=_at(day, 9),
                ends_at=_at(day, 12),
                place=f"Smart, {offices['BXL'].name_en}",
                agenda="1. Round of introductions\n2. The mandate\n3. Next steps",
            )
            for ms in group.members:
                meeting.registrations.append(_registration(ms.member, attended=rng.random() > 0.2))
            meeting.minutes = (
                f"**Present:** {len([r for r in meeting.registrations if r.attended])} members.\n\n"
                f"The group discussed *{rec_title.lower()}* and agreed to draft a recommendation."
            )
            created["meetings"] += 1
        groups.create_document(
            group,
            group.moderator,
            title="Interviews with members",
            body="Notes from the interviews held in the local offices.",
        )
        rec = Recommendation(
            group=group,
            state=RecommendationState.SUBMITTED,
            submitted_at=_at(date(2016, 2, 27), 17),
        )
        authors = [ms.member for ms in group.members]
        for number, text in enumerate(versions, start=1):
            rec.versions.append(
                RecommendationVersion(
                    number=number,
                    title=rec_title,
                    text=text,
                    author=authors[number % len(authors)],
                    rationale="Drawn from the meetings, the small talks and the 2016 survey of 800 users.",
                    created_at=_at(date(2016, 1, 20 + number), 10),
                )
            )
        db.session.add(rec)
        db.session.flush()
        groups.cite_evidence_unchecked(rec, group.moderator, "meeting", meeting.id)
        group.state = GroupState.SUBMITTED
        created["working_groups"] += 1
        created["recommendations"] += 1
    for code, day in (("BXL", date(2015, 12, 3)), ("LGE", date(2015, 12, 10))):
        talk = groups.schedule_meeting(
            moderators[0],
            office=offices[code],
            title=f"Small talk: Smart in Progress in {offices[code].name_en}",
            starts_at=_at(day, 17),
            ends_at=_at(day, 19),
            place=f"Smart, {offices[code].name_en}",
            agenda="What should the working groups hear from this office?",
        )
        talk.minutes = (
            "Members shared their experience of the services and their wishes for the co-operative."
        )
        created["meetings"] += 1


def _registration(member, attended):
    from sip.working_groups.models import MeetingRegistration

    return MeetingRegistration(member=member, attended=attended)


def _sip_2026(named, active, rng, created) -> None:
    today = local_today()
    start = today - timedelta(days=14)
    cycle = cycles.save_cycle(
        None,
        named["admin@example.org"],
        name="SIP 2026",
        description="The call for topics is open: propose what the working groups should study this year.",
        topics_from=start,
        groups_from=start + timedelta(days=45),
        review_from=start + timedelta(days=180),
        assembly_from=start + timedelta(days=240),
        implementation_from=start + timedelta(days=270),
        ends_on=start + timedelta(days=630),
    )
    created["cycles"] += 1
    supporters = active[:120]
    for title, description in TOPICS_2026:
        author = rng.choice(supporters)
        topic = cycles.propose_topic(cycle, author, title=title, description=description)
        for member in rng.sample(supporters, rng.randint(3, 40)):
            if member.id != author.id:
                db.session.add(TopicSupport(topic_id=topic.id, member_id=member.id))
        created["topics"] += 1
    db.session.flush()
    _early_group_2026(cycle, named, active, rng, created)


#: The topic the board selected early in SIP 2026: its group is forming during the call.
EARLY_TOPIC_2026 = "Mentoring newcomers"


def _early_group_2026(cycle, named, active, rng, created) -> None:
    """The board selects one topic during the call, so SIP 2026 has a forming group (with
    member@example.org) that runs its own questionnaire."""
    topic = db.session.scalar(
        sa.select(Topic).where(Topic.cycle_id == cycle.id, Topic.title == EARLY_TOPIC_2026)
    )
    group = groups.select_topic(
        topic,
        named["admin@example.org"],
        name="Mentoring newcomers",
        mandate="Design a mentoring scheme pairing each new member with an experienced one.",
        deadline=local_today() + timedelta(days=160),
        moderator=named["moderator@example.org"],
    )
    people = [
        named["member@example.org"],
        *rng.sample([m for m in active if not m.college.is_staff], 4),
    ]
    seen = {group.moderator.id}
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            group.memberships.append(
                GroupMembership(
                    member=person, role=GroupRole.COMMUNITY, status=MembershipStatus.ACCEPTED
                )
            )
    group.state = GroupState.FORMING
    db.session.flush()
    created["working_groups"] += 1
