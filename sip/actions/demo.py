"""Demo data for actions: what the SIP 2015 assembly's adopted resolutions became, in every
status, with dated updates; ``member@example.org`` follows two and has their notifications.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from sip.actions import services
from sip.actions.models import Action
from sip.assembly.demo import TITLE_2016
from sip.assembly.models import Assembly
from sip.extensions import db
from sip.members.models import Member

#: Per adopted resolution, in agenda order: (title, description, owner, due, updates), each
#: update (day, text, status or None, progress or None, reason).
PLANS = [
    [
        (
            "Publish a newcomers' guide in three languages",
            "A short guide, in French, Dutch and English, to what Smart does for a member "
            "and what a member can do in Smart.",
            "member@example.org",
            date(2016, 12, 31),
            [
                (
                    date(2016, 9, 5),
                    "Writing started with three members and the back office.",
                    "in_progress",
                    30,
                    "",
                ),
                (date(2016, 11, 21), "The French and Dutch versions are proofread.", None, 80, ""),
                (
                    date(2017, 1, 16),
                    "Published on the website and sent to every new member.",
                    "done",
                    100,
                    "",
                ),
            ],
        ),
        (
            "Welcome sessions in every office",
            "A monthly welcome session in each local office, run by members with staff.",
            "Local offices team",
            date(2017, 6, 30),
            [
                (
                    date(2016, 10, 3),
                    "Brussels and Ghent held their first sessions.",
                    "in_progress",
                    40,
                    "",
                ),
            ],
        ),
    ],
    [
        (
            "Make the mutual guarantee fund's rules public",
            "Publish how the fund is financed and when it pays, with yearly figures.",
            "Finance department",
            date(2016, 10, 31),
            [
                (
                    date(2016, 10, 20),
                    "The rules and the 2015 figures are on the website.",
                    "in_progress",
                    90,
                    "",
                ),
                (
                    date(2016, 10, 28),
                    "The board approved the yearly report's format.",
                    "done",
                    100,
                    "",
                ),
            ],
        ),
        (
            "A simulator of the salary before declaring a contract",
            "Members see the contribution, social security and net salary before they sign.",
            "board@example.org",
            date(2017, 3, 31),
            [
                (date(2016, 11, 7), "Specified with the payroll officers.", "in_progress", 20, ""),
                (
                    date(2017, 2, 13),
                    "Dropped for now: the payroll software will be replaced in "
                    "2018, and the simulator will come with it.",
                    "dropped",
                    None,
                    "The payroll software is replaced in 2018: the simulator comes with it.",
                ),
            ],
        ),
    ],
    [
        (
            "Elect member delegates in each office",
            "Each office elects two delegates who meet the board twice a year.",
            "chair@example.org",
            date(2017, 12, 31),
            [],
        ),
    ],
    [
        (
            "Open the board's minutes to members",
            "The minutes of every board meeting are published to members within a month.",
            "Board secretariat",
            date(2016, 9, 30),
            [
                (
                    date(2016, 9, 12),
                    "The minutes since June 2016 are online.",
                    "in_progress",
                    60,
                    "",
                ),
                (date(2016, 12, 5), "Every meeting's minutes are online.", "done", 100, ""),
            ],
        ),
    ],
]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def load(named: dict[str, Member]) -> dict[str, int]:
    created = {"actions": 0}
    assembly = db.session.scalar(sa.select(Assembly).where(Assembly.title == TITLE_2016))
    if assembly is None:
        return created
    resolutions = [r for r in assembly.resolutions if services.adopted(r)]
    ids = [r.id for r in resolutions]
    if not ids or db.session.scalar(
        sa.select(sa.func.count()).select_from(Action).where(Action.resolution_id.in_(ids))
    ):
        return created
    board = named["board@example.org"]
    member = named["member@example.org"]
    for resolution, plans in zip(resolutions, PLANS, strict=False):
        for title, description, owner, due, updates in plans:
            is_member = "@" in owner
            action = services.create_action(
                resolution,
                board,
                title=title,
                description=description,
                owner_email=owner if is_member else None,
                owner_team=None if is_member else owner,
                due_on=due,
            )
            action.created_at = action.updated_at = _at(date(2016, 6, 20))
            services.follow(action, member)
            for day, text, status, progress, reason in updates:
                author = action.owner if action.owner is not None else board
                update = services.report(
                    action, author, body=text, status=status, progress=progress, reason=reason
                )
                update.created_at = action.updated_at = _at(day)
                if action.status == "done":
                    action.done_at = _at(day)
            created["actions"] += 1
    db.session.flush()
    return created
