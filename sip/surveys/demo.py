"""Demo questionnaires: the 2016 service-quality survey (closed, 800 responses generated with
a fixed seed, so its figures are stable), an open one on the SIP 2026 topics, and the open
questionnaire of SIP 2026's first working group (named, with a few dozen answers already).

The 2016 responses are an import of the case study's survey: anonymous, and older than the
demo's members, so they carry a college and an office but no participation.
"""

import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sip.cycles.models import Cycle
from sip.db import local_today, utcnow
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus, Office
from sip.surveys import services
from sip.surveys.models import Answer, Response, ResultsVisibility, Survey
from sip.surveys.rules import Kind
from sip.working_groups.models import WorkingGroup

TITLE_2016 = "Quality of Smart's services (2016)"
TITLE_2026 = "SIP 2026: what should the co-operative work on?"
TITLE_GROUP_2026 = "Mentoring newcomers: what would help you?"
RESPONSES_2016 = 800


def load(named: dict[str, Member]) -> dict[str, int]:
    created = {"surveys": 0, "survey_responses": 0}
    existing = set(db.session.scalars(sa.select(Survey.title)))
    moderator = named["moderator@example.org"]
    if TITLE_2016 not in existing:
        created["survey_responses"] += _survey_2016(moderator)
        created["surveys"] += 1
    if TITLE_2026 not in existing:
        _survey_2026(moderator)
        created["surveys"] += 1
    if TITLE_GROUP_2026 not in existing:
        group = db.session.scalar(
            sa.select(WorkingGroup)
            .join(Cycle, Cycle.id == WorkingGroup.cycle_id)
            .where(Cycle.name == "SIP 2026")
            .order_by(WorkingGroup.id)
        )
        if group is not None:
            created["survey_responses"] += _survey_group_2026(group, named)
            created["surveys"] += 1
    return created


def _survey_2016(moderator: Member) -> int:
    survey = services.create_survey(
        moderator,
        title=TITLE_2016,
        intro="In 2016, 800 users told us how they find Smart's services. "
        "The results were presented to the general assembly.",
        anonymous=True,
        results_visibility=ResultsVisibility.AFTER_CLOSE,
    )
    q = {}
    about = services.add_section(survey, moderator, title="Your activity")
    q["used"] = services.add_question(
        survey,
        moderator,
        kind=Kind.SINGLE,
        text="Which service do you use most?",
        options=["Contracts", "Invoicing", "Activities (budgets)", "Advice"],
        allow_other=True,
        required=True,
        section=about,
    )
    q["advice"] = services.add_question(
        survey,
        moderator,
        kind=Kind.LONG_TEXT,
        text="What advice did you ask for?",
        condition=q["used"].choices[3],
        section=about,
    )
    q["tools"] = services.add_question(
        survey,
        moderator,
        kind=Kind.MULTIPLE,
        text="Which tools did you use this year?",
        options=["Online invoicing", "Expenses app", "Contract templates", "Training"],
        max_choices=3,
        section=about,
    )
    q["since"] = services.add_question(
        survey, moderator, kind=Kind.DATE, text="Since when do you work with Smart?", section=about
    )
    q["invoices"] = services.add_question(
        survey,
        moderator,
        kind=Kind.NUMBER,
        text="How many invoices did you issue last year?",
        min_value=0,
        max_value=1000,
        section=about,
    )
    opinion = services.add_section(survey, moderator, title="Your opinion")
    q["satisfied"] = services.add_question(
        survey,
        moderator,
        kind=Kind.LIKERT,
        text="I am satisfied with Smart's services.",
        required=True,
        section=opinion,
    )
    q["recommend"] = services.add_question(
        survey,
        moderator,
        kind=Kind.RATING,
        text="How likely are you to recommend Smart to a fellow freelancer?",
        required=True,
        section=opinion,
    )
    q["priorities"] = services.add_question(
        survey,
        moderator,
        kind=Kind.RANKING,
        text="Order these by importance to you",
        options=["Paid within 7 days", "Low contribution", "Advice", "Community"],
        section=opinion,
    )
    q["matrix"] = services.add_question(
        survey,
        moderator,
        kind=Kind.MATRIX,
        text="How do you rate…",
        rows=["the website", "the local office", "the answers by phone"],
        section=opinion,
    )
    q["word"] = services.add_question(
        survey, moderator, kind=Kind.SHORT_TEXT, text="Smart in one word", section=opinion
    )
    services.publish(survey, moderator)
    survey.opens_at = datetime(2016, 3, 1, 8, 0, tzinfo=UTC)
    survey.closes_at = datetime(2016, 4, 30, 20, 0, tzinfo=UTC)
    survey.published_at = survey.opens_at

    rng = random.Random(2016)
    colleges = db.session.scalars(sa.select(College).order_by(College.position)).all()
    offices = db.session.scalars(sa.select(Office).order_by(Office.position)).all()
    words = ["freedom", "solidarity", "security", "slow", "community", "paperwork", "trust"]
    responses, answers = [], []
    for _ in range(RESPONSES_2016):
        rid = f"{rng.getrandbits(128):032x}"
        college = rng.choices(colleges, weights=[85, 10, 5][: len(colleges)] or None)[0]
        responses.append(
            {
                "id": rid,
                "survey_id": survey.id,
                "college_id": college.id,
                "office_id": rng.choice(offices).id,
                "submitted_on": date(2016, 3, 1) + timedelta(days=rng.randrange(60)),
            }
        )

        def add(question, _rid=rid, **values):
            answers.append({"response_id": _rid, "question_id": question.id, **values})

        used = rng.choices([*q["used"].choices, None], weights=[40, 30, 15, 10, 5])[0]
        if used is None:
            add(q["used"], text=rng.choice(["Insurance", "Co-working", "Nothing yet"]))
        else:
            add(q["used"], option_id=used.id)
            if used.id == q["advice"].condition_option_id and rng.random() < 0.6:
                add(q["advice"], text=rng.choice(["VAT", "Social security", "A first contract"]))
        for tool in rng.sample(q["tools"].choices, rng.randint(0, 3)):
            add(q["tools"], option_id=tool.id)
        if rng.random() < 0.8:
            add(q["since"], day=date(rng.randint(2000, 2015), rng.randint(1, 12), 1))
        if rng.random() < 0.9:
            add(q["invoices"], number=rng.choice([0, 2, 5, 8, 12, 20, 30, 60]))
        satisfied = min(5, max(1, round(rng.gauss(3.8 if college.is_staff else 3.5, 1))))
        add(q["satisfied"], number=satisfied)
        add(q["recommend"], number=min(10, max(0, round(rng.gauss(7.4, 2)))))
        for rank, option in enumerate(rng.sample(q["priorities"].choices, 4), start=1):
            add(q["priorities"], option_id=option.id, number=rank)
        for row in q["matrix"].rows:
            add(q["matrix"], option_id=row.id, number=rng.randint(2, 5))
        if rng.random() < 0.5:
            add(q["word"], text=rng.choice(words))
    db.session.execute(sa.insert(Response), responses)
    db.session.execute(sa.insert(Answer), answers)
    db.session.flush()
    return len(responses)


