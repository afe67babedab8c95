"""The admin's member list and member page: filters, approvals, roles, membership."""

import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.extensions import db
from sip.members.models import MemberStatus, Role
from tests import factories


def audit_actions(subject_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.subject_type == "member", AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.id)
        )
    )


def many_members(world, n: int):
    for i in range(n):
        factories.member(
            world.colleges["ABC"[i % 3]],
            world.offices["BXL" if i % 2 else "ANT"],
            name=f"Zed {i:03d}",
            roles=(Role.EXPERT,) if i % 4 == 0 else (),
        )


def test_member_list_is_paginated(app, client, auth, world, monkeypatch):
    monkeypatch.setitem(app.config, "MEMBERS_PER_PAGE", 5)
    many_members(world, 12)
    auth.login_as(world.admin)
    html = client.get("/members/?page=2").get_data(as_text=True)
    assert "20 results, page 2 of 4" in html
    assert 'rel="next"' in html and 'rel="prev"' in html
    assert client.get("/members/?page=99").status_code == 200


def test_member_list_filters_by_college_office_status_and_search(client, auth, world):
    many_members(world, 6)
    auth.login_as(world.admin)
    c = world.colleges["C"].id
    html = client.get(f"/members/?college={c}").get_data(as_text=True)
    assert "Ex Pert" in html and "Mem Ber" not in html
    html = client.get(
        f"/members/?office={world.offices['ANT'].id}&college={world.colleges['A'].id}"
    ).get_data(as_text=True)
    assert "Bo Ard" in html and "Cha Chair" in html and "Mem Ber" not in html
    html = client.get("/members/?status=applicant").get_data(as_text=True)
    assert "App Licant" in html and "Mem Ber" not in html
    html = client.get("/members/?q=MODERATOR@test").get_data(as_text=True)
    assert "Mo Moderator" in html and "Ada Admin" not in html
    html = client.get("/members/?q=zed 00").get_data(as_text=True)
    assert "Zed 000" in html and "Mo Moderator" not in html


def test_member_search_treats_wildcards_literally(client, auth, world):
    auth.login_as(world.admin)
    html = client.get("/members/?q=%25").get_data(as_text=True)
    assert "No member matches these filters." in html


def test_unknown_filter_value_shows_an_error_not_a_crash(client, auth, world):
    auth.login_as(world.admin)
    response = client.get("/members/?college=abc")
    assert response.status_code == 200
    assert "Choose one of the options in the list." in response.get_data(as_text=True)


