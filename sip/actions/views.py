"""Actions: the list, each action with its provenance, creating, editing and reporting;
following; the public dashboard of each cycle with its exports; and the backward walk from
a piece of evidence to what it led to."""

import csv
import io
import json

import sqlalchemy as sa
from flask import Response as HTTPResponse
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip import evidence
from sip.access import allowed, require
from sip.actions import bp, dashboard, provenance, services
from sip.actions.forms import ActionForm, UpdateForm
from sip.actions.models import (
    ACTION_STATUS_LABELS,
    OPEN_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
)
from sip.actions.permissions import ActionPermission as P
from sip.assembly.models import Assembly, Resolution
from sip.cycles.models import Cycle
from sip.db import local_today
from sip.extensions import db
from sip.facts import in_member_area
from sip.members.forms import ConfirmForm
from sip.web import id_or_none, list_args, page_number, render, run_form


def _action(action_id: int) -> Action:
    return db.get_or_404(Action, action_id)


def _percent(fraction_text: str) -> str:
    from fractions import Fraction

    from sip.assembly.rules import percent

    return str(percent(Fraction(fraction_text)))


def _labels() -> dict:
    from sip.board.forms import DECISION_NAMES
    from sip.board.rules import Choice
    from sip.working_groups.models import RECOMMENDATION_STATE_LABELS

    return {
        "status_labels": ACTION_STATUS_LABELS,
        "recommendation_state_labels": RECOMMENDATION_STATE_LABELS,
        "decision_names": DECISION_NAMES,
        "choice_labels": {
            Choice.FOR: _("for"),
            Choice.AGAINST: _("against"),
            Choice.ABSTAIN: _("abstained"),
        },
        "percent": _percent,
        "today": local_today(),
    }


@bp.get("/")
@require(P.VIEW)
def index():
    """Every action, filtered by cycle, status or lateness; and each cycle's dashboard."""
    cycles = db.session.scalars(sa.select(Cycle).order_by(Cycle.topics_from.desc())).all()
    query = (
        sa.select(Action)
        .join(Resolution, Resolution.id == Action.resolution_id)
        .join(Assembly, Assembly.id == Resolution.assembly_id)
        .order_by(Action.due_on, Action.id)
        .options(*dashboard.LISTED)
    )
    cycle_id = id_or_none(request.args.get("cycle"))
    if cycle_id is not None:
        query = query.where(Assembly.cycle_id == cycle_id)
    status = request.args.get("status", "")
    today = local_today()
    if status == "overdue":
        query = query.where(Action.status.in_(OPEN_STATUSES), Action.due_on < today)
    elif status in {s.value for s in ActionStatus}:
        query = query.where(Action.status == status)
    else:
        status = ""
    page = db.paginate(
        query,
        page=page_number(),
        per_page=current_app.config["ACTIONS_PER_PAGE"],
        error_out=False,
    )
    return render(
        "actions/index.html",
        page=page,
        cycles=cycles,
        cycle_id=cycle_id,
        status_filter=status,
        args=list_args(),
        can_manage=allowed(P.MANAGE),
        resolutions=services.adoptable_resolutions() if allowed(P.MANAGE) else [],
        **_labels(),
    )


@bp.get("/<int:action_id>")
@require(P.VIEW)
def action(action_id: int):
    """An action, its updates and its whole provenance.

    :raise 404: for an unknown action.
    """
    return _action_page(_action(action_id))


def _action_page(action: Action, update_form=None, status: int = 200):
    updates = db.session.scalars(
        sa.select(ActionUpdate)
        .where(ActionUpdate.action_id == action.id)
        .order_by(ActionUpdate.id.desc())
    ).all()
    return render(
        "actions/action.html",
        action=action,
        trail=provenance.provenance(action),
        updates=updates,
        following=services.follows(action, current_user),
        can_follow=allowed(P.FOLLOW),
        can_report=allowed(P.REPORT, action),
        can_manage=allowed(P.MANAGE),
        update_form=update_form or UpdateForm(action=action),
        confirm_form=ConfirmForm(),
        status=status,
        **_labels(),
    )


def _values(form: ActionForm) -> dict:
    """What the action form says, as the services take it."""
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "owner_email": form.owner_email.data,
        "owner_team": form.owner_team.data,
        "due_on": form.due_on.data,
    }


