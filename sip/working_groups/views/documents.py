"""A group's documents (every edit a version) and its requests for specialists."""

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from sip.access import allowed, require
from sip.extensions import db
from sip.web import render, run_form
from sip.working_groups import bp, services
from sip.working_groups.diff import render_diff
from sip.working_groups.forms import (
    DocumentForm,
    OutcomeForm,
    SpecialistForm,
)
from sip.working_groups.models import (
    Document,
    SpecialistRequest,
)
from sip.working_groups.permissions import GroupsPermission as P
from sip.working_groups.views.common import _document_group, _group, _specialist_group
from sip.working_groups.views.groups import _group_page


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
