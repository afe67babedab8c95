"""Recommendations: the list, drafting, editing, resubmitting, versions compared as
diffs, and the evidence they cite."""

import sqlalchemy as sa
from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip import evidence
from sip.access import allowed, require
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.web import list_args, page_number, render, run_form
from sip.working_groups import bp, services
from sip.working_groups.diff import render_sides
from sip.working_groups.forms import (
    EvidenceForm,
    RecommendationForm,
)
from sip.working_groups.models import (
    EDITABLE_STATES,
    GroupMembership,
    MembershipStatus,
    Recommendation,
    RecommendationState,
)
from sip.working_groups.permissions import GroupsPermission as P
from sip.working_groups.timeline import timeline
from sip.working_groups.views.common import LABELS, _group, _recommendation, _recommendation_group


@bp.get("/recommendations")
@require(P.LIST)
def recommendations():
    """Every recommendation this visitor may see, newest first; drafts only to their group."""
    query = sa.select(Recommendation).order_by(
        Recommendation.created_at.desc(), Recommendation.id.desc()
    )
    if not allowed("wg:group:administer"):
        visible = Recommendation.state.not_in(EDITABLE_STATES)
        if current_user.is_authenticated:
            mine = sa.select(GroupMembership.group_id).where(
                GroupMembership.member_id == current_user.id,
                GroupMembership.status == MembershipStatus.ACCEPTED,
            )
            visible = sa.or_(visible, Recommendation.group_id.in_(mine))
        query = query.where(visible)
    state = request.args.get("state", "")
    if state in RecommendationState.__members__.values():
        query = query.where(Recommendation.state == state)
    page = db.paginate(
        query, page=page_number(), per_page=current_app.config["GROUPS_PER_PAGE"], error_out=False
    )
    args = list_args()
    return render(
        "working_groups/recommendations.html",
        page=page,
        args=args,
        state=state,
        RecommendationState=RecommendationState,
        **LABELS,
    )


@bp.route("/<int:group_id>/recommendations/new", methods=["GET", "POST"])
@require(P.CONTRIBUTE, load=_group)
def new_recommendation(group_id: int):
    group = _group(group_id)
    form = RecommendationForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.create_recommendation(
                group,
                current_user,
                title=form.title.data,
                text=form.text.data,
                rationale=form.rationale.data or "",
            ),
            _("The recommendation is saved as a draft."),
            lambda created: url_for("working_groups.recommendation", recommendation_id=created.id),
        )
        if done:
            return done
    return render(
        "working_groups/recommendation_form.html",
        form=form,
        group=group,
        rec=None,
        status=422 if request.method == "POST" else 200,
    )


def _evidence_choices(rec: Recommendation) -> list[tuple[str, str]]:
    """What the recommendation may cite, as ``kind:id`` values, from every registered kind."""
    return [
        (f"{kind.name}:{target_id}", f"{kind.label}: {title}")
        for kind in evidence.kinds().values()
        for target_id, title in kind.choices(rec)
    ]


def _recommendation_page(rec: Recommendation, status: int = 200, evidence_form=None):
    can_edit = allowed(P.CONTRIBUTE, rec.group) and rec.state in EDITABLE_STATES
    form = evidence_form or EvidenceForm(formdata=None)
    form.target.choices = _evidence_choices(rec)
    from fractions import Fraction

    from sip.assembly.rules import percent
    from sip.board.forms import DECISION_NAMES
    from sip.board.rules import Choice

    last_by_group = next((v for v in reversed(rec.versions) if not v.by_board), None)
    from sip.actions.provenance import actions_of_recommendation

    return render(
        "working_groups/recommendation.html",
        rec=rec,
        actions=actions_of_recommendation(rec),
        citations=evidence.resolve(rec.evidence),
        events=timeline(rec),
        assembly_percent=lambda text: str(percent(Fraction(text))),
        last_by_group=last_by_group,
        decision_names=DECISION_NAMES,
        choice_labels={
            Choice.FOR: _("for"),
            Choice.AGAINST: _("against"),
            Choice.ABSTAIN: _("abstained"),
        },
        can_resubmit=rec.state == RecommendationState.RETURNED and allowed(P.CONTRIBUTE, rec.group),
        can_edit=can_edit,
        evidence_form=form,
        confirm_form=ConfirmForm(),
        status=status,
        **LABELS,
    )


