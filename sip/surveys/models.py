"""Questionnaires, their sections, questions and options; drafts, participations, responses.

Secrecy of anonymous questionnaires (DESIGN.md, as ballots): ``Participation`` records that
a member answered (so nobody answers twice) and nothing else; ``Response`` has a random id,
no member and no time (only the day), so no column links the two. A named questionnaire's
response also names its member.
"""

import secrets
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from sip.db import UTCDateTime, str_enum, utcnow
from sip.extensions import db
from sip.members.models import College, Member, Office
from sip.surveys.rules import Kind


class Audience(StrEnum):
    ALL = "all"
    COLLEGES = "colleges"
    OFFICES = "offices"
    GROUP = "group"


class ResultsVisibility(StrEnum):
    AFTER_ANSWER = "after_answer"
    AFTER_CLOSE = "after_close"
    ORGANISERS = "organisers"


class SurveyState(StrEnum):
    DRAFT = "draft"
    #: Published: open between its dates.
    PUBLISHED = "published"


survey_college = sa.Table(
    "survey_college",
    db.metadata,
    sa.Column("survey_id", sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("college_id", sa.ForeignKey("college.id"), primary_key=True),
)
survey_office = sa.Table(
    "survey_office",
    db.metadata,
    sa.Column("survey_id", sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("office_id", sa.ForeignKey("office.id"), primary_key=True),
)


class Survey(db.Model):
    __tablename__ = "survey"
    __table_args__ = (
        sa.CheckConstraint(
            "closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at",
            name="closes_after_opening",
        ),
        sa.CheckConstraint("audience <> 'group' OR group_id IS NOT NULL", name="group_audience"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Markdown, shown above the questions.
    intro: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"))
    #: The working group running it, if one does (its members are its organisers).
    group_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("working_group.id"), index=True
    )
    audience: so.Mapped[Audience] = so.mapped_column(str_enum(Audience, 16), default=Audience.ALL)
    anonymous: so.Mapped[bool] = so.mapped_column(default=True)
    results_visibility: so.Mapped[ResultsVisibility] = so.mapped_column(
        str_enum(ResultsVisibility, 16), default=ResultsVisibility.AFTER_CLOSE
    )
    opens_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    state: so.Mapped[SurveyState] = so.mapped_column(
        str_enum(SurveyState, 16), default=SurveyState.DRAFT, index=True
    )
    published_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    #: The questionnaire this one is a new version of (structural changes after answers).
    previous_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("survey.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    created_by: so.Mapped[Member] = so.relationship(lazy="joined", innerjoin=True)
    group = so.relationship("WorkingGroup", lazy="selectin")
    colleges: so.Mapped[list[College]] = so.relationship(
        secondary=survey_college, lazy="selectin", order_by=College.position
    )
    offices: so.Mapped[list[Office]] = so.relationship(
        secondary=survey_office, lazy="selectin", order_by=Office.position
    )
    sections: so.Mapped[list["Section"]] = so.relationship(
        back_populates="survey", lazy="selectin", order_by="Section.position"
    )
    questions: so.Mapped[list["Question"]] = so.relationship(
        back_populates="survey", lazy="selectin", order_by="Question.position"
    )

    def is_open(self, now: datetime) -> bool:
        return (
            self.state == SurveyState.PUBLISHED
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )

    def is_closed(self, now: datetime) -> bool:
        return self.state == SurveyState.PUBLISHED and (
            self.closes_at is not None and self.closes_at <= now
        )


class Section(db.Model):
    __tablename__ = "survey_section"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    survey: so.Mapped[Survey] = so.relationship(back_populates="sections")


class Question(db.Model):
    __tablename__ = "survey_question"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    section_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("survey_section.id", ondelete="SET NULL")
    )
    #: Order in the questionnaire (sections group consecutive questions).
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[Kind] = so.mapped_column(str_enum(Kind, 16))
    text: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: Markdown, shown under the question.
    help: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    required: so.Mapped[bool] = so.mapped_column(default=False)
    #: A single or multiple choice may add an "other" answer in words.
    allow_other: so.Mapped[bool] = so.mapped_column(default=False)
    min_choices: so.Mapped[int | None] = so.mapped_column()
    max_choices: so.Mapped[int | None] = so.mapped_column()
    min_value: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(16, 4))
    max_value: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(16, 4))
    #: The five labels of a Likert scale or of a matrix's scale, lowest first; empty: the
    #: standard ones (strongly disagree … strongly agree) in the reader's language.
    scale_labels: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: Shown only when this earlier single-choice question has ``condition_option_id``.
    condition_question_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("survey_question.id")
    )
    #: (No foreign key: options refer to questions; services check it is the condition
    #: question's own option.)
    condition_option_id: so.Mapped[int | None] = so.mapped_column()

    survey: so.Mapped[Survey] = so.relationship(back_populates="questions")
    options: so.Mapped[list["Option"]] = so.relationship(
        back_populates="question",
        lazy="selectin",
        order_by="Option.position",
        foreign_keys="Option.question_id",
    )

    @property
    def choices(self) -> list["Option"]:
        return [o for o in self.options if not o.is_row]

    @property
    def rows(self) -> list["Option"]:
        return [o for o in self.options if o.is_row]


class Option(db.Model):
    """A choice of a question, an item to rank, or (``is_row``) a statement of a matrix."""

    __tablename__ = "survey_option"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    label: so.Mapped[str] = so.mapped_column(sa.String(300))
    is_row: so.Mapped[bool] = so.mapped_column(default=False)

    question: so.Mapped[Question] = so.relationship(
        back_populates="options", foreign_keys=[question_id]
    )


class Draft(db.Model):
    """Answers saved before submitting; deleted when the member submits."""

    __tablename__ = "survey_draft"

    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)
    #: {question id: raw answer}, as the form sent it.
    answers: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    saved_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Participation(db.Model):
    """That a member has answered: the primary key makes it once. Nothing else is kept."""

    __tablename__ = "survey_participation"
    #: SQLite: no hidden rowid, whose order would follow the (anonymous) answers' order.
    __table_args__ = {"sqlite_with_rowid": False}

    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("member.id"), primary_key=True)


def new_token() -> str:
    return secrets.token_hex(16)


class Response(db.Model):
    """One submitted questionnaire. Anonymous: no member, a random id, the day only."""

    __tablename__ = "survey_response"

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True, default=new_token)
    survey_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True
    )
    #: Set for a named questionnaire only.
    member_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("member.id"))
    #: The respondent's college and office when they answered: the results' breakdowns.
    college_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("college.id"))
    office_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("office.id"))
    submitted_on: so.Mapped[date]

    __table_args__ = (sa.Index("ix_survey_response_breakdown", "survey_id", "college_id"),)


class Answer(db.Model):
    """One value of a response: a chosen option, a ranked item, a rated statement, a number,
    a date or a text. Results are SQL aggregates over these rows."""

    __tablename__ = "survey_answer"
    __table_args__ = (sa.Index("ix_survey_answer_question", "question_id", "option_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    response_id: so.Mapped[str] = so.mapped_column(
        sa.ForeignKey("survey_response.id", ondelete="CASCADE"), index=True
    )
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("survey_question.id"))
    #: The chosen or ranked option; for a matrix, the statement rated.
    option_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("survey_option.id"))
    #: A scale point, a rating, a number, or a rank (1 = first).
    number: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(16, 4))
    text: so.Mapped[str | None] = so.mapped_column(sa.Text)
    day: so.Mapped[date | None] = so.mapped_column()
