"""Cycle pages, topics, their support and the board's selection."""

import sqlalchemy as sa
from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import require
from sip.cycles import bp, services
from sip.cycles.forms import (
    CycleForm,
    DeclineTopicForm,
    SelectTopicForm,
    TopicFilterForm,
    TopicForm,
)
from sip.cycles.models import PHASE_LABELS, Cycle, Phase, Topic
from sip.cycles.permissions import CyclesPermission as P
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.models import Member, MemberStatus, Role, RoleGrant
from sip.web import list_args, paginate_rows, render, run_form
from sip.working_groups import services as groups
from sip.working_groups.models import WorkingGroup


def _cycle_context(cycle: Cycle) -> dict:
    phase = services.current_phase(cycle)
    return {"cycle": cycle, "phase": phase, "phase_labels": PHASE_LABELS, "Phase": Phase}


@bp.get("/")
@require(P.VIEW)
def index():
    cycles = db.session.scalars(sa.select(Cycle).order_by(Cycle.topics_from.desc())).all()
    phases = {c.id: services.current_phase(c) for c in cycles}
    return render("cycles/index.html", cycles=cycles, phases=phases, phase_labels=PHASE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:cycle_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE)
def edit(cycle_id: int | None = None):
    """Create or change a cycle and the dates of its phases.

    :raise 404: for an unknown cycle.
    """
    cycle = db.get_or_404(Cycle, cycle_id) if cycle_id is not None else None
    form = CycleForm(obj=cycle)
    values = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    done = run_form(
        form,
        lambda: services.save_cycle(cycle, current_user, **values),
        _("Cycle saved."),
        lambda saved: url_for("cycles.detail", cycle_id=saved.id),
    )
    if done:
        return done
    return render(
        "cycles/form.html", form=form, cycle=cycle, status=422 if request.method == "POST" else 200
    )


@bp.get("/<int:cycle_id>")
@require(P.VIEW)
def detail(cycle_id: int):
    """The cycle: its phases, the current one, its working groups.

    :raise 404: for an unknown cycle.
    """
    cycle = db.get_or_404(Cycle, cycle_id)
    groups = db.session.scalars(
        sa.select(WorkingGroup).where(WorkingGroup.cycle_id == cycle.id).order_by(WorkingGroup.id)
    ).all()
    topic_count = db.session.scalar(sa.select(sa.func.count()).where(Topic.cycle_id == cycle.id))
    return render(
        "cycles/detail.html", groups=groups, topic_count=topic_count, **_cycle_context(cycle)
    )


@bp.get("/<int:cycle_id>/topics")
@require(P.VIEW)
def topics(cycle_id: int):
    """Topics of a cycle, by support or date, filtered by status; htmx swaps the list."""
    cycle = db.get_or_404(Cycle, cycle_id)
    filters = TopicFilterForm(request.args)
    valid = filters.validate()
    query = services.topics_query(
        cycle,
        status=(filters.status.data or None) if valid else None,
        sort=filters.sort.data or "support",
    )
    page = paginate_rows(query, current_app.config["TOPICS_PER_PAGE"])
    rows = page.items
    mine = set(
        db.session.scalars(
            sa.select(services.TopicSupport.topic_id).where(
                services.TopicSupport.member_id == current_user.id,
                services.TopicSupport.topic_id.in_([t.id for t, _n in rows]),
            )
        )
    )
    args = list_args()
    return render(
        "cycles/topics.html",
        block="results",
        rows=rows,
        page=page,
        mine=mine,
        filters=filters,
        args=args,
        confirm_form=ConfirmForm(),
        **_cycle_context(cycle),
    )


@bp.route("/<int:cycle_id>/topics/new", methods=["GET", "POST"])
@require(P.PROPOSE)
def propose(cycle_id: int):
    cycle = db.get_or_404(Cycle, cycle_id)
    form = TopicForm()
    done = run_form(
        form,
        lambda: services.propose_topic(
            cycle, current_user, title=form.title.data, description=form.description.data
        ),
        _("Your topic is proposed. Other members can now support it."),
        lambda topic: url_for("cycles.topic", topic_id=topic.id),
    )
    if done:
        return done
    return render(
        "cycles/topic_form.html",
        form=form,
        status=422 if request.method == "POST" else 200,
        **_cycle_context(cycle),
    )


def _moderator_choices() -> list[tuple[int, str]]:
    rows = db.session.scalars(
        sa.select(Member)
        .join(RoleGrant, RoleGrant.member_id == Member.id)
        .where(RoleGrant.role == Role.MODERATOR, Member.status == MemberStatus.ACTIVE)
        .order_by(Member.name)
    )
    return [(m.id, m.name) for m in rows if m.college.is_staff]


def _topic_page(topic: Topic, status: int = 200, **forms):
    forms.setdefault("select_form", SelectTopicForm(formdata=None, name=topic.title))
    forms["select_form"].moderator.choices = _moderator_choices()
    forms.setdefault("decline_form", DeclineTopicForm(formdata=None))
    return render(
        "cycles/topic.html",
        topic=topic,
        supports=services.support_count(topic),
        supported=services.support_of(topic, current_user) is not None,
        group=db.session.scalar(sa.select(WorkingGroup).where(WorkingGroup.topic_id == topic.id)),
        confirm_form=ConfirmForm(),
        status=status,
        **forms,
        **_cycle_context(topic.cycle),
    )


@bp.get("/topics/<int:topic_id>")
@require(P.VIEW)
def topic(topic_id: int):
    """:raise 404: for an unknown topic."""
    return _topic_page(db.get_or_404(Topic, topic_id))


def _topic_action(topic_id: int, action, success: str):
    topic = db.get_or_404(Topic, topic_id)
    done = run_form(
        ConfirmForm(), lambda: action(topic), success, url_for("cycles.topic", topic_id=topic.id)
    )
    return done or _topic_page(db.get_or_404(Topic, topic_id), status=422)


@bp.post("/topics/<int:topic_id>/support")
@require(P.SUPPORT)
def support(topic_id: int):
    return _topic_action(
        topic_id, lambda t: services.support_topic(t, current_user), _("You support this topic.")
    )


@bp.post("/topics/<int:topic_id>/unsupport")
@require(P.SUPPORT)
def unsupport(topic_id: int):
    return _topic_action(
        topic_id,
        lambda t: services.withdraw_support(t, current_user),
        _("Your support is withdrawn."),
    )


@bp.post("/topics/<int:topic_id>/select")
@require(P.SELECT)
def select(topic_id: int):
    """The board selects the topic: a working group is created."""
    topic = db.get_or_404(Topic, topic_id)
    form = SelectTopicForm()
    choices = _moderator_choices()
    form.moderator.choices = choices
    done = run_form(
        form,
        lambda: groups.select_topic(
            topic,
            current_user,
            name=form.name.data,
            mandate=form.mandate.data,
            deadline=form.deadline.data,
            moderator=db.session.get(Member, form.moderator.data),
        ),
        _("The topic is selected: its working group is created."),
        lambda group: url_for("working_groups.group", group_id=group.id),
    )
    if done:
        return done
    return _topic_page(db.get_or_404(Topic, topic_id), status=422, select_form=form)


@bp.post("/topics/<int:topic_id>/decline")
@require(P.SELECT)
def decline(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    form = DeclineTopicForm()
    done = run_form(
        form,
        lambda: services.decline_topic(topic, current_user, form.note.data),
        _("The topic is marked as not selected."),
        url_for("cycles.topic", topic_id=topic.id),
    )
    if done:
        return done
    return _topic_page(db.get_or_404(Topic, topic_id), status=422, decline_form=form)