@bp.get("/recommendations/<int:recommendation_id>")
@require(P.VIEW_RECOMMENDATION, load=_recommendation)
def recommendation(recommendation_id: int):
    """A recommendation: its current text, versions and evidence.

    :raise 404: for an unknown recommendation.
    """
    return _recommendation_page(_recommendation(recommendation_id))


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@require(P.CONTRIBUTE, load=_recommendation_group)
def edit_recommendation(recommendation_id: int):
    rec = _recommendation(recommendation_id)
    current = rec.current
    form = (
        RecommendationForm(title=current.title, text=current.text, rationale=current.rationale)
        if request.method == "GET"
        else RecommendationForm()
    )
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.revise_recommendation(
                rec,
                current_user,
                title=form.title.data,
                text=form.text.data,
                rationale=form.rationale.data or "",
            ),
            _("Saved."),
            url_for("working_groups.recommendation", recommendation_id=rec.id),
        )
        if done:
            return done
    return render(
        "working_groups/recommendation_form.html",
        form=form,
        group=rec.group,
        rec=rec,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/recommendations/<int:recommendation_id>/resubmit")
@require(P.CONTRIBUTE, load=_recommendation_group)
def resubmit_recommendation(recommendation_id: int):
    """Submit a returned recommendation to the board again.

    :raise 404: for an unknown recommendation.
    """
    rec = _recommendation(recommendation_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.resubmit_recommendation(rec, current_user),
        _("The recommendation is submitted to the board again."),
        url_for("working_groups.recommendation", recommendation_id=rec.id),
    )
    return done or _recommendation_page(rec, status=422)


@bp.get("/recommendations/<int:recommendation_id>/diff")
@require(P.VIEW_RECOMMENDATION, load=_recommendation)
def recommendation_diff(recommendation_id: int):
    """Two versions side by side, with the words removed and added.

    :raise 404: for a version that does not exist.
    """
    rec = _recommendation(recommendation_id)
    last = rec.current.number
    old = rec.version(request.args.get("from", max(1, last - 1), type=int))
    new = rec.version(request.args.get("to", last, type=int))
    if old is None or new is None:
        abort(404)
    diffs = {
        "title": render_sides(old.title, new.title),
        "text": render_sides(old.text, new.text),
        "rationale": render_sides(old.rationale, new.rationale),
    }
    return render(
        "working_groups/recommendation_diff.html", rec=rec, old=old, new=new, diffs=diffs, **LABELS
    )


@bp.post("/recommendations/<int:recommendation_id>/evidence")
@require(P.CONTRIBUTE, load=_recommendation_group)
def cite(recommendation_id: int):
    rec = _recommendation(recommendation_id)
    form = EvidenceForm()
    form.target.choices = _evidence_choices(rec)
    kind, _sep, target = (form.target.data or "").partition(":")
    done = run_form(
        form,
        lambda: services.cite_evidence(
            rec,
            current_user,
            kind=kind,
            target_id=int(target) if target.isdigit() else -1,
            note=form.note.data or "",
        ),
        _("The evidence is cited."),
        url_for("working_groups.recommendation", recommendation_id=rec.id),
    )
    return done or _recommendation_page(
        _recommendation(recommendation_id), status=422, evidence_form=form
    )


@bp.post("/recommendations/<int:recommendation_id>/evidence/<int:evidence_id>/remove")
@require(P.CONTRIBUTE, load=_recommendation_group)
def uncite(recommendation_id: int, evidence_id: int):
    """:raise 404: for evidence of another recommendation."""
    rec = _recommendation(recommendation_id)
    link = next((e for e in rec.evidence if e.id == evidence_id), None)
    if link is None:
        abort(404)
    done = run_form(
        ConfirmForm(),
        lambda: services.remove_evidence(link, current_user),
        _("The evidence is removed."),
        url_for("working_groups.recommendation", recommendation_id=rec.id),
    )
    return done or _recommendation_page(_recommendation(recommendation_id), status=422)
