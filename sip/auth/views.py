"""Authentication pages. Each view: load, check access, call one service, render or redirect."""

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sip.auth import bp, services
from sip.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    GenderForm,
    LanguageForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
)
from sip.errors import ServiceError
from sip.extensions import db, limiter
from sip.i18n import current_language
from sip.members import services as members
from sip.web import render, report, safe_next, see_other


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return "account:" + members.normalise_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    """Only failed attempts count towards the throttle (a success redirects)."""
    return response.status_code != 303


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Apply for membership; an admin approves the application."""
    if current_user.is_authenticated:
        return see_other(url_for("main.index"))
    form = RegistrationForm()
    if request.method == "GET":
        form.language.data = current_language()
    if form.validate_on_submit():
        try:
            applicant = members.register(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                language=form.language.data,
                college=form.college.object,
                office=form.office.object,
            )
        except ServiceError as error:
            report(error, form)
        else:
            db.session.commit()
            flash(
                _(
                    "Thank you, %(name)s. An admin will review your application; "
                    "you can log in once it is approved.",
                    name=applicant.name,
                ),
                "success",
            )
            return see_other(url_for("auth.login"))
    return render("auth/register.html", form=form, status=422 if request.method == "POST" else 200)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, scope="login-address")
@limiter.limit(
    _login_limit,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
def login():
    """Log in. Five failures in a minute, for one account or one address, answer 429."""
    if current_user.is_authenticated:
        return see_other(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            member = services.authenticate(form.email.data, form.password.data)
        except ServiceError as error:
            db.session.commit()  # keep the audit entry of a failed attempt
            report(error)
        else:
            services.log_in(member)
            db.session.commit()
            flash(_("Welcome, %(name)s.", name=member.name), "success")
            return see_other(safe_next(request.args.get("next"), url_for("main.index")))
    return render("auth/login.html", form=form, status=422 if request.method == "POST" else 200)


@bp.post("/logout")
@login_required
def logout():
    services.log_out(current_user._get_current_object())
    db.session.commit()
    flash(_("You are logged out."), "success")
    return see_other(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address is known or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "If an account uses this address, we have sent it a link to choose a new "
                "password. The link works for %(minutes)d minutes.",
                minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
            ),
            "success",
        )
        return see_other(url_for("auth.login"))
    return render("auth/forgot.html", form=form, status=422 if request.method == "POST" else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a signed link that expires and works once.

    :raise 400: never; a bad link shows a page that says why.
    """
    try:
        services.member_for_token(token)
    except ServiceError as error:
        return render("auth/reset_invalid.html", message=error.message, status=400)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. You can log in with it now."), "success")
        return see_other(url_for("auth.login"))
    return render("auth/reset.html", form=form, status=422 if request.method == "POST" else 200)


def _account_page(status: int = 200, **forms):
    forms.setdefault("password_form", ChangePasswordForm(prefix="pw", formdata=None))
    forms.setdefault(
        "language_form", LanguageForm(prefix="lang", language=current_user.language, formdata=None)
    )
    forms.setdefault(
        "gender_form", GenderForm(prefix="gender", gender=current_user.gender or "", formdata=None)
    )
    return render("auth/account.html", status=status, **forms)


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password():
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        member = current_user._get_current_object()
        try:
            services.change_password(
                member, password_form.current.data, password_form.password.data
            )
        except ServiceError as error:
            report(error, password_form)
        else:
            services.log_in(member)  # a new session with the new nonce
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return see_other(url_for("auth.account"))
    return _account_page(422, password_form=password_form)


@bp.post("/account/language")
@login_required
def change_language():
    language_form = LanguageForm(prefix="lang")
    if language_form.validate_on_submit():
        members.set_language(current_user._get_current_object(), language_form.language.data)
        db.session.commit()
        flash(_("Your language is saved."), "success")
        return see_other(url_for("auth.account"))
    return _account_page(422, language_form=language_form)


@bp.post("/account/gender")
@login_required
def change_gender():
    """The member's gender, declared if they wish; only admins see it."""
    gender_form = GenderForm(prefix="gender")
    if gender_form.validate_on_submit():
        members.set_gender(current_user._get_current_object(), gender_form.gender.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return see_other(url_for("auth.account"))
    return _account_page(422, gender_form=gender_form)
