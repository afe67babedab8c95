"""Command-line tools: ``flask --app sip demo``, ``create-admin``, ``assembly recount``,
``send-mail`` and ``rq-worker``."""

import click
import sqlalchemy as sa
from flask import Flask

from sip import audit
from sip.extensions import db


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(assembly_group)
    from sip.notifications.cli import rq_worker_command, send_mail_command

    app.cli.add_command(send_mail_command)
    app.cli.add_command(rq_worker_command)


@click.group("assembly")
def assembly_group() -> None:
    """General assemblies."""


@assembly_group.command("recount")
@click.argument("resolution_id", type=int)
def recount_command(resolution_id: int) -> None:
    """Recount a closed resolution from its ballots and say whether it matches what was
    published (exit status 1 when it does not)."""
    import json

    from sip.assembly.models import Resolution
    from sip.assembly.services import recount
    from sip.errors import ServiceError

    resolution = db.session.get(Resolution, resolution_id)
    if resolution is None:
        raise click.ClickException(f"No resolution {resolution_id}.")
    try:
        again, matches = recount(resolution)
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(json.dumps(again, indent=2, sort_keys=True))
    if matches:
        click.echo(f"Resolution {resolution_id}: the recount matches the published result.")
    else:
        click.echo(f"Resolution {resolution_id}: the recount DOES NOT match the published result.")
        raise SystemExit(1)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no member yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo data (idempotent: a second run changes nothing)."""
    from sip.demo import load_demo
    from sip.members.models import Member

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Member)):
        click.echo("The database has members already: demo data not loaded.")
        return
    created = load_demo()
    db.session.commit()
    if any(created.values()):
        click.echo("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in created.items() if v))
        click.echo("Every demo account's password is 'demo-password' (demo only).")
    else:
        click.echo("Demo data already present: nothing changed.")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", prompt=True, help="Full name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--college",
    "college_code",
    default=None,
    help="College code (default: the first staff college).",
)
@click.option(
    "--office", "office_code", default=None, help="Office code (default: the first office)."
)
def create_admin_command(email, name, password, college_code, office_code) -> None:
    """Create an active admin, or make an existing member an active admin."""
    from sip.db import utcnow
    from sip.members import services
    from sip.members.models import College, Member, MemberStatus, Office, Role, RoleGrant

    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="password")
    member = services.find_by_email(email)
    if member is None:
        college = _pick(College, college_code, College.is_staff.desc())
        office = _pick(Office, office_code)
        member = Member(
            name=name,
            email=services.normalise_email(email),
            college=college,
            office=office,
            status=MemberStatus.ACTIVE,
            approved_at=utcnow(),
        )
        db.session.add(member)
    member.set_password(password)
    member.status = MemberStatus.ACTIVE
    if Role.ADMIN not in member.roles:
        member.role_grants.append(RoleGrant(role=Role.ADMIN))
    db.session.flush()
    audit.record("role.granted", member, actor=None, role=Role.ADMIN, via="create-admin")
    db.session.commit()
    click.echo(f"{member.email} is an active admin.")


def _pick(model, code, *order):
    query = sa.select(model)
    if code:
        query = query.where(model.code == code)
    row = db.session.scalar(query.order_by(*order, model.position, model.id).limit(1))
    if row is not None:
        return row
    if code or db.session.scalar(sa.select(sa.func.count()).select_from(model)):
        raise click.ClickException(f"no {model.__tablename__} with code {code}")
    # A new deployment: start with one college or office that the admin renames later.
    defaults = {
        "college": ("STAFF", "Staff", "Personnel", "Personeel"),
        "office": ("HQ", "Head office", "Siège", "Hoofdkantoor"),
    }
    code, en, fr, nl = defaults[model.__tablename__]
    row = model(code=code, name_en=en, name_fr=fr, name_nl=nl)
    if model.__tablename__ == "college":
        row.is_staff = True
    db.session.add(row)
    return row
