"""Helpers every feature's views use: htmx-aware rendering, safe redirects, form errors."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import flash, make_response, redirect, render_template, request
from flask_sqlalchemy.pagination import Pagination
from jinja2_fragments.flask import render_block

from sip.errors import ServiceError
from sip.extensions import db


def is_htmx_partial() -> bool:
    """An htmx request that wants a fragment (not a boosted full-page navigation)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def render(template: str, block: str | None = None, status: int = 200, **context):
    """Render the full page, or only ``block`` for an htmx request; always ``Vary: HX-Request``."""
    if block is not None and is_htmx_partial():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def see_other(location: str):
    """Redirect after a POST (303), so that reloading does not post again."""
    return redirect(location, code=303)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed, never another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def report(error: ServiceError, form=None) -> None:
    """Show a refused change beside its field when there is one, else as a message."""
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None:
        field.errors = [*list(field.errors or []), error.message]
    else:
        flash(error.message, "error")


#: No list has more pages than this; larger page numbers show an empty last page.
MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query argument, within 1..MAX_PAGE whatever the visitor typed."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def id_or_none(value: str | None) -> int | None:
    """A row id typed by a visitor: ASCII digits that fit a database integer, else None."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def list_args() -> dict[str, str]:
    """The query arguments a pager keeps from page to page (never url_for's own)."""
    return {
        k: v
        for k, v in request.args.items()
        if v and k not in ("page", "endpoint") and not k.startswith("_")
    }


class RowPagination(Pagination):
    """Like ``db.paginate``, for a select of several columns (items are rows, not objects)."""

    def _query_items(self) -> list:
        select = self._query_args["select"]
        offset = (self.page - 1) * self.per_page
        return list(db.session.execute(select.limit(self.per_page).offset(offset)).all())

    def _query_count(self) -> int:
        select = self._query_args["select"]
        sub = select.order_by(None).subquery()
        return db.session.execute(sa.select(sa.func.count()).select_from(sub)).scalar_one()


def paginate_rows(select, per_page: int):
    return RowPagination(
        select=select,
        page=page_number(),
        per_page=per_page,
        error_out=False,
    )


def run_form(form, action, success, target):
    """Validate ``form``, call one service, commit, say so and redirect (303).

    ``success`` is the message, or a function of the service's result that gives it.
    On a refusal (ServiceError) roll back and show why beside the field; return None
    so that the view shows the page again. ``target`` is a URL, or a function of the
    service's result that gives one (for what the service created).
    """
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except ServiceError as error:
        db.session.rollback()
        report(error, form)
        return None
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return see_other(target(result) if callable(target) else target)
