"""Forms of general assemblies: the assembly and its rules, documents, resolutions,
proxies and attendance. Ballots are read from the request (``views.vote``)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional

from sip.auth.forms import email_field
from sip.extensions import db
from sip.forms import YearRange, markdown_field, strip, title_field

KIND_LABELS = {
    "ordinary": _l("Ordinary general assembly"),
    "extraordinary": _l("Extraordinary general assembly"),
}
SCHEME_LABELS = {
    "one_member_one_vote": _l("One member, one vote"),
    "college_weighted": _l("Weighted by member category"),
    "per_share_capped": _l("One vote per share, capped"),
}
EMPTY_COLLEGE_LABELS = {
    "renormalise": _l("Left out: the other categories' weights are re-normalised"),
    "not_approving": _l("Its weight stays: an absent category counts as not approving"),
}
BASIS_LABELS = {"members": _l("Members"), "shares": _l("Shares")}
RESOLUTION_LABELS = {
    "recommendation": _l("A working group's recommendation (simple majority)"),
    "ordinary": _l("Ordinary resolution (simple majority)"),
    "statute_change": _l("Statute change (three-quarters)"),
    "change_of_purpose": _l("Change of purpose (four-fifths)"),
    "board_election": _l("Board election"),
}
DOCUMENT_LABELS = {
    "text": _l("Text (Markdown)"),
    "accounts": _l("Accounts (Markdown tables)"),
    "survey": _l("A questionnaire's results"),
}


def _when(label, required=True):
    first = InputRequired(_l("Enter a date and a time.")) if required else Optional()
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[first, YearRange()])


def _choices(labels: dict) -> list:
    return [(k, v) for k, v in labels.items()]


class AssemblyForm(FlaskForm):
    title = title_field(_l("Title"))
    kind = SelectField(_l("Kind"))
    starts_at = _when(_l("Starts (Brussels time)"))
    place = StringField(
        _l("Place"),
        filters=[strip],
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
    )
    online_url = URLField(
        _l("Online access"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=500, message=_l("At most %(max)d characters.")),
            URL(require_tld=False, message=_l("Enter a full web address, starting with https://")),
        ],
    )
    convocation_on = DateField(
        _l("Convocation sent on"), validators=[InputRequired(_l("Enter a date.")), YearRange()]
    )
    second_convocation = BooleanField(_l("Second convocation (no quorum)"))
    advance_voting_from = _when(_l("Advance voting opens (optional)"), required=False)
    proxy_deadline = _when(_l("Deadline for proxies (optional)"), required=False)
    intro = markdown_field(_l("Introduction (Markdown)"), required=False)
    scheme = SelectField(_l("Weighting of votes"))
    empty_college = SelectField(_l("A member category in which nobody voted"))
    abstentions_count = BooleanField(_l("Abstentions count in the total"))
    share_cap = DecimalField(
        _l("Cap per member, as a fraction of the votes (one vote per share)"),
        places=4,
        validators=[Optional(), NumberRange(0, 1, _l("Between %(min)s and %(max)s."))],
    )
    quorum_basis = SelectField(_l("Quorum counted in"))
    quorum_fraction = DecimalField(
        _l("Quorum, as a fraction (empty: none)"),
        places=4,
        validators=[Optional(), NumberRange(0, 1, _l("Between %(min)s and %(max)s."))],
    )
    proxy_cap = IntegerField(
        _l("Proxies a member may hold"),
        validators=[
            InputRequired(_l("This field is required.")),
            NumberRange(0, 20, _l("Between %(min)s and %(max)s.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(KIND_LABELS)
        self.scheme.choices = _choices(SCHEME_LABELS)
        self.empty_college.choices = _choices(EMPTY_COLLEGE_LABELS)
        self.quorum_basis.choices = _choices(BASIS_LABELS)


class DocumentForm(FlaskForm):
    kind = SelectField(_l("Kind"))
    title = title_field(_l("Title"))
    body = TextAreaField(
        _l("Text (Markdown)"),
        filters=[strip],
        validators=[Length(max=50000, message=_l("At most %(max)d characters."))],
    )
    survey = SelectField(_l("Questionnaire"), coerce=lambda v: int(v) if str(v).isdigit() else None)

    def __init__(self, *args, **kwargs):
        from sip.surveys.models import Survey, SurveyState

        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(DOCUMENT_LABELS)
        surveys = db.session.scalars(
            sa.select(Survey)
            .where(Survey.state == SurveyState.PUBLISHED)
            .order_by(Survey.id.desc())
        ).all()
        self.survey.choices = [("", _l("None"))] + [(s.id, s.title) for s in surveys]


class ResolutionForm(FlaskForm):
    kind = SelectField(_l("Kind"))
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
    )
    text = TextAreaField(
        _l("Text (Markdown)"),
        filters=[strip],
        validators=[Length(max=50000, message=_l("At most %(max)d characters."))],
    )
    recommendation = SelectField(
        _l("Recommendation"), coerce=lambda v: int(v) if str(v).isdigit() else None
    )
    seat_group = SelectField(
        _l("Seats to elect"), coerce=lambda v: int(v) if str(v).isdigit() else None
    )
    seats = IntegerField(_l("Number of seats"), validators=[Optional(), NumberRange(1, 200)])
    candidates = TextAreaField(
        _l("Candidates' email addresses, one per line"),
        filters=[strip],
        validators=[Length(max=20000)],
    )

    def set_choices(self, recommendations, groups) -> None:
        self.kind.choices = _choices(RESOLUTION_LABELS)
        self.recommendation.choices = [("", _l("None"))] + [
            (r.id, f"{r.current.title} — {r.group.name}") for r in recommendations
        ]
        self.seat_group.choices = [("", _l("None"))] + [(g.id, g.name) for g in groups]


class EmailForm(FlaskForm):
    email = email_field(_l("Email of the member"))
