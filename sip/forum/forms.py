"""Forms of the forum: writing, flagging, moderating, and the admin's categories."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from sip.forms import markdown_field, strip, title_field
from sip.forum.models import FLAG_REASON_LABELS
from sip.web import id_or_none

BODY_LABEL = _l("Your post (Markdown)")


class ThreadForm(FlaskForm):
    title = title_field(_l("Title"))
    body = markdown_field(BODY_LABEL)


class PostForm(FlaskForm):
    body = markdown_field(BODY_LABEL)
    reply_to = HiddenField()

    def reply_to_id(self) -> int | None:
        return id_or_none(self.reply_to.data)


class EditForm(FlaskForm):
    #: Only for a thread's opening post.
    title = title_field(_l("Title"))
    body = markdown_field(BODY_LABEL)


class FlagForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong with this post?"), validators=[InputRequired(_l("Choose a reason."))]
    )
    text = StringField(
        _l("Tell the moderators more (required for “Something else”)"),
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("At most %(max)d characters."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [(k.value, v) for k, v in FLAG_REASON_LABELS.items()]


class ReasonForm(FlaskForm):
    reason = markdown_field(_l("Reason (the member reads it)"), max_length=2000)


class OptionalReasonForm(FlaskForm):
    reason = markdown_field(_l("Note (optional)"), required=False, max_length=2000)


class MoveForm(FlaskForm):
    category = SelectField(_l("Move to"), coerce=int, validate_choice=True)
    reason = markdown_field(_l("Note to the author (optional)"), required=False, max_length=2000)


class SuspendForm(FlaskForm):
    days = IntegerField(
        _l("Days without posting"),
        default=7,
        validators=[
            InputRequired(_l("Enter a number of days.")),
            NumberRange(min=1, max=365, message=_l("Between %(min)d and %(max)d days.")),
        ],
    )
    reason = markdown_field(_l("Reason (the member reads it)"), max_length=2000)


class CategoryForm(FlaskForm):
    name_en = title_field(_l("Name in English"), max_length=80)
    name_fr = title_field(_l("Name in French"), max_length=80)
    name_nl = title_field(_l("Name in Dutch"), max_length=80)
    description = markdown_field(_l("Description (Markdown)"), required=False, max_length=2000)
    position = IntegerField(
        _l("Position in the list"),
        default=0,
        validators=[
            InputRequired(_l("Enter a number.")),
            NumberRange(min=0, max=10000, message=_l("Between %(min)d and %(max)d.")),
        ],
    )
    moderators_only = BooleanField(_l("Only moderators write here (announcements)"))
    premoderated = BooleanField(_l("Every post waits for a moderator's approval"))


class GroupCategoryForm(FlaskForm):
    description = markdown_field(_l("Description (Markdown)"), required=False, max_length=2000)
    premoderated = BooleanField(_l("Every post waits for a moderator's approval"))
