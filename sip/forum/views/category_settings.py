"""The admin's general categories: their list, settings and removal."""

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import gettext as _

from sip.access import require
from sip.extensions import db
from sip.forum import bp, services
from sip.forum.forms import (
    CategoryForm,
    GroupCategoryForm,
)
from sip.forum.models import (
    Category,
)
from sip.forum.permissions import (
    ForumPermission as P,
)
from sip.forum.views.common import _me
from sip.members.forms import ConfirmForm
from sip.web import (
    render,
    run_form,
    see_other,
)


@bp.get("/categories")
@require(P.MANAGE)
def categories():
    rows = db.session.scalars(
        sa.select(Category).order_by(Category.group_id.is_not(None), Category.position, Category.id)
    ).all()
    return render("forum/categories.html", categories=rows, confirm_form=ConfirmForm())


@bp.route("/categories/new", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@require(P.MANAGE)
def edit_category(category_id: int | None = None):
    """Create or change a category; a working group's takes only its settings.

    :raise 404: for an unknown category.
    """
    cat = db.get_or_404(Category, category_id) if category_id else None
    form_cls = GroupCategoryForm if cat is not None and cat.group_id else CategoryForm
    form = form_cls(obj=cat) if request.method == "GET" else form_cls()
    if request.method == "POST":
        done = run_form(
            form,
            lambda: services.save_category(
                cat, _me(), **{k: v for k, v in form.data.items() if k != "csrf_token"}
            ),
            _("The category is saved."),
            url_for("forum.categories"),
        )
        if done:
            return done
    return render(
        "forum/category_form.html",
        form=form,
        category=cat,
        status=422 if request.method == "POST" else 200,
    )


@bp.post("/categories/<int:category_id>/delete")
@require(P.MANAGE)
def delete_category(category_id: int):
    cat = db.get_or_404(Category, category_id)
    done = run_form(
        ConfirmForm(),
        lambda: services.delete_category(cat, _me()),
        _("The category is deleted."),
        url_for("forum.categories"),
    )
    return done or see_other(url_for("forum.categories"))
