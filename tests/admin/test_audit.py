"""The audit log is append-only (code and database) and admins browse and filter it."""

import pytest
import sqlalchemy as sa

from sip import audit
from sip.audit import AuditEntry, AuditLogIsAppendOnly
from sip.extensions import db


@pytest.fixture
def entry(app, world):
    e = audit.record("member.updated", world.member, actor=world.admin, shares=[1, 2])
    db.session.flush()
    return e


def test_orm_refuses_to_change_an_entry(entry):
    entry.action = "member.nothing_happened"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_orm_refuses_to_delete_an_entry(entry):
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_orm_refuses_bulk_update_and_delete(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(sa.update(AuditEntry).values(action="x"))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(sa.delete(AuditEntry))


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entry SET action = 'forged'", "DELETE FROM audit_entry"]
)
def test_database_trigger_refuses_update_and_delete(entry, statement):
    connection = db.session.connection()
    savepoint = connection.begin_nested()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        connection.exec_driver_sql(statement)
    savepoint.rollback()
    assert (
        db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.id == entry.id))
        == "member.updated"
    )


def test_admin_browses_and_filters_the_log(client, auth, world):
    auth.login_as(world.admin)
    client.post(f"/members/{world.applicant.id}/approve")
    client.post(f"/members/{world.member.id}/roles", data={"role": "expert"})
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "member.approved" in html and "role.granted" in html and "auth.login" in html
    html = client.get("/admin/audit?action=role.").get_data(as_text=True)
    assert "role.granted" in html and "member.approved" not in html
    html = client.get(f"/admin/audit?subject_type=member&subject_id={world.applicant.id}").get_data(
        as_text=True
    )
    assert "member.approved" in html and "role.granted" not in html
    html = client.get("/admin/audit?actor=nobody-like-this").get_data(as_text=True)
    assert "No entry matches these filters." in html
    html = client.get("/admin/audit?actor=ada").get_data(as_text=True)
    assert "member.approved" in html
    html = client.get("/admin/audit?since=2000-01-01&until=2000-01-02").get_data(as_text=True)
    assert "No entry matches these filters." in html
    response = client.get("/admin/audit?since=not-a-date")
    assert response.status_code == 200 and "Not a valid date value." in response.get_data(
        as_text=True
    )


def test_audit_details_are_escaped(client, auth, world):
    audit.record(
        "member.rejected", world.applicant, actor=world.admin, reason="<script>alert(1)</script>"
    )
    auth.login_as(world.admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_audit_page_queries_do_not_grow_with_entries(client, auth, world, count_queries):
    auth.login_as(world.admin)
    for i in range(5):
        audit.record("test.entry", world.member, actor=world.admin, n=i)
    with count_queries() as few:
        client.get("/admin/audit")
    for i in range(40):
        audit.record("test.entry", world.member, actor=world.member if i % 2 else world.chair, n=i)
    with count_queries() as many:
        client.get("/admin/audit")
    assert len(many) == len(few)


def test_date_filters_are_days_in_brussels(client, auth, world):
    from datetime import UTC, datetime

    early = audit.record("test.early", world.member, actor=world.admin)
    early.created_at = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # 10 March, 00:30 in Brussels
    auth.login_as(world.admin)
    html = client.get("/admin/audit?since=2026-03-10&until=2026-03-10").get_data(as_text=True)
    assert "test.early" in html
    html = client.get("/admin/audit?since=2026-03-09&until=2026-03-09").get_data(as_text=True)
    assert "test.early" not in html
