"""A general assembly through its pages: prepare, convene, proxies, attendance, voting with
receipts, close, results, ballots, recount, certify; and the refusals."""

import csv
import html
import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from sip.assembly import services
from sip.assembly.models import (
    AssemblyParticipation,
    AssemblyState,
    Ballot,
    Proxy,
    ResolutionKind,
    ResolutionState,
)
from sip.db import local_today, utcnow
from sip.extensions import db
from sip.notifications.models import Notification
from tests import factories


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def convened(world):
    """An assembly tomorrow with advance voting open and two resolutions, convened."""
    w = world
    now = utcnow()
    w.assembly = services.create_assembly(
        w.chair,
        title="General assembly 2026",
        kind="ordinary",
        starts_at=now + timedelta(days=1),
        convocation_on=local_today() - timedelta(days=20),
        advance_voting_from=now - timedelta(hours=1),
        proxy_deadline=now + timedelta(hours=12),
    )
    w.ordinary = services.add_resolution(
        w.assembly,
        w.chair,
        kind=ResolutionKind.ORDINARY,
        title="Accounts 2025",
        text="Approve them.",
    )
    w.statute = services.add_resolution(
        w.assembly,
        w.chair,
        kind=ResolutionKind.STATUTE_CHANGE,
        title="Article 12",
        text="New wording.",
    )
    services.convene(w.assembly, w.chair)
    db.session.commit()
    return w


def test_the_chair_prepares_and_convenes_and_every_member_is_told(client, auth, world):
    w = world
    auth.login_as(w.chair)
    # Both dates from Brussels' today: around midnight UTC and Brussels disagree on the day.
    start = (local_today() + timedelta(days=30)).isoformat() + "T18:00"
    response = client.post(
        "/assemblies/new",
        data={
            "title": "General assembly 2027",
            "kind": "ordinary",
            "starts_at": start,
            "convocation_on": (local_today() + timedelta(days=25)).isoformat(),
            "scheme": "college_weighted",
            f"weight-{w.colleges['A'].id}": "0.5",
            f"weight-{w.colleges['B'].id}": "0.3",
            f"weight-{w.colleges['C'].id}": "0.2",
            "empty_college": "renormalise",
            "quorum_basis": "members",
            "proxy_cap": "1",
        },
    )
    assert response.status_code == 303, _text(response)[:2000]
    page = _text(client.get(response.headers["Location"]))
    assert "The convocation is only 5 days before the assembly" in page
    assembly_url = response.headers["Location"]
    client.post(
        assembly_url + "/documents",
        data={
            "kind": "accounts",
            "title": "Accounts 2026",
            "body": "| a | b |\n|---|---|\n| 1 | 2 |",
        },
    )
    added = client.post(
        assembly_url + "/resolutions",
        data={
            "kind": "ordinary",
            "title": "Approve the accounts",
            "text": "The accounts are approved.",
        },
    )
    assert added.status_code == 303
    convened = client.post(assembly_url + "/convene")
    assert convened.status_code == 303
    active = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.kind == "assembly.convened")
    )
    from sip.members.models import Member, MemberStatus

    told = set(
        db.session.scalars(
            sa.select(Notification.member_id).where(Notification.kind == "assembly.convened")
        )
    )
    everyone = set(
        db.session.scalars(sa.select(Member.id).where(Member.status == MemberStatus.ACTIVE))
    )
    # Every active member but the invited expert, who takes no part in assemblies.
    assert active == len(told) and told == everyone - {w.expert.id}
    auth.logout()
    auth.login_as(w.member)
    page = _text(client.get(assembly_url))
    assert "Accounts 2026" in page and "Approve the accounts" in page
    assert "Member category A — A en; your vote weighs 1." in page
    # A member cannot prepare assemblies.
    assert client.post(assembly_url + "/convene").status_code == 403


def test_a_member_votes_in_advance_gets_a_receipt_and_votes_once(client, auth, convened):
    w = convened
    auth.login_as(w.member)
    url = f"/assemblies/{w.assembly.id}/resolutions/{w.ordinary.id}/vote"
    form = _text(client.get(url))
    assert "Your own vote" in form
    bad = client.post(url, data={"voter": str(w.member.id), "choice": "maybe"})
    assert bad.status_code == 422 and "Choose for, against or abstain." in _text(bad)
    cast = client.post(url, data={"voter": str(w.member.id), "choice": "for"})
    assert cast.status_code == 303
    shown = client.get(url).get_data(as_text=True)
    receipt = shown.split("<code>")[1].split("</code>")[0]
    assert len(receipt) == 19
    assert "<code>" not in client.get(url).get_data(as_text=True)  # shown once
    twice = client.post(url, data={"voter": str(w.member.id), "choice": "against"})
    assert twice.status_code == 422
    assert "Voting on this resolution" not in _text(twice)
    for_someone_else = client.post(url, data={"voter": str(w.board.id), "choice": "for"})
    assert "You do not vote for this member." in _text(for_someone_else)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssemblyParticipation)) == 1
    # Results are hidden until the close, for everyone: the admin too.
    results = f"/assemblies/{w.assembly.id}/resolutions/{w.ordinary.id}/results"
    assert client.get(results).status_code == 403
    auth.logout()
    auth.login_as(w.admin)
    assert client.get(results).status_code == 403
    assert client.get(results.replace("results", "results.json")).status_code == 403
    assert client.get(results.replace("results", "ballots.csv")).status_code == 403
    w.receipt = receipt