@bp.route("/resolutions/<int:resolution_id>/new", methods=["GET", "POST"])
@require(P.MANAGE)
def new(resolution_id: int):
    """Create an action for an adopted resolution.

    :raise 404: for an unknown resolution.
    """
    resolution = db.get_or_404(Resolution, resolution_id)
    if not services.adopted(resolution):
        abort(404)
    form = ActionForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.create_action(resolution, current_user, **_values(form)),
            _("The action is created."),
            lambda created: url_for("actions.action", action_id=created.id),
        )
        if done:
            return done
    return render(
        "actions/form.html",
        form=form,
        resolution=resolution,
        action=None,
        status=422 if request.method == "POST" else 200,
    )


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE)
def edit(action_id: int):
    """Change an action's title, description, owner or due date.

    :raise 404: for an unknown action.
    """
    action = _action(action_id)
    if request.method == "GET":
        form = ActionForm(
            title=action.title,
            description=action.description,
            owner_email=action.owner.email if action.owner else "",
            owner_team=action.owner_team,
            due_on=action.due_on,
        )
    else:
        form = ActionForm()
        done = run_form(
            form,
            lambda: services.edit_action(action, current_user, **_values(form)),
            _("Saved."),
            url_for("actions.action", action_id=action.id),
        )
        if done:
            return done
    return render(
        "actions/form.html",
        form=form,
        resolution=action.resolution,
        action=action,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/<int:action_id>/updates")
@require(P.REPORT, load=lambda action_id: _action(action_id))
def report(action_id: int):
    """Post a dated update, changing the status or progress if asked.

    :raise 404: for an unknown action.
    """
    action = _action(action_id)
    form = UpdateForm(action=action)
    done = run_form(
        form,
        lambda: services.report(
            action,
            current_user,
            body=form.body.data,
            status=form.status.data,
            progress=form.progress.data,
            reason=form.reason.data or "",
        ),
        _("The update is published; the action's followers are told."),
        url_for("actions.action", action_id=action.id) + "#updates",
    )
    return done or _action_page(action, update_form=form, status=422)


@bp.post("/<int:action_id>/follow")
@require(P.FOLLOW)
def follow(action_id: int):
    action = _action(action_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.follow(action, current_user),
        _("You follow this action: its updates will be in your notifications."),
        url_for("actions.action", action_id=action.id),
    )
    return done or _action_page(action, status=400)


@bp.post("/<int:action_id>/unfollow")
@require(P.FOLLOW)
def unfollow(action_id: int):
    action = _action(action_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.unfollow(action, current_user),
        _("You no longer follow this action."),
        url_for("actions.action", action_id=action.id),
    )
    return done or _action_page(action, status=400)


@bp.get("/cycles/<int:cycle_id>")
@require(P.VIEW)
def cycle_dashboard(cycle_id: int):
    """The public dashboard of a cycle: funnel, participation, progress of actions.

    :raise 404: for an unknown cycle.
    """
    cycle = db.get_or_404(Cycle, cycle_id)
    today = local_today()
    board = dashboard.dashboard(cycle, today)
    first = board.funnel[0][1] or 1
    funnel_bars = [
        (str(dashboard.FUNNEL_LABELS[key]), n, round(100 * n / first, 1) if first else 0)
        for key, n in board.funnel
    ]
    return render(
        "actions/dashboard.html",
        board=board,
        funnel_bars=funnel_bars,
        funnel_labels=dashboard.FUNNEL_LABELS,
        participation_labels=dashboard.PARTICIPATION_LABELS,
        **_labels(),
    )


def _csv(filename: str, header: list[str], rows) -> HTTPResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return HTTPResponse(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _export(cycle_id: int) -> dict:
    cycle = db.get_or_404(Cycle, cycle_id)
    today = local_today()
    return dashboard.as_data(dashboard.dashboard(cycle, today), today)


@bp.get("/cycles/<int:cycle_id>/dashboard.json")
@require(P.VIEW)
def dashboard_json(cycle_id: int):
    """The dashboard's figures and actions as JSON.

    :raise 404: for an unknown cycle.
    """
    data = _export(cycle_id)
    return HTTPResponse(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="cycle-{cycle_id}-dashboard.json"'},
    )


@bp.get("/cycles/<int:cycle_id>/dashboard.csv")
@require(P.VIEW)
def dashboard_csv(cycle_id: int):
    """Every figure of the dashboard, one per row.

    :raise 404: for an unknown cycle.
    """
    rows = dashboard.csv_rows(_export(cycle_id))
    header = ["section", "measure", "breakdown", "group", "value"]
    return _csv(f"cycle-{cycle_id}-dashboard.csv", header, rows)


@bp.get("/cycles/<int:cycle_id>/actions.csv")
@require(P.VIEW)
def actions_csv(cycle_id: int):
    """The cycle's actions, one per row.

    :raise 404: for an unknown cycle.
    """
    items = _export(cycle_id)["actions"]["items"]
    columns = ["id", "title", "resolution", "owner", "due_on", "status", "progress", "overdue"]
    rows = [[item[c] for c in columns] for item in items]
    return _csv(f"cycle-{cycle_id}-actions.csv", columns, rows)


@bp.get("/trace/<kind>/<int:target_id>")
@require(P.VIEW)
def trace(kind: str, target_id: int):
    """What a forum thread, a questionnaire, minutes or a document led to.

    :raise 404: for an unknown kind or target.
    """
    kinds = evidence.kinds()
    if kind not in kinds:
        abort(404)
    target = kinds[kind].load([target_id]).get(target_id)
    # Visitors only learn of targets a public recommendation cites.
    if target is None or not (
        provenance.cited_publicly(kind, target_id) or in_member_area(current_user)
    ):
        abort(404)
    return render(
        "actions/trace.html",
        kind_label=kinds[kind].label,
        title=target[0],
        url=target[1],
        outcomes=provenance.led_to(kind, target_id),
        **_labels(),
    )
