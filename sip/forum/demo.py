"""Demo data for the forum: general categories, threads in each SIP 2015 group's category,
replies, flagged and pending posts in the review queue, and a hidden post with its reason.

Called by ``flask demo`` after the cycles; skips everything once a general category exists.
"""

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from sip.db import utcnow
from sip.extensions import db
from sip.forum.models import (
    Category,
    Flag,
    FlagReason,
    Post,
    PostStatus,
    Subscription,
    Thread,
    ThreadStatus,
)
from sip.forum.services import refresh_thread
from sip.members.models import Member
from sip.working_groups.models import Recommendation, WorkingGroup

CATEGORIES = [
    # (en, fr, nl, description, moderators_only, premoderated)
    (
        "Announcements",
        "Annonces",
        "Aankondigingen",
        "News from the co-operative and the Smart in Progress team.",
        True,
        False,
    ),
    (
        "General",
        "Général",
        "Algemeen",
        "Everything about the co-operative that has no other place.",
        False,
        False,
    ),
    (
        "Ideas",
        "Idées",
        "Ideeën",
        "Ideas for the next cycle's topics. Every post waits for a moderator.",
        False,
        True,
    ),
    (
        "Local offices",
        "Bureaux locaux",
        "Lokale kantoren",
        "Brussels, Antwerp, Ghent, Liège, Namur, Charleroi: what happens near you.",
        False,
        False,
    ),
]

GENERAL_THREADS = [
    (
        "General",
        "How is the mutual guarantee fund financed?",
        "I read that salaries are paid within seven working days even when the client has not "
        "paid. **Where does the money come from**, and who decides how big the fund is?",
        [
            "From the contribution on every invoice: part of the 6.5 % goes to the fund.",
            "The board reports on it every year at the general assembly; the accounts are public.",
            "Thank you, that is clearer. Could the report show the fund per office?",
        ],
    ),
    (
        "General",
        "Online vote at the general assembly: how does it work?",
        "This is my first assembly as a member. Can I vote online, and is my vote secret?",
        [
            "Yes: each ballot gets a receipt you can find in the published list, without your name.",
            "And anyone can recount the published ballots. That convinced me to vote online.",
        ],
    ),
    (
        "Local offices",
        "Co-working desks in Liège",
        "Is anyone using the open desks on Tuesdays? We could organise a small talk there.",
        ["Count me in, I am there most Tuesdays.", "Good idea — let us ask the office team."],
    ),
    (
        "Announcements",
        "SIP 2026: the call for topics is open",
        "Propose the topics the co-operative should work on this year, and support the ones you "
        "care about. The board selects three or four of them.",
        [],
    ),
]

GROUP_THREADS = [
    (
        "What should the first meeting cover?",
        "Before we meet, let us list the questions we want to answer first.",
        [
            "Start from the case study: who is a member today, and who is not?",
            "And what the statutes allow us to change without an extraordinary assembly.",
            "I will bring the figures from the last survey.",
        ],
    ),
    (
        "Reading list for the group",
        "Share here the documents and examples from other co-operatives worth reading.",
        [
            "The French SCIC statutes are a good comparison for the colleges.",
            "Also the Belgian CSA articles on co-operatives, for the voting rules.",
        ],
    ),
]


