"""General assembly pages. Each view: load, check access, call one service, render or
redirect. Results are shown only for closed resolutions (``P.RESULTS``)."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import Response as HTTPResponse
from flask import abort, flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.assembly import bp, rules, services
from sip.assembly.forms import (
    BASIS_LABELS,
    DOCUMENT_LABELS,
    KIND_LABELS,
    RESOLUTION_LABELS,
    SCHEME_LABELS,
    AssemblyForm,
    DocumentForm,
    EmailForm,
    ResolutionForm,
)
from sip.assembly.models import (
    Assembly,
    AssemblyAttendance,
    AssemblyDocument,
    AssemblyState,
    AttendanceMode,
    Ballot,
    BallotApproval,
    DocumentKind,
    Proxy,
    ProxyState,
    Resolution,
    ResolutionKind,
)
from sip.assembly.permissions import AssemblyPermission as P
from sip.assembly.rules import Choice
from sip.board.models import SeatGroup
from sip.db import local_to_utc, utc_to_local, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.forms import ConfirmForm
from sip.members.models import College, Member
from sip.members.services import find_by_email
from sip.web import id_or_none, render, run_form, see_other


def _labels():
    from flask_babel import lazy_gettext as _l

    return {Choice.FOR: _l("For"), Choice.AGAINST: _l("Against"), Choice.ABSTAIN: _l("Abstain")}


def _assembly(assembly_id: int, **_kw) -> Assembly:
    return db.get_or_404(Assembly, assembly_id)


def _resolution(assembly_id: int, resolution_id: int, **_kw) -> Resolution:
    resolution = db.get_or_404(Resolution, resolution_id)
    if resolution.assembly_id != assembly_id:
        abort(404)
    return resolution


def _me() -> Member:
    return current_user._get_current_object()


@bp.get("/")
@require(P.VIEW)
def index():
    """Assemblies, the next first."""
    rows = db.session.scalars(
        sa.select(Assembly)
        .where(Assembly.state != AssemblyState.DRAFT)
        .order_by(Assembly.starts_at.desc())
    ).all()
    drafts = (
        db.session.scalars(
            sa.select(Assembly).where(Assembly.state == AssemblyState.DRAFT).order_by(Assembly.id)
        ).all()
        if allowed(P.MANAGE)
        else []
    )
    return render("assembly/index.html", assemblies=rows, drafts=drafts, kind_labels=KIND_LABELS)


# -- preparing ------------------------------------------------------------------------------


def _weights_from(form_data) -> dict:
    weights = {}
    for college in db.session.scalars(sa.select(College)):
        raw = (form_data.get(f"weight-{college.id}") or "").strip().replace(",", ".")
        if raw:
            weights[str(college.id)] = raw
    return weights


def _values(form) -> dict:
    weights = _weights_from(request.form)  # checked by the service
    return {
        "title": form.title.data,
        "kind": form.kind.data,
        "starts_at": local_to_utc(form.starts_at.data),
        "place": form.place.data or "",
        "online_url": form.online_url.data or "",
        "convocation_on": form.convocation_on.data,
        "second_convocation": form.second_convocation.data,
        "advance_voting_from": local_to_utc(form.advance_voting_from.data),
        "proxy_deadline": local_to_utc(form.proxy_deadline.data),
        "intro": form.intro.data or "",
        "scheme": form.scheme.data,
        "college_weights": weights,
        "empty_college": form.empty_college.data,
        "abstentions_count": form.abstentions_count.data,
        "share_cap": form.share_cap.data,
        "quorum_basis": form.quorum_basis.data,
        "quorum_fraction": form.quorum_fraction.data,
        "proxy_cap": form.proxy_cap.data,
    }


def _form_page(form, assembly=None, status=200, weights=None):
    colleges = db.session.scalars(sa.select(College).order_by(College.position)).all()
    if weights is None:
        weights = (
            assembly.college_weights if assembly else services.default_rules()["college_weights"]
        )
    return render(
        "assembly/form.html",
        form=form,
        assembly=assembly,
        colleges=colleges,
        weights=weights,
        status=status,
    )


@bp.route("/new", methods=["GET", "POST"])
@require(P.MANAGE)
def new():
    """A new assembly with the co-operative's default rules."""
    form = AssemblyForm()
    if request.method == "GET":
        defaults = services.default_rules()
        for key in (
            "scheme",
            "empty_college",
            "abstentions_count",
            "share_cap",
            "quorum_basis",
            "quorum_fraction",
            "proxy_cap",
        ):
            getattr(form, key).data = defaults[key]
    done = run_form(
        form,
        lambda: services.create_assembly(_me(), **_values(form)),
        _("The assembly is created: add its documents and agenda, then convene the members."),
        lambda a: url_for("assembly.assembly", assembly_id=a.id),
    )
    return done or _form_page(
        form,
        status=422 if request.method == "POST" else 200,
        weights=_weights_from(request.form) if request.method == "POST" else None,
    )


