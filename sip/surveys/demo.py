"""Demo questionnaires: the 2016 service-quality survey (closed, 800 responses generated with
a fixed seed, so its figures are stable) and an open one on the SIP 2026 topics.

The 2016 responses are an import of the case study's survey: anonymous, and older than the
demo's members, so they carry a college and an office but no participation.
"""

import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from sip.db import utcnow
from sip.extensions import db
from sip.members.models import College, Member, Office
from sip.surveys import services
from sip.surveys.models import Answer, Response, ResultsVisibility, Survey
from sip.surveys.rules import Kind

TITLE_2016 = "Quality of Smart's services (2016)"
TITLE_2026 = "SIP 2026: what should the co-operative work on?"
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