def test_a_proxy_votes_for_the_member_and_the_cap_holds(client, auth, convened):
    w = convened
    other = factories.member(w.colleges["A"], w.offices["BXL"])
    # Proxies are settled before advance voting: move it later for this test.
    w.assembly.advance_voting_from = utcnow() + timedelta(hours=13)
    db.session.commit()
    auth.login_as(w.member)
    url = f"/assemblies/{w.assembly.id}/proxies"
    to_self = client.post(url, data={"proxy-email": w.member.email})
    assert "You cannot be your own proxy." in _text(to_self)
    unknown = client.post(url, data={"proxy-email": "nobody@test.example"})
    assert "Your proxy must be an active member" in _text(unknown)
    assert client.post(url, data={"proxy-email": w.board.email}).status_code == 303
    auth.logout()
    auth.login_as(other)
    assert client.post(url, data={"proxy-email": w.board.email}).status_code == 303
    auth.logout()
    auth.login_as(w.board)
    page = _text(client.get(f"/assemblies/{w.assembly.id}"))
    assert "Mem Ber asks you to vote for them." in page
    proxies = {p.grantor_id: p for p in db.session.scalars(sa.select(Proxy))}
    first = client.post(f"/assemblies/{w.assembly.id}/proxies/{proxies[w.member.id].id}/accept")
    assert first.status_code == 303
    beyond = client.post(f"/assemblies/{w.assembly.id}/proxies/{proxies[other.id].id}/accept")
    assert beyond.status_code == 422
    assert "You hold 1 proxies already, the most allowed." in _text(beyond)
    # Advance voting opens: the holder votes for himself and for the member, separately.
    w.assembly.advance_voting_from = utcnow() - timedelta(minutes=1)
    db.session.commit()
    vote = f"/assemblies/{w.assembly.id}/resolutions/{w.ordinary.id}/vote"
    assert "The vote of Mem Ber, whom you represent" in _text(client.get(vote))
    assert (
        client.post(vote, data={"voter": str(w.board.id), "choice": "against"}).status_code == 303
    )
    assert client.post(vote, data={"voter": str(w.member.id), "choice": "for"}).status_code == 303
    again = client.post(vote, data={"voter": str(w.member.id), "choice": "for"})
    assert again.status_code == 422
    rows = db.session.execute(
        sa.select(AssemblyParticipation.voter_id, AssemblyParticipation.acting_id)
    ).all()
    assert sorted(rows) == sorted([(w.board.id, w.board.id), (w.member.id, w.board.id)])
    # The member cannot vote himself, nor withdraw once voting opened.
    auth.logout()
    auth.login_as(w.member)
    mine = client.post(vote, data={"voter": str(w.member.id), "choice": "against"})
    assert mine.status_code == 422
    withdraw = client.post(
        f"/assemblies/{w.assembly.id}/proxies/{proxies[w.member.id].id}/withdraw"
    )
    assert "Voting has opened: the proxy can no longer be withdrawn." in _text(withdraw)