@bp.route("/<int:assembly_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE, load=_assembly)
def edit(assembly_id: int):
    """:raise 404: for an unknown assembly."""
    assembly = _assembly(assembly_id)
    form = AssemblyForm(obj=assembly if request.method == "GET" else None)
    if request.method == "GET":
        form.starts_at.data = utc_to_local(assembly.starts_at)
        form.advance_voting_from.data = utc_to_local(assembly.advance_voting_from)
        form.proxy_deadline.data = utc_to_local(assembly.proxy_deadline)
    done = run_form(
        form,
        lambda: services.update_assembly(assembly, _me(), **_values(form)),
        _("Saved."),
        url_for("assembly.assembly", assembly_id=assembly.id),
    )
    return done or _form_page(
        form,
        assembly,
        422 if request.method == "POST" else 200,
        weights=_weights_from(request.form) if request.method == "POST" else None,
    )


@bp.get("/<int:assembly_id>")
@require(P.VIEW, load=_assembly)
def assembly(assembly_id: int):
    """The assembly: its details, documents and agenda; the member's college and weight,
    their proxies and whom they vote for; attendance and quorum; the chair's controls.

    :raise 404: for an unknown assembly, or a draft for members.
    """
    return _page(_assembly(assembly_id))


def _page(assembly: Assembly, status: int = 200, **forms):
    manage = allowed(P.MANAGE)
    if assembly.state == AssemblyState.DRAFT and not manage:
        abort(404)
    me = _me()
    mine = services.live_proxy(assembly, me)
    pending = db.session.scalars(
        sa.select(Proxy).where(
            Proxy.assembly_id == assembly.id,
            Proxy.holder_id == me.id,
            Proxy.state == ProxyState.PENDING,
        )
    ).all()
    voters = services.may_vote_for(assembly, me)
    voted = services.voted_in_each(assembly, [v.id for v in voters])
    done = {r.id: voted.get(r.id, set()) for r in assembly.resolutions}
    resolution_form = forms.get("resolution_form") or ResolutionForm(formdata=None)
    resolution_form.set_choices(
        services.agenda_recommendations(),
        db.session.scalars(sa.select(SeatGroup).order_by(SeatGroup.position)).all(),
    )
    present = db.session.get(AssemblyAttendance, {"assembly_id": assembly.id, "member_id": me.id})
    return render(
        "assembly/assembly.html",
        assembly=assembly,
        manage=manage,
        me=me,
        weight=services.weight_of(assembly, me),
        mine=mine,
        pending=pending,
        held=services.held(assembly, me),
        voters=voters,
        done=done,
        present=present,
        now=utcnow(),
        check_in_open=utcnow() >= assembly.starts_at - timedelta(hours=1),
        window_open=services.window_open,
        voting_opened=services.voting_opened(assembly),
        short_notice=services.short_notice(assembly),
        counts=services.turnout(assembly) if assembly.state != AssemblyState.DRAFT else None,
        quorum_of=services.quorum_of,
        proxy_form=forms.get("proxy_form") or EmailForm(prefix="proxy", formdata=None),
        attendance_form=forms.get("attendance_form") or EmailForm(prefix="present", formdata=None),
        document_form=forms.get("document_form") or DocumentForm(formdata=None),
        resolution_form=resolution_form,
        confirm_form=ConfirmForm(),
        kind_labels=KIND_LABELS,
        scheme_labels=SCHEME_LABELS,
        basis_labels=BASIS_LABELS,
        resolution_labels=RESOLUTION_LABELS,
        document_labels=DOCUMENT_LABELS,
        status=status,
    )


def _act(assembly: Assembly, form, action, message: str, anchor: str = "", form_name: str = ""):
    done = run_form(
        form, action, message, url_for("assembly.assembly", assembly_id=assembly.id) + anchor
    )
    if done:
        return done
    return _page(_assembly(assembly.id), status=422, **({form_name: form} if form_name else {}))


@bp.post("/<int:assembly_id>/documents")
@require(P.MANAGE, load=_assembly)
def add_document(assembly_id: int):
    assembly = _assembly(assembly_id)
    form = DocumentForm()

    def add():
        from sip.surveys.models import Survey

        survey = db.session.get(Survey, form.survey.data) if form.survey.data else None
        return services.add_document(
            assembly,
            _me(),
            kind=DocumentKind(form.kind.data),
            title=form.title.data,
            body=form.body.data or "",
            survey=survey,
        )

    return _act(assembly, form, add, _("The document is added."), "#documents", "document_form")


@bp.post("/<int:assembly_id>/documents/<int:document_id>/remove")
@require(P.MANAGE, load=_assembly)
def remove_document(assembly_id: int, document_id: int):
    """:raise 404: for a document of another assembly."""
    assembly = _assembly(assembly_id)
    document = db.get_or_404(AssemblyDocument, document_id)
    if document.assembly_id != assembly.id:
        abort(404)
    return _act(
        assembly,
        ConfirmForm(),
        lambda: services.remove_document(document, _me()),
        _("Removed."),
        "#documents",
    )


@bp.post("/<int:assembly_id>/resolutions")
@require(P.MANAGE, load=_assembly)
def add_resolution(assembly_id: int):
    from sip.working_groups.models import Recommendation

    assembly = _assembly(assembly_id)
    form = ResolutionForm()
    form.set_choices(
        services.agenda_recommendations(),
        db.session.scalars(sa.select(SeatGroup).order_by(SeatGroup.position)).all(),
    )

    def add():
        emails = [e.strip() for e in (form.candidates.data or "").splitlines() if e.strip()]
        candidates = []
        for email in emails:
            member = find_by_email(email)
            if member is None:
                raise ServiceError(
                    _("No member has the address %(email)s.", email=email), "candidates"
                )
            candidates.append(member)
        return services.add_resolution(
            assembly,
            _me(),
            kind=ResolutionKind(form.kind.data),
            title=form.title.data or "",
            text=form.text.data or "",
            recommendation=db.session.get(Recommendation, form.recommendation.data)
            if form.recommendation.data
            else None,
            seat_group=db.session.get(SeatGroup, form.seat_group.data)
            if form.seat_group.data
            else None,
            seats=form.seats.data,
            candidates=candidates,
        )

    return _act(
        assembly, form, add, _("The resolution is on the agenda."), "#agenda", "resolution_form"
    )


@bp.post("/<int:assembly_id>/resolutions/<int:resolution_id>/remove")
@require(P.MANAGE, load=_assembly)
def remove_resolution(assembly_id: int, resolution_id: int):
    """:raise 404: for a resolution of another assembly."""
    assembly = _assembly(assembly_id)
    resolution = _resolution(assembly_id, resolution_id)
    return _act(
        assembly,
        ConfirmForm(),
        lambda: services.remove_resolution(resolution, _me()),
        _("Removed."),
        "#agenda",
    )


@bp.post("/<int:assembly_id>/convene")
@require(P.MANAGE, load=_assembly)
def convene(assembly_id: int):
    assembly = _assembly(assembly_id)
    return _act(
        assembly,
        ConfirmForm(),
        lambda: services.convene(assembly, _me()),
        lambda n: _("The members are convened: %(n)d notified.", n=n),
    )


# -- proxies and attendance -----------------------------------------------------------------


@bp.post("/<int:assembly_id>/proxies")
@require(P.TAKE_PART, load=_assembly)
def appoint_proxy(assembly_id: int):
    """Appoint a proxy (``proxy-email``)."""
    assembly = _assembly(assembly_id)
    form = EmailForm(prefix="proxy")
    return _act(
        assembly,
        form,
        lambda: services.appoint_proxy(assembly, _me(), find_by_email(form.email.data)),
        _("Your proxy is asked: they must accept."),
        "#proxies",
        "proxy_form",
    )


def _proxy(assembly_id: int, proxy_id: int) -> Proxy:
    proxy = db.get_or_404(Proxy, proxy_id)
    if proxy.assembly_id != assembly_id:
        abort(404)
    return proxy


@bp.post("/<int:assembly_id>/proxies/<int:proxy_id>/<any(accept, decline, withdraw):action>")
@require(P.TAKE_PART, load=_assembly)
def answer_proxy(assembly_id: int, proxy_id: int, action: str):
    """The holder accepts or declines; the grantor withdraws.

    :raise 404: for a proxy of another assembly.
    """
    assembly = _assembly(assembly_id)
    proxy = _proxy(assembly_id, proxy_id)
    act = {
        "accept": (services.accept_proxy, _("You will vote for this member.")),
        "decline": (services.decline_proxy, _("Declined.")),
        "withdraw": (services.withdraw_proxy, _("Your proxy is withdrawn: you vote yourself.")),
    }[action]
    return _act(assembly, ConfirmForm(), lambda: act[0](proxy, _me()), act[1], "#proxies")


@bp.post("/<int:assembly_id>/check-in")
@require(P.TAKE_PART, load=_assembly)
def check_in(assembly_id: int):
    """The member checks in online."""
    assembly = _assembly(assembly_id)
    return _act(
        assembly,
        ConfirmForm(),
        lambda: services.check_in(assembly, _me()),
        _("You are recorded as present."),
        "#attendance",
    )


@bp.post("/<int:assembly_id>/attendance")
@require(P.MANAGE, load=_assembly)
def record_attendance(assembly_id: int):
    """The chair records a member present in person (``present-email``)."""
    assembly = _assembly(assembly_id)
    form = EmailForm(prefix="present")

    def record():
        member = find_by_email(form.email.data)
        if member is None:
            raise ServiceError(_("No member has this email address."), "email")
        return services.check_in(assembly, member, mode=AttendanceMode.IN_PERSON, recorded_by=_me())

    return _act(assembly, form, record, _("Recorded as present."), "#attendance", "attendance_form")


@bp.get("/<int:assembly_id>/quorum")
@require(P.VIEW, load=_assembly)
def quorum(assembly_id: int):
    """Attendance and quorum, for htmx to refresh: counts of members, never of votes."""
    assembly = _assembly(assembly_id)
    if assembly.state == AssemblyState.DRAFT:
        abort(404)
    return render(
        "assembly/_quorum.html",
        assembly=assembly,
        counts=services.turnout(assembly),
        quorum_of=services.quorum_of,
    )


# -- voting ---------------------------------------------------------------------------------


@bp.route("/<int:assembly_id>/resolutions/<int:resolution_id>/vote", methods=["GET", "POST"])
@require(P.TAKE_PART, load=_assembly)
def vote(assembly_id: int, resolution_id: int):
    """The ballot: for the member and each member they represent, one at a time. A cast
    redirects to this page, which shows its receipt once (carried in the session cookie,
    never stored on the server).

    :raise 404: for a resolution of another assembly, or of an assembly being prepared.
    """
    assembly = _assembly(assembly_id)
    if assembly.state == AssemblyState.DRAFT and not allowed(P.MANAGE):
        abort(404)
    resolution = _resolution(assembly_id, resolution_id)
    me = _me()
    status = 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        voter = db.session.get(Member, id_or_none(request.form.get("voter")) or 0)
        try:
            if voter is None:
                raise ServiceError(_("You do not vote for this member."))
            approvals = [i for i in (id_or_none(v) for v in request.form.getlist("approve")) if i]
            receipt = services.cast(
                resolution, me, voter, choice=request.form.get("choice"), approvals=approvals
            )
            voter_id = voter.id
            db.session.commit()
        except ServiceError as refused:
            db.session.rollback()
            flash(refused.message, "error")
            status = 422
        except sa.exc.IntegrityError:  # the same vote cast twice at the same moment
            db.session.rollback()
            flash(_("This vote has been cast already."), "error")
            status = 409
        except sa.exc.OperationalError:  # the database was too busy to take it in time
            db.session.rollback()
            flash(
                _("Your vote could not be recorded: nothing was counted. Please try again."),
                "error",
            )
            status = 503
        else:
            session.setdefault("receipts", []).append([resolution_id, voter_id, receipt])
            session.modified = True
            return see_other(
                url_for("assembly.vote", assembly_id=assembly_id, resolution_id=resolution_id)
            )
    receipts = [r for r in session.get("receipts", []) if r[0] == resolution.id]
    if receipts:
        session["receipts"] = [r for r in session.get("receipts", []) if r[0] != resolution.id]
    voters = services.may_vote_for(assembly, me)
    names = {v.id: v.name for v in voters}
    return render(
        "assembly/vote.html",
        assembly=assembly,
        resolution=resolution,
        voters=voters,
        done=services.voted(resolution, [v.id for v in voters]),
        receipts=[(voter_id, names.get(voter_id, ""), code) for _r, voter_id, code in receipts],
        is_open=services.window_open(resolution),
        choices=_labels(),
        confirm_form=ConfirmForm(),
        status=status,
    )


@bp.post("/<int:assembly_id>/resolutions/<int:resolution_id>/<any(open, close):action>")
@require(P.MANAGE, load=_assembly)
def open_or_close(assembly_id: int, resolution_id: int, action: str):
    """The chair opens a resolution to the vote, or closes it and publishes its result.

    :raise 404: for a resolution of another assembly.
    """
    assembly = _assembly(assembly_id)
    resolution = _resolution(assembly_id, resolution_id)
    if action == "open":
        return _act(
            assembly,
            ConfirmForm(),
            lambda: services.open_resolution(resolution, _me()),
            _("The vote is open."),
            f"#resolution-{resolution.id}",
        )
    done = run_form(
        ConfirmForm(),
        lambda: services.close_resolution(resolution, _me()),
        _("The vote is closed and its result published."),
        url_for("assembly.results", assembly_id=assembly.id, resolution_id=resolution.id),
    )
    return done or _page(_assembly(assembly.id), status=422)


@bp.post("/<int:assembly_id>/certify")
@require(P.MANAGE, load=_assembly)
def certify(assembly_id: int):
    assembly = _assembly(assembly_id)
    return _act(
        assembly,
        ConfirmForm(),
        lambda: services.certify(assembly, _me()),
        _("The results are certified."),
    )


# -- results --------------------------------------------------------------------------------


@bp.get("/<int:assembly_id>/resolutions/<int:resolution_id>/results")
@require(P.RESULTS, load=_resolution)
def results(assembly_id: int, resolution_id: int):
    """The result of a closed resolution: per college, raw counts and weighted shares, the
    rule, the quorum, the outcome, a chart; and the check of a receipt (``receipt``).

    :raise 403: before the resolution is closed, for everyone.
    :raise 404: for a resolution of another assembly.
    """
    resolution = _resolution(assembly_id, resolution_id)
    code = (request.args.get("receipt") or "").strip()[:40]
    found = None
    if code:
        found = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Ballot)
                .where(
                    Ballot.resolution_id == resolution.id,
                    Ballot.receipt_hash == services.receipt_hash(code),
                )
            )
            > 0
        )
    result = resolution.result or {}
    from sip.actions.models import Action
    from sip.actions.services import adopted

    return render(
        "assembly/results.html",
        actions=db.session.scalars(
            sa.select(Action).where(Action.resolution_id == resolution.id).order_by(Action.due_on)
        ).all(),
        can_add_action=adopted(resolution) and allowed("actions:manage"),
        assembly=resolution.assembly,
        resolution=resolution,
        result=result,
        bars=_result_bars(result),
        score=_score,
        receipt=code,
        found=found,
        scheme_labels=SCHEME_LABELS,
        choices=_labels(),
        percent=_percent,
    )