def test_htmx_filter_returns_only_the_results(client, auth, world):
    auth.login_as(world.admin)
    response = client.get("/members/?status=active", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/members/?status=active")
    assert "<html" in full.get_data(as_text=True)


def test_member_list_queries_do_not_grow_with_rows(
    app, client, auth, world, count_queries, monkeypatch
):
    monkeypatch.setitem(app.config, "MEMBERS_PER_PAGE", 100)
    auth.login_as(world.admin)
    many_members(world, 5)
    with count_queries() as few:
        assert client.get("/members/").status_code == 200
    many_members(world, 45)
    with count_queries() as many:
        html = client.get("/members/").get_data(as_text=True)
    assert html.count("<tr>") >= 50
    assert len(many) == len(few), many


def test_admin_approves_an_applicant(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(f"/members/{world.applicant.id}/approve")
    assert response.status_code == 303
    assert world.applicant.status == MemberStatus.ACTIVE
    assert world.applicant.approved_at is not None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.approved"))
    assert entry.actor_id == world.admin.id and entry.subject_id == world.applicant.id


def test_approving_an_active_member_is_refused_and_changes_nothing(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(f"/members/{world.member.id}/approve")
    assert response.status_code == 422
    assert "cannot become" in response.get_data(as_text=True)
    assert "member.approved" not in audit_actions(world.member.id)


def test_admin_rejects_an_application_with_a_reason(client, auth, world):
    auth.login_as(world.admin)
    assert (
        client.post(f"/members/{world.applicant.id}/reject", data={"reason": ""}).status_code == 422
    )
    assert world.applicant.status == MemberStatus.APPLICANT
    assert (
        client.post(
            f"/members/{world.applicant.id}/reject", data={"reason": "Not a freelancer"}
        ).status_code
        == 303
    )
    assert world.applicant.status == MemberStatus.REJECTED
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.rejected"))
    assert entry.details["reason"] == "Not a freelancer"


def test_suspension_ends_the_members_sessions_and_reactivation_restores(app, client, auth, world):
    from tests.conftest import AuthActions, CSRFClient

    app.test_client_class = CSRFClient
    member_client = app.test_client()
    AuthActions(member_client).login_as(world.member)
    auth.login_as(world.admin)
    assert (
        client.post(
            f"/members/{world.member.id}/suspend", data={"reason": "Unpaid shares"}
        ).status_code
        == 303
    )
    assert member_client.get("/auth/account").status_code == 302
    assert client.post(f"/members/{world.member.id}/reactivate").status_code == 303
    assert world.member.status == MemberStatus.ACTIVE
    assert audit_actions(world.member.id)[-2:] == ["member.suspended", "member.reactivated"]


def test_admin_cannot_suspend_themselves(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(f"/members/{world.admin.id}/suspend", data={"reason": "oops"})
    assert response.status_code == 422
    assert world.admin.status == MemberStatus.ACTIVE


def test_admin_changes_category_office_and_shares(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(
        f"/members/{world.member.id}/membership",
        data={"college": world.colleges["C"].id, "office": world.offices["ANT"].id, "shares": "4"},
    )
    assert response.status_code == 303
    assert (world.member.college.code, world.member.office.code, world.member.shares) == (
        "C",
        "ANT",
        4,
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.updated"))
    assert entry.details == {"college": ["A", "C"], "office": ["BXL", "ANT"], "shares": [1, 4]}


def test_membership_form_refuses_bad_values(client, auth, world):
    auth.login_as(world.admin)
    for data, message in [
        (
            {"college": "999", "office": world.offices["ANT"].id, "shares": "1"},
            "Choose one of the options",
        ),
        (
            {"college": world.colleges["A"].id, "office": world.offices["ANT"].id, "shares": "-1"},
            "Between 0 and 1000000.",
        ),
        (
            {
                "college": world.colleges["A"].id,
                "office": world.offices["ANT"].id,
                "shares": "many",
            },
            "Not a valid integer value.",
        ),
    ]:
        response = client.post(f"/members/{world.member.id}/membership", data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert world.member.shares == 1 and world.member.college.code == "A"


def test_a_seated_member_cannot_move_to_a_college_the_seat_refuses(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(
        f"/members/{world.board.id}/membership",
        data={"college": world.colleges["B"].id, "office": world.offices["ANT"].id, "shares": "1"},
    )
    assert response.status_code == 422
    assert "vacate it first" in response.get_data(as_text=True)
    assert world.board.college.code == "A"


def test_admin_grants_and_revokes_roles(client, auth, world):
    auth.login_as(world.admin)
    assert (
        client.post(
            f"/members/{world.member.id}/roles", data={"role": "assembly_chair"}
        ).status_code
        == 303
    )
    assert Role.ASSEMBLY_CHAIR in world.member.roles
    assert client.post(f"/members/{world.member.id}/roles/assembly_chair/revoke").status_code == 303
    assert Role.ASSEMBLY_CHAIR not in world.member.roles
    assert audit_actions(world.member.id)[-2:] == ["role.granted", "role.revoked"]


def test_moderator_role_needs_a_staff_college(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(f"/members/{world.member.id}/roles", data={"role": "moderator"})
    assert response.status_code == 422
    assert "permanent employees" in response.get_data(as_text=True)
    assert (
        client.post(f"/members/{world.payroll.id}/roles", data={"role": "moderator"}).status_code
        == 303
    )


def test_unknown_role_is_refused(client, auth, world):
    auth.login_as(world.admin)
    assert (
        client.post(f"/members/{world.member.id}/roles", data={"role": "dictator"}).status_code
        == 422
    )
    assert client.post(f"/members/{world.member.id}/roles/dictator/revoke").status_code == 404


def test_the_last_admin_cannot_lose_the_role(client, auth, world):
    auth.login_as(world.admin)
    response = client.post(f"/members/{world.admin.id}/roles/admin/revoke")
    assert response.status_code == 422
    assert "last active admin" in response.get_data(as_text=True)
    assert Role.ADMIN in world.admin.roles


def test_roles_of_a_suspended_member_do_not_apply(client, auth, world):
    world.chair.status = MemberStatus.SUSPENDED
    db.session.flush()
    assert not world.chair.has_role(Role.ASSEMBLY_CHAIR)
