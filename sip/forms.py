"""Form helpers shared by features."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import ValidationError

from sip.extensions import db
from sip.i18n import LANGUAGE_NAMES, languages


def strip(value):
    return value.strip() if isinstance(value, str) else value


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES[code]) for code in languages()]


class ModelSelectField(SelectField):
    """A select of rows of ``model`` by id, ordered by ``position``; unknown ids are refused."""

    def __init__(self, label=None, validators=None, model=None, blank: str | None = None, **kw):
        super().__init__(label, validators, coerce=_int_or_none, **kw)
        self.model = model
        self.blank = blank

    def load_choices(self) -> None:
        rows = db.session.scalars(sa.select(self.model).order_by(self.model.position)).all()
        self._objects = {row.id: row for row in rows}
        choices = [
            (row.id, f"{row.code} — {row.name}" if hasattr(row, "code") else row.name)
            for row in rows
        ]
        if self.blank is not None:
            choices.insert(0, ("", self.blank))
        self.choices = choices

    def pre_validate(self, form):
        if self.data is None and self.blank is not None:
            return
        if self.data not in getattr(self, "_objects", {}):
            raise ValidationError(_l("Choose one of the options in the list."))

    @property
    def object(self):
        return getattr(self, "_objects", {}).get(self.data)


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def title_field(label, max_length: int = 200):
    from wtforms import StringField
    from wtforms.validators import InputRequired, Length

    return StringField(
        label,
        filters=[strip],
        validators=[
            InputRequired(_l("This field is required.")),
            Length(max=max_length, message=_l("At most %(max)d characters.")),
        ],
    )


def markdown_field(label, *, required: bool = True, max_length: int = 20000):
    """A Markdown text area; rendered later through render_markdown only."""
    from wtforms import TextAreaField
    from wtforms.validators import InputRequired, Length, Optional

    first = InputRequired(_l("This field is required.")) if required else Optional()
    return TextAreaField(
        label,
        filters=[strip],
        validators=[first, Length(max=max_length, message=_l("At most %(max)d characters."))],
    )


class YearRange:
    """Dates between 1900 and 9998: anything else is a typo, and would overflow date arithmetic."""

    def __init__(self, first: int = 1900, last: int = 9998):
        self.first, self.last = first, last

    def __call__(self, form, field):
        if field.data is not None and not self.first <= field.data.year <= self.last:
            raise ValidationError(
                _l("Enter a year between %(first)d and %(last)d.", first=self.first, last=self.last)
            )