def load(named: dict[str, Member], generated: list[Member]) -> dict[str, int]:
    created = {"forum_categories": 0, "forum_threads": 0, "forum_posts": 0}
    if db.session.scalar(sa.select(Category.id).where(Category.group_id.is_(None)).limit(1)):
        return created
    rng = random.Random(2017)
    writers = [m for m in generated if m.status == "active"][:60]
    # Members who have not posted yet: their first posts wait in the queue.
    newcomers = [m for m in generated if m.status == "active"][60:64]
    moderator = named["moderator@example.org"]
    categories = {}
    for position, (en, fr, nl, description, mods_only, premod) in enumerate(CATEGORIES):
        categories[en] = Category(
            name_en=en,
            name_fr=fr,
            name_nl=nl,
            description=description,
            position=position,
            moderators_only=mods_only,
            premoderated=premod,
        )
        db.session.add(categories[en])
        created["forum_categories"] += 1
    db.session.flush()

    now = utcnow()
    counter = {"threads": 0, "posts": 0}

    def write(category, title, body, replies, author, start, people):
        thread = Thread(
            category_id=category.id,
            title=title,
            author_id=author.id,
            created_at=start,
            last_post_at=start,
        )
        db.session.add(thread)
        db.session.flush()
        posts = [
            Post(thread=thread, is_first=True, author_id=author.id, body=body, created_at=start)
        ]
        for i, text in enumerate(replies, start=1):
            posts.append(
                Post(
                    thread=thread,
                    author_id=rng.choice(people).id,
                    body=text,
                    created_at=start + timedelta(hours=5 * i),
                )
            )
        db.session.add_all(posts)
        db.session.add(Subscription(member_id=author.id, thread_id=thread.id))
        db.session.flush()
        refresh_thread(thread)
        counter["threads"] += 1
        counter["posts"] += len(posts)
        return thread, posts

    general = {}
    for i, (cat, title, body, replies) in enumerate(GENERAL_THREADS):
        author = moderator if cat == "Announcements" else writers[i]
        general[title], _posts = write(
            categories[cat],
            title,
            body,
            replies,
            author,
            now - timedelta(days=20 - 4 * i),
            [named["member@example.org"], named["board@example.org"], *writers[10:30]],
        )

    groups_2015 = db.session.scalars(
        sa.select(WorkingGroup)
        .join(Category, Category.group_id == WorkingGroup.id)
        .where(WorkingGroup.cycle.has(name="SIP 2015"))
        .order_by(WorkingGroup.id)
    ).all()
    group_threads = []
    for g_index, group in enumerate(groups_2015):
        category = db.session.scalar(sa.select(Category).where(Category.group_id == group.id))
        people = [m.member for m in group.members]
        for t_index, (title, body, replies) in enumerate(GROUP_THREADS):
            start = datetime(2015, 11, 10 + 3 * g_index + t_index, 9, 0, tzinfo=UTC)
            thread, _posts = write(
                category, title, body, replies, people[t_index % len(people)], start, people
            )
            group_threads.append((group, thread))
        # The group's recommendation cites its first thread: traceability from the forum.
        rec = db.session.scalar(
            sa.select(Recommendation).where(Recommendation.group_id == group.id).limit(1)
        )
        if rec is not None:
            from sip.working_groups.services import cite_evidence_unchecked

            cite_evidence_unchecked(rec, moderator, "thread", group_threads[-2][1].id)

    # The review queue: newcomers' first posts wait; a post carries two flags.
    fund = general["How is the mutual guarantee fund financed?"]
    vote = general["Online vote at the general assembly: how does it work?"]
    for i, member in enumerate(newcomers[:2]):
        db.session.add(
            Post(
                thread=vote,
                author_id=member.id,
                body=[
                    "Will there be a test vote before the assembly, to try the receipts?",
                    "Can a proxy vote online for the member they represent?",
                ][i],
                status=PostStatus.PENDING,
                created_at=now - timedelta(hours=6 - i),
            )
        )
        counter["posts"] += 1
    pending_thread = Thread(
        category_id=categories["Ideas"].id,
        title="A topic on parental leave for freelancers",
        author_id=newcomers[2].id,
        status=ThreadStatus.PENDING,
        created_at=now - timedelta(hours=3),
        last_post_at=now - timedelta(hours=3),
    )
    db.session.add(pending_thread)
    db.session.flush()
    db.session.add(
        Post(
            thread=pending_thread,
            is_first=True,
            author_id=newcomers[2].id,
            body="Freelancers have little protection when a child is born. Could SIP work on it?",
            status=PostStatus.PENDING,
            created_at=pending_thread.created_at,
        )
    )
    counter["threads"] += 1
    counter["posts"] += 1

    flagged = Post(
        thread=fund,
        author_id=writers[40].id,
        body="The fund is a scam and everybody knows it.",
        created_at=now - timedelta(days=2),
        open_flags=2,
        flagged_at=now - timedelta(days=1, hours=20),
    )
    hidden = Post(
        thread=fund,
        author_id=writers[41].id,
        body="Cheap accounting software here: http://example.com/deal",
        status=PostStatus.HIDDEN,
        moderation_reason="Advertising is not allowed in the forum.",
        moderated_by_id=moderator.id,
        moderated_at=now - timedelta(days=1),
        created_at=now - timedelta(days=1, hours=6),
    )
    db.session.add_all([flagged, hidden])
    db.session.flush()
    for flagger, reason, text in (
        (writers[5], FlagReason.OFFENSIVE, ""),
        (writers[6], FlagReason.OTHER, "An accusation without any fact."),
    ):
        db.session.add(
            Flag(
                post_id=flagged.id,
                member_id=flagger.id,
                reason=reason,
                text=text,
                created_at=flagged.flagged_at,
            )
        )
    counter["posts"] += 2
    refresh_thread(fund)
    created["forum_threads"] = counter["threads"]
    created["forum_posts"] = counter["posts"]
    return created