def _result_bars(result: dict) -> list:
    """(label, ballots, percent) of each option of the weighted result, for the chart."""
    labels = {**_labels(), "absent": _("Absent categories")}
    out = []
    for key, value in (result.get("percent") or {}).items():
        ballots = sum(c.get("ballots", {}).get(key, 0) for c in result.get("colleges", []))
        out.append((str(labels.get(key, key)), ballots, Decimal(value)))
    return out


def _score(text: str) -> str:
    """A candidate's weighted approvals: a whole number, or a share in percent."""
    from fractions import Fraction

    value = Fraction(text)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{rules.percent(value)} %"


def _percent(fraction_text: str) -> str:
    from fractions import Fraction

    return str(rules.percent(Fraction(fraction_text)))


@bp.get("/<int:assembly_id>/resolutions/<int:resolution_id>/results.json")
@require(P.RESULTS, load=_resolution)
def results_json(assembly_id: int, resolution_id: int):
    """The published result: counts per college and choice, weights, rules, quorum, outcome.

    :raise 403: before the resolution is closed.
    """
    resolution = _resolution(assembly_id, resolution_id)
    return HTTPResponse(
        json.dumps(resolution.result, indent=2, sort_keys=True),
        mimetype="application/json",
    )


@bp.get("/<int:assembly_id>/resolutions/<int:resolution_id>/ballots.csv")
@require(P.RESULTS, load=_resolution)
def ballots_csv(assembly_id: int, resolution_id: int):
    """One anonymous row per ballot, in the order of their receipt hashes: anyone recounts.

    :raise 403: before the resolution is closed.
    """
    resolution = _resolution(assembly_id, resolution_id)
    codes = {c.id: c.code for c in db.session.scalars(sa.select(College))}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    election = resolution.kind == ResolutionKind.BOARD_ELECTION
    writer.writerow(["receipt_hash", "college", "approvals" if election else "choice", "weight"])
    approvals: dict[str, list[int]] = {}
    if election:
        for ballot_id, candidate_id in db.session.execute(
            sa.select(BallotApproval.ballot_id, BallotApproval.candidate_id)
            .join(Ballot, Ballot.id == BallotApproval.ballot_id)
            .where(Ballot.resolution_id == resolution.id)
        ):
            approvals.setdefault(ballot_id, []).append(candidate_id)
    rows = db.session.execute(
        sa.select(Ballot.id, Ballot.receipt_hash, Ballot.college_id, Ballot.choice, Ballot.weight)
        .where(Ballot.resolution_id == resolution.id)
        .order_by(Ballot.receipt_hash)
    )
    for ballot_id, digest, college_id, choice, weight in rows:
        what = (
            " ".join(str(i) for i in sorted(approvals.get(ballot_id, []))) if election else choice
        )
        writer.writerow([digest, codes.get(college_id, ""), what, weight])
    return HTTPResponse(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="resolution-{resolution.id}-ballots.csv"'
        },
    )


@bp.get("/<int:assembly_id>/minutes")
@require(P.VIEW, load=_assembly)
def minutes(assembly_id: int):
    """The printable minutes: every resolution with its result (closed ones only).

    :raise 404: for a draft assembly.
    """
    assembly = _assembly(assembly_id)
    if assembly.state == AssemblyState.DRAFT:
        abort(404)
    return render(
        "assembly/minutes.html",
        assembly=assembly,
        counts=services.turnout(assembly),
        kind_labels=KIND_LABELS,
        scheme_labels=SCHEME_LABELS,
        percent=_percent,
    )
