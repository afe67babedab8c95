"""Working-group pages. Each view: load, check access, call one service, render or redirect.

Objects addressed under a group (requests, members) must belong to it: another group's
id in the URL answers 404.
"""

import sqlalchemy as sa
from flask import abort, current_app, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip import evidence
from sip.access import allowed, require
from sip.db import local_to_utc, utc_to_local, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.services import find_by_email
from sip.web import list_args, page_number, render, run_form
from sip.working_groups import bp, ical, services
from sip.working_groups.diff import render_diff, render_sides
from sip.working_groups.forms import (
    DocumentForm,
    EmailForm,
    EvidenceForm,
    GroupForm,
    JoinForm,
    MeetingForm,
    MinutesForm,
    OutcomeForm,
    ReasonForm,
    RecommendationForm,
    SmallTalkForm,
    SpecialistForm,
)
from sip.working_groups.models import (
    EDITABLE_STATES,
    GROUP_ROLE_LABELS,
    GROUP_STATE_LABELS,
    GROUP_TRANSITIONS,
    PUBLIC_STATES,
    RECOMMENDATION_STATE_LABELS,
    SPECIALIST_KIND_LABELS,
    Document,
    GroupMembership,
    GroupRole,
    GroupState,
    Meeting,
    MeetingKind,
    MembershipStatus,
    Recommendation,
    RecommendationState,
    SpecialistRequest,
    WorkingGroup,
)
from sip.working_groups.permissions import GroupsPermission as P
from sip.working_groups.timeline import timeline

LABELS = {
    "group_state_labels": GROUP_STATE_LABELS,
    "group_role_labels": GROUP_ROLE_LABELS,
    "recommendation_state_labels": RECOMMENDATION_STATE_LABELS,
    "specialist_kind_labels": SPECIALIST_KIND_LABELS,
}


# -- loaders for permission checks (the identity map serves the view's own load) ------------
def _group(group_id: int, **_kw) -> WorkingGroup:
    return db.get_or_404(WorkingGroup, group_id)


def _meeting(meeting_id: int, **_kw) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _meeting_group(meeting_id: int, **_kw) -> WorkingGroup:
    meeting = _meeting(meeting_id)
    if meeting.group is None:
        abort(404)
    return meeting.group


def _document_group(document_id: int, **_kw) -> WorkingGroup:
    return db.get_or_404(Document, document_id).group


def _recommendation(recommendation_id: int, **_kw) -> Recommendation:
    return db.get_or_404(Recommendation, recommendation_id)


def _recommendation_group(recommendation_id: int, **_kw) -> WorkingGroup:
    return _recommendation(recommendation_id).group


def _specialist_group(request_id: int, **_kw) -> WorkingGroup:
    return db.get_or_404(WorkingGroup, db.get_or_404(SpecialistRequest, request_id).group_id)


def _membership(group: WorkingGroup, membership_id: int) -> GroupMembership:
    membership = db.get_or_404(GroupMembership, membership_id)
    if membership.group_id != group.id:
        abort(404)
    return membership


# -- groups ------------------------------------------------------------------------------


@bp.get("/")
@require(P.LIST)
def index():
    """The groups this visitor may see: all for members, theirs for experts, submitted ones for all."""
    query = sa.select(WorkingGroup).order_by(WorkingGroup.created_at.desc(), WorkingGroup.id.desc())
    if not current_user.is_authenticated:
        query = query.where(WorkingGroup.state.in_(PUBLIC_STATES))
    elif not allowed("cycles:cycle:view") and not allowed("wg:group:administer"):
        mine = sa.select(GroupMembership.group_id).where(
            GroupMembership.member_id == current_user.id,
            GroupMembership.status == MembershipStatus.ACCEPTED,
        )
        query = query.where(
            sa.or_(WorkingGroup.state.in_(PUBLIC_STATES), WorkingGroup.id.in_(mine))
        )
    state = request.args.get("state", "")
    if state in GroupState.__members__.values():
        query = query.where(WorkingGroup.state == state)
    page = db.paginate(
        query, page=page_number(), per_page=current_app.config["GROUPS_PER_PAGE"], error_out=False
    )
    args = list_args()
    return render(
        "working_groups/index.html",
        page=page,
        args=args,
        state=state,
        GroupState=GroupState,
        **LABELS,
    )


