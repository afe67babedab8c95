"""CSV exports: every response (anonymous ones without identity) and the results summary."""

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa

from sip.extensions import db
from sip.members.models import College, Member, Office
from sip.surveys import results
from sip.surveys.models import Answer, Response, Survey
from sip.surveys.rules import Kind


def _columns(survey: Survey) -> list[tuple[str, object, object]]:
    """(heading, question, option or None): one column per question, per matrix statement
    and per ranked item."""
    columns = []
    for q in survey.questions:
        if q.kind == Kind.MATRIX:
            columns += [(f"{q.text} — {row.label}", q, row) for row in q.rows]
        elif q.kind == Kind.RANKING:
            columns += [(f"{q.text} — {o.label}", q, o) for o in q.choices]
        else:
            columns.append((q.text, q, None))
    return columns


def _cell(question, option, answers: list[Answer], labels: dict[int, str]) -> str:
    mine = [a for a in answers if a.question_id == question.id]
    if option is not None:
        found = next((a for a in mine if a.option_id == option.id), None)
        return "" if found is None or found.number is None else str(int(found.number))
    parts = []
    for a in mine:
        if a.option_id is not None:
            parts.append(labels.get(a.option_id, ""))
        elif a.text is not None:
            parts.append(a.text)
        elif a.day is not None:
            parts.append(a.day.isoformat())
        elif a.number is not None:
            parts.append(format(a.number.normalize(), "f"))
    return "; ".join(parts)


def responses_csv(survey: Survey) -> Iterator[str]:
    """Lines of CSV, one response a row. Named questionnaires add the member's name and email."""
    columns = _columns(survey)
    labels = {o.id: o.label for q in survey.questions for o in q.options}
    colleges = dict(db.session.execute(sa.select(College.id, College.code)).all())
    offices = dict(db.session.execute(sa.select(Office.id, Office.code)).all())
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    identity = [] if survey.anonymous else ["name", "email"]
    writer.writerow(["response", *identity, "college", "office", "day", *(c[0] for c in columns)])
    yield flush()
    names = {}
    if not survey.anonymous:
        names = {
            m.id: (m.name, m.email)
            for m in db.session.execute(
                sa.select(Member.id, Member.name, Member.email)
                .join(Response, Response.member_id == Member.id)
                .where(Response.survey_id == survey.id)
            )
        }
    # Anonymous responses in the order of their random ids: no order of submission.
    responses = db.session.scalars(
        sa.select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
    ).all()
    answers: dict[str, list[Answer]] = {}
    for a in db.session.scalars(
        sa.select(Answer)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.survey_id == survey.id)
    ):
        answers.setdefault(a.response_id, []).append(a)
    for number, r in enumerate(responses, start=1):
        who = list(names.get(r.member_id, ("", ""))) if not survey.anonymous else []
        mine = answers.get(r.id, [])
        writer.writerow(
            [
                number,
                *who,
                colleges.get(r.college_id, ""),
                offices.get(r.office_id, ""),
                r.submitted_on.isoformat(),
                *(_cell(q, o, mine, labels) for _h, q, o in columns),
            ]
        )
        yield flush()


def summary_csv(survey: Survey, columns: list[tuple[str, results.Results]]) -> Iterator[str]:
    """Lines of CSV: per question, each option's count and percentage, or the figures; a
    row for each group of ``columns`` (its label, as the results page shows it: everyone,
    a filter, or each category or office of a breakdown)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["group", "question", "answer", "count", "percent", "respondents"])
    for group, computed in columns:
        for q in survey.questions:
            r = computed.questions[q.id]

            def line(answer, count, pct="", _g=group, _q=q, _r=r):
                writer.writerow([_g, _q.text, answer, count, pct, _r.respondents])

            if q.kind in (Kind.SINGLE, Kind.MULTIPLE):
                for o in q.choices:
                    line(o.label, r.counts.get(o.id, 0), r.percent(o.id))
                if q.allow_other:
                    line("other", r.other)
            elif q.kind in (Kind.LIKERT, Kind.RATING, Kind.NUMBER):
                line("mean", r.mean)
                line("median", r.median)
                if q.kind == Kind.RATING:
                    line("nps", r.nps)
            elif q.kind == Kind.RANKING:
                for o in q.choices:
                    line(o.label, r.average_ranks.get(o.id, ""))
            elif q.kind == Kind.MATRIX:
                for row in q.rows:
                    line(row.label, results.rules.mean(r.row(row.id)))
            else:
                line("answers", r.respondents)
    yield buffer.getvalue()