def test_the_chair_opens_closes_and_publishes_results_anyone_can_recount(
    client, auth, convened, runner
):
    w = convened
    voters = [factories.member(w.colleges[c], w.offices["BXL"]) for c in "AAAB"]
    for person, choice in zip(voters, ["for", "for", "against", "abstain"], strict=True):
        services.cast(w.ordinary, person, person, choice=choice)
    receipt = services.cast(w.ordinary, w.member, w.member, choice="for")
    w.assembly.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    auth.login_as(w.chair)
    base = f"/assemblies/{w.assembly.id}/resolutions/{w.ordinary.id}"
    assert client.post(base + "/close").status_code == 422  # never opened
    assert client.post(base + "/open").status_code == 303
    closed = client.post(base + "/close")
    assert closed.status_code == 303
    twice = client.post(base + "/close")
    assert twice.status_code == 422 and "This resolution is closed already." in _text(twice)
    auth.logout()
    auth.login_as(w.member)
    page = _text(client.get(base + "/results"))
    assert "Adopted" in page and "5 ballots" in page
    checked = _text(client.get(base + "/results", query_string={"receipt": receipt}))
    assert "Your ballot is in the published list: it is counted." in checked
    wrong = _text(client.get(base + "/results", query_string={"receipt": "AAAA-BBBB-CCCC-DDDD"}))
    assert "No ballot of this resolution has this receipt." in wrong
    published = json.loads(client.get(base + "/results.json").get_data(as_text=True))
    assert published["outcome"] == "adopted" and published["ballots"] == 5
    assert published["shares"] == {"for": "3/4", "against": "1/4"}
    rows = list(csv.reader(io.StringIO(client.get(base + "/ballots.csv").get_data(as_text=True))))
    assert rows[0] == ["receipt_hash", "college", "choice", "weight"]
    assert sorted(r[2] for r in rows[1:]) == ["abstain", "against", "for", "for", "for"]
    assert services.receipt_hash(receipt) in {r[0] for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    result = runner.invoke(args=["assembly", "recount", str(w.ordinary.id)])
    assert result.exit_code == 0 and "matches the published result" in result.output
    # A ballot changed behind the scenes: the recount says so.
    ballot = db.session.scalar(sa.select(Ballot).where(Ballot.choice == "against"))
    ballot.choice = "for"
    db.session.commit()
    tampered = runner.invoke(args=["assembly", "recount", str(w.ordinary.id)])
    assert tampered.exit_code == 1 and "DOES NOT match" in tampered.output


def test_the_statute_change_needs_three_quarters_and_certification_closes_the_assembly(
    client, auth, convened
):
    w = convened
    people = [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(4)]
    for person, choice in zip(people, ["for", "for", "for", "against"], strict=True):
        services.cast(w.statute, person, person, choice=choice)
    w.assembly.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    auth.login_as(w.chair)
    url = f"/assemblies/{w.assembly.id}"
    refused = client.post(url + "/certify")
    assert "Close every resolution before certifying the results." in _text(refused)
    for r in (w.ordinary, w.statute):
        client.post(f"{url}/resolutions/{r.id}/open")
        client.post(f"{url}/resolutions/{r.id}/close")
    db.session.expire_all()
    statute = db.session.get(type(w.statute), w.statute.id)
    assert statute.state == ResolutionState.CLOSED
    assert statute.result["majority"] == "three_quarters"
    assert statute.result["for_share"] == "3/4"
    # Half of the shares are needed at a first convocation: four voters of many are not.
    assert statute.result["quorum"]["reached"] is False
    assert statute.outcome == "rejected"
    ordinary = db.session.get(type(w.ordinary), w.ordinary.id)
    assert ordinary.outcome == "rejected"  # no vote counted: nothing is adopted
    assert client.post(url + "/certify").status_code == 303
    db.session.expire_all()
    assert db.session.get(type(w.assembly), w.assembly.id).state == AssemblyState.CERTIFIED
    minutes = _text(client.get(url + "/minutes"))
    assert "Results certified by Cha Chair" in minutes and "Article 12" in minutes


def test_voting_outside_the_window_is_refused(client, auth, convened):
    w = convened
    w.assembly.advance_voting_from = utcnow() + timedelta(hours=2)  # not yet
    db.session.commit()
    auth.login_as(w.member)
    url = f"/assemblies/{w.assembly.id}/resolutions/{w.ordinary.id}/vote"
    assert "Voting on this resolution is not open." in _text(client.get(url))
    early = client.post(url, data={"voter": str(w.member.id), "choice": "for"})
    assert early.status_code == 422
    assert "Voting on this resolution is not open." in _text(early)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0


def test_the_published_ballots_recount_to_the_published_result(client, auth, convened):
    w = convened
    people = [factories.member(w.colleges[c], w.offices["BXL"]) for c in "AABBC"]
    for person, choice in zip(people, ["for", "against", "for", "abstain", "for"], strict=True):
        services.cast(w.ordinary, person, person, choice=choice)
    w.assembly.starts_at = utcnow() - timedelta(minutes=5)
    services.open_resolution(w.ordinary, w.chair)
    services.close_resolution(w.ordinary, w.chair)
    db.session.commit()
    auth.login_as(w.member)
    base = f"/assemblies/{w.assembly.id}/resolutions/{w.ordinary.id}"
    published = json.loads(client.get(base + "/results.json").get_data(as_text=True))
    rows = list(
        csv.DictReader(io.StringIO(client.get(base + "/ballots.csv").get_data(as_text=True)))
    )
    counted: dict = {}
    for row in rows:
        per = counted.setdefault(row["college"], {"for": 0, "against": 0, "abstain": 0})
        per[row["choice"]] += int(row["weight"])
    assert {c["college"]: c["ballots"] for c in published["colleges"]} == counted


def test_the_assembly_page_takes_as_many_queries_for_a_long_agenda(
    client, auth, world, count_queries
):
    w = world

    def page_queries(resolutions: int) -> int:
        assembly = services.create_assembly(
            w.chair,
            title=f"Agenda of {resolutions}",
            kind="ordinary",
            starts_at=utcnow() + timedelta(days=1),
            convocation_on=local_today() - timedelta(days=20),
            advance_voting_from=utcnow() - timedelta(hours=1),
        )
        for i in range(resolutions):
            services.add_resolution(
                assembly, w.chair, kind=ResolutionKind.ORDINARY, title=f"R{i}", text="Text."
            )
        services.convene(assembly, w.chair)
        db.session.commit()
        with count_queries() as statements:
            assert client.get(f"/assemblies/{assembly.id}").status_code == 200
        return len(statements)

    auth.login_as(w.member)
    assert page_queries(2) == page_queries(8)