def _group_page(group: WorkingGroup, status: int = 200, **forms):
    can_manage = allowed(P.MANAGE, group)
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.group_id == group.id)
        .order_by(Recommendation.id)
    ).all()
    can_contribute = allowed(P.CONTRIBUTE, group)
    if not can_contribute:
        recommendations = [r for r in recommendations if r.state not in EDITABLE_STATES]
    for name, form_cls in (
        ("join_form", JoinForm),
        ("reason_form", ReasonForm),
        ("expert_form", EmailForm),
        ("moderator_form", EmailForm),
        ("specialist_form", SpecialistForm),
        ("outcome_form", OutcomeForm),
    ):
        forms.setdefault(name, form_cls(formdata=None))
    by_role = {role: [m for m in group.members if m.role == role] for role in GroupRole}
    return render(
        "working_groups/group.html",
        group=group,
        by_role=by_role,
        requests=[m for m in group.memberships if m.status == MembershipStatus.REQUESTED],
        my_membership=group.membership_of(current_user),
        problems=services.composition_problems(group)
        if group.state in (GroupState.FORMING,)
        else [],
        transitions=sorted(GROUP_TRANSITIONS[group.state], key=list(GroupState).index)
        if can_manage
        else [],
        meetings=db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.group_id == group.id)
            .order_by(Meeting.starts_at.desc())
        ).all(),
        documents=db.session.scalars(
            sa.select(Document).where(Document.group_id == group.id).order_by(Document.id)
        ).all(),
        specialists=db.session.scalars(
            sa.select(SpecialistRequest)
            .where(SpecialistRequest.group_id == group.id)
            .order_by(SpecialistRequest.id)
        ).all(),
        recommendations=recommendations,
        forum_category=_forum_category(group),
        can_manage=can_manage,
        can_contribute=can_contribute,
        confirm_form=ConfirmForm(),
        MembershipStatus=MembershipStatus,
        GroupState=GroupState,
        status=status,
        **forms,
        **LABELS,
    )


def _forum_category(group: WorkingGroup):
    from sip.forum.models import Category  # the forum builds on groups, not the reverse

    if not current_user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Category).where(Category.group_id == group.id))