def _survey_2026(moderator: Member) -> None:
    survey = services.create_survey(
        moderator,
        title=TITLE_2026,
        intro="Help the board choose this year's topics. Your answers are anonymous.",
        anonymous=True,
        results_visibility=ResultsVisibility.AFTER_ANSWER,
        closes_at=utcnow() + timedelta(days=30),
    )
    interested = services.add_question(
        survey,
        moderator,
        kind=Kind.SINGLE,
        text="Would you join a working group this year?",
        options=["Yes", "Maybe", "No"],
        required=True,
    )
    services.add_question(
        survey,
        moderator,
        kind=Kind.MULTIPLE,
        text="On which themes?",
        options=["Pensions", "Travel", "Mentoring", "Fair prices", "Co-working"],
        min_choices=1,
        max_choices=2,
        condition=interested.choices[0],
        required=True,
    )
    services.add_question(
        survey,
        moderator,
        kind=Kind.RATING,
        text="How likely are you to recommend Smart in Progress to another member?",
    )
    services.publish(survey, moderator)


def _survey_group_2026(group: WorkingGroup, named: dict[str, Member]) -> int:
    """The working group asks every member how newcomers should be welcomed; named, so the
    group can contact volunteers. Forty members have answered; member@example.org has not."""
    moderator = group.moderator
    survey = services.create_survey(
        moderator,
        title=TITLE_GROUP_2026,
        intro="The *Mentoring newcomers* working group asks every member. Your name is kept "
        "with your answers, so that we can contact the volunteers.",
        group=group,
        anonymous=False,
        results_visibility=ResultsVisibility.AFTER_ANSWER,
        closes_at=utcnow() + timedelta(days=21),
    )
    q = {}
    q["mentor"] = services.add_question(
        survey,
        moderator,
        kind=Kind.SINGLE,
        text="Would you mentor a newcomer?",
        options=["Yes", "Not this year"],
        required=True,
    )
    q["hours"] = services.add_question(
        survey,
        moderator,
        kind=Kind.NUMBER,
        text="How many hours a month could you give?",
        min_value=1,
        max_value=40,
        required=True,
        condition=q["mentor"].choices[0],
    )
    q["start"] = services.add_question(
        survey,
        moderator,
        kind=Kind.DATE,
        text="From when?",
        condition=q["mentor"].choices[0],
    )
    q["topics"] = services.add_question(
        survey,
        moderator,
        kind=Kind.RANKING,
        text="What should a mentor help with first? Order from most to least useful.",
        options=["The first contract", "Prices and quotes", "VAT and expenses", "Finding clients"],
        required=True,
    )
    q["welcome"] = services.add_question(
        survey,
        moderator,
        kind=Kind.MATRIX,
        text="How well were you welcomed when you joined?",
        rows=["by your local office", "by the website", "by other members"],
    )
    q["idea"] = services.add_question(
        survey, moderator, kind=Kind.LONG_TEXT, text="One idea for the group"
    )
    services.publish(survey, moderator)

    rng = random.Random(2026)
    keep_out = {m.id for m in named.values()}
    members = db.session.scalars(
        sa.select(Member).where(Member.status == MemberStatus.ACTIVE).order_by(Member.id)
    ).all()
    respondents = rng.sample([m for m in members if m.id not in keep_out], 40)
    ideas = ["A welcome breakfast each month", "A checklist for the first week", "Buddy calls"]
    for member in respondents:
        yes = rng.random() < 0.45
        raw = {
            q["mentor"].id: {"option": q["mentor"].choices[0 if yes else 1].id},
            q["topics"].id: {"order": [o.id for o in rng.sample(q["topics"].choices, 4)]},
            q["welcome"].id: {"rows": {r.id: rng.randint(2, 5) for r in q["welcome"].rows}},
        }
        if yes:
            raw[q["hours"].id] = {"value": rng.choice([2, 4, 4, 6, 8])}
            start = local_today() + timedelta(days=rng.randrange(10, 90))
            raw[q["start"].id] = {"value": start.isoformat()}
        if rng.random() < 0.3:
            raw[q["idea"].id] = {"text": rng.choice(ideas)}
        services.submit(survey, member, raw)
    return len(respondents)