@bp.get("/<int:group_id>")
@require(P.VIEW, load=_group)
def group(group_id: int):
    """A group: its mandate, members by role, meetings, documents and recommendations.

    :raise 404: for an unknown group.
    """
    return _group_page(_group(group_id))


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE, load=_group)
def edit(group_id: int):
    group = _group(group_id)
    form = GroupForm(obj=group)
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.update_group(
                group,
                current_user,
                name=form.name.data,
                mandate=form.mandate.data,
                deadline=form.deadline.data,
            ),
            _("Saved."),
            url_for("working_groups.group", group_id=group.id),
        )
        if done:
            return done
    return render(
        "working_groups/group_form.html",
        form=form,
        group=group,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/<int:group_id>/state/<to>")
@require(P.MANAGE, load=_group)
def change_state(group_id: int, to: str):
    """Move the group along its transition table.

    :raise 404: for an unknown state.
    """
    group = _group(group_id)
    try:
        target = GroupState(to)
    except ValueError:
        abort(404)
    form = ConfirmForm()
    done = run_form(
        form,
        lambda: services.transition(group, target, current_user),
        _("The group is now “%(state)s”.", state=GROUP_STATE_LABELS[target]),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


@bp.post("/<int:group_id>/join")
@require(P.JOIN, load=_group)
def join(group_id: int):
    group = _group(group_id)
    form = JoinForm()
    done = run_form(
        form,
        lambda: services.request_to_join(group, current_user, form.message.data or ""),
        _("Your request is sent to the group's moderator."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, join_form=form)


@bp.post("/<int:group_id>/leave")
@require(P.CONTRIBUTE, load=_group)
def leave(group_id: int):
    group = _group(group_id)
    membership = group.membership_of(current_user)
    if membership is None:
        abort(403)
    done = run_form(
        ConfirmForm(),
        lambda: services.remove_member(membership, current_user),
        _("You have left the group."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


@bp.post("/<int:group_id>/requests/<int:membership_id>/accept")
@require(P.MANAGE, load=_group)
def accept(group_id: int, membership_id: int):
    """:raise 404: for a request of another group."""
    group = _group(group_id)
    membership = _membership(group, membership_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.accept_request(membership, current_user),
        _("%(name)s joins the group.", name=membership.member.name),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


@bp.post("/<int:group_id>/requests/<int:membership_id>/decline")
@require(P.MANAGE, load=_group)
def decline(group_id: int, membership_id: int):
    """:raise 404: for a request of another group."""
    group = _group(group_id)
    membership = _membership(group, membership_id)
    form = ReasonForm()
    done = run_form(
        form,
        lambda: services.decline_request(membership, current_user, form.reason.data),
        _("The request is declined."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, reason_form=form)


@bp.post("/<int:group_id>/members/<int:membership_id>/remove")
@require(P.MANAGE, load=_group)
def remove(group_id: int, membership_id: int):
    """:raise 404: for a member of another group."""
    group = _group(group_id)
    membership = _membership(group, membership_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.remove_member(membership, current_user),
        _("%(name)s is no longer in the group.", name=membership.member.name),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422)


def _by_email(form) -> object:
    member = find_by_email(form.email.data)
    if member is None:
        raise ServiceError(_("No member has this email address."), "email")
    return member


@bp.post("/<int:group_id>/experts")
@require(P.MANAGE, load=_group)
def invite_expert(group_id: int):
    group = _group(group_id)
    form = EmailForm(prefix="expert")
    done = run_form(
        form,
        lambda: services.invite_expert(group, _by_email(form), current_user),
        _("The expert is invited to the group."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, expert_form=form)


@bp.post("/<int:group_id>/moderator")
@require(P.ADMINISTER)
def appoint_moderator(group_id: int):
    group = _group(group_id)
    form = EmailForm(prefix="moderator")
    done = run_form(
        form,
        lambda: services.appoint_moderator(group, _by_email(form), current_user),
        _("The group has a new moderator."),
        url_for("working_groups.group", group_id=group.id),
    )
    return done or _group_page(_group(group_id), status=422, moderator_form=form)


# -- meetings and small talks --------------------------------------------------------------


def _meeting_values(form) -> dict:
    return {
        "title": form.title.data,
        "starts_at": local_to_utc(form.starts_at.data),
        "ends_at": local_to_utc(form.ends_at.data),
        "place": form.place.data or "",
        "online_url": form.online_url.data or "",
        "agenda": form.agenda.data or "",
    }


@bp.route("/<int:group_id>/meetings/new", methods=["GET", "POST"])
@require(P.MANAGE, load=_group)
def new_meeting(group_id: int):
    group = _group(group_id)
    form = MeetingForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.schedule_meeting(current_user, group=group, **_meeting_values(form)),
            _("The meeting is scheduled."),
            lambda created: url_for("working_groups.meeting", meeting_id=created.id),
        )
        if done:
            return done
    return render(
        "working_groups/meeting_form.html",
        form=form,
        group=group,
        meeting=None,
        status=422 if request.method == "POST" else 200,
    )


@bp.get("/small-talks")
@require(P.LIST_SMALL_TALKS)
def small_talks():
    """Small talks, those in the member's own office first."""
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.kind == MeetingKind.SMALL_TALK)
        .order_by(Meeting.starts_at.desc())
    ).all()
    mine = [m for m in meetings if m.office_id == current_user.office_id]
    others = [m for m in meetings if m.office_id != current_user.office_id]
    return render("working_groups/small_talks.html", mine=mine, others=others, now=utcnow())


@bp.route("/small-talks/new", methods=["GET", "POST"])
@require(P.CREATE_SMALL_TALK)
def new_small_talk():
    form = SmallTalkForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.schedule_meeting(
                current_user,
                office=form.office.object,
                topic=form.topic_object,
                **_meeting_values(form),
            ),
            _("The small talk is scheduled."),
            lambda created: url_for("working_groups.meeting", meeting_id=created.id),
        )
        if done:
            return done
    return render(
        "working_groups/meeting_form.html",
        form=form,
        group=None,
        meeting=None,
        status=422 if request.method == "POST" else 200,
    )


def _meeting_page(meeting: Meeting, status: int = 200):
    return render(
        "working_groups/meeting.html",
        meeting=meeting,
        registered=current_user.is_authenticated
        and any(r.member_id == current_user.id for r in meeting.registrations),
        started=meeting.starts_at <= utcnow(),
        confirm_form=ConfirmForm(),
        status=status,
        **LABELS,
    )


@bp.get("/meetings/<int:meeting_id>")
@require(P.VIEW_MEETING, load=_meeting)
def meeting(meeting_id: int):
    """:raise 404: for an unknown meeting."""
    return _meeting_page(_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE_MEETING, load=_meeting)
def edit_meeting(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        form.starts_at.data = utc_to_local(meeting.starts_at)
        form.ends_at.data = utc_to_local(meeting.ends_at)
    else:
        done = run_form(
            form,
            lambda: services.update_meeting(meeting, current_user, **_meeting_values(form)),
            _("Saved."),
            url_for("working_groups.meeting", meeting_id=meeting.id),
        )
        if done:
            return done
    return render(
        "working_groups/meeting_form.html",
        form=form,
        group=meeting.group,
        meeting=meeting,
        status=422 if request.method == "POST" else 200,
    )


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@require(P.MANAGE_MEETING, load=_meeting)
def minutes(meeting_id: int):
    """After the meeting: who was there, and the minutes."""
    meeting = _meeting(meeting_id)
    candidates = services.attendance_candidates(meeting)
    form = MinutesForm(obj=meeting)
    form.present.choices = [(m.id, m.name) for m in candidates]
    if request.method == "GET":
        form.present.data = [r.member_id for r in meeting.registrations if r.attended]
    else:
        done = run_form(
            form,
            lambda: services.record_minutes(
                meeting,
                current_user,
                minutes=form.minutes.data or "",
                present_ids=set(form.present.data or []),
            ),
            _("Minutes and attendance saved."),
            url_for("working_groups.meeting", meeting_id=meeting.id),
        )
        if done:
            return done
    return render(
        "working_groups/minutes_form.html",
        form=form,
        meeting=meeting,
        status=422 if form.errors or request.method == "POST" else 200,
    )


@bp.post("/meetings/<int:meeting_id>/register")
@require(P.REGISTER, load=_meeting)
def register(meeting_id: int):
    meeting = _meeting(meeting_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.register(meeting, current_user),
        _("You are registered."),
        url_for("working_groups.meeting", meeting_id=meeting.id),
    )
    return done or _meeting_page(_meeting(meeting_id), status=422)


@bp.post("/meetings/<int:meeting_id>/unregister")
@require(P.REGISTER, load=_meeting)
def unregister(meeting_id: int):
    meeting = _meeting(meeting_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.unregister(meeting, current_user),
        _("Your registration is cancelled."),
        url_for("working_groups.meeting", meeting_id=meeting.id),
    )
    return done or _meeting_page(_meeting(meeting_id), status=422)


@bp.get("/meetings/<int:meeting_id>.ics")
@require(P.VIEW_MEETING, load=_meeting)
def meeting_ics(meeting_id: int):
    """The meeting as an iCalendar file, for any calendar application."""
    meeting = _meeting(meeting_id)
    url = url_for("working_groups.meeting", meeting_id=meeting.id, _external=True)
    response = make_response(ical.meeting_calendar(meeting, url))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="sip-meeting-{meeting.id}.ics"'
    return response


# -- documents and specialists -------------------------------------------------------------


@bp.route("/<int:group_id>/documents/new", methods=["GET", "POST"])
@require(P.CONTRIBUTE, load=_group)
def new_document(group_id: int):
    group = _group(group_id)
    form = DocumentForm()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.create_document(
                group, current_user, title=form.title.data, body=form.body.data
            ),
            _("The document is saved."),
            lambda created: url_for("working_groups.document", document_id=created.id),
        )
        if done:
            return done
    return render(
        "working_groups/document_form.html",
        form=form,
        group=group,
        document=None,
        status=422 if request.method == "POST" else 200,
    )


@bp.get("/documents/<int:document_id>")
@require(P.VIEW, load=_document_group)
def document(document_id: int):
    """A document, at its latest revision or at ``?revision=N``.

    :raise 404: for an unknown document or revision.
    """
    doc = db.get_or_404(Document, document_id)
    number = request.args.get("revision", type=int)
    revision = (
        doc.current
        if number is None
        else next((r for r in doc.revisions if r.number == number), None)
    )
    if revision is None:
        abort(404)
    return render(
        "working_groups/document.html",
        document=doc,
        revision=revision,
        can_contribute=allowed(P.CONTRIBUTE, doc.group),
    )


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@require(P.CONTRIBUTE, load=_document_group)
def edit_document(document_id: int):
    doc = db.get_or_404(Document, document_id)
    form = (
        DocumentForm(title=doc.current.title, body=doc.current.body)
        if request.method == "GET"
        else DocumentForm()
    )
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.edit_document(
                doc, current_user, title=form.title.data, body=form.body.data
            ),
            _("The document is saved."),
            url_for("working_groups.document", document_id=doc.id),
        )
        if done:
            return done
    return render(
        "working_groups/document_form.html",
        form=form,
        group=doc.group,
        document=doc,
        status=422 if request.method == "POST" else 200,
    )


@bp.get("/documents/<int:document_id>/history")
@require(P.VIEW, load=_document_group)
def document_history(document_id: int):
    doc = db.get_or_404(Document, document_id)
    a, b = request.args.get("from", type=int), request.args.get("to", type=int)
    diff = None
    if a and b:
        old = next((r for r in doc.revisions if r.number == a), None)
        new = next((r for r in doc.revisions if r.number == b), None)
        if old is None or new is None:
            abort(404)
        diff = (old, new, render_diff(old.body, new.body))
    return render("working_groups/document_history.html", document=doc, diff=diff)


@bp.post("/<int:group_id>/specialists")
@require(P.CONTRIBUTE, load=_group)
def request_specialist(group_id: int):
    group = _group(group_id)
    form = SpecialistForm()
    done = run_form(
        form,
        lambda: services.request_specialist(
            group, current_user, kind=form.kind.data, description=form.description.data
        ),
        _("The request is recorded."),
        url_for("working_groups.group", group_id=group.id) + "#specialists",
    )
    return done or _group_page(_group(group_id), status=422, specialist_form=form)


@bp.post("/specialists/<int:request_id>/outcome")
@require(P.MANAGE, load=_specialist_group)
def specialist_outcome(request_id: int):
    req = db.get_or_404(SpecialistRequest, request_id)
    form = OutcomeForm()
    done = run_form(
        form,
        lambda: services.record_specialist_outcome(req, current_user, form.outcome.data),
        _("The outcome is recorded."),
        url_for("working_groups.group", group_id=req.group_id) + "#specialists",
    )
    return done or _group_page(_group(req.group_id), status=422, outcome_form=form)


# -- recommendations -----------------------------------------------------------------------


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
