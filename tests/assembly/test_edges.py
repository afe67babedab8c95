"""Edges of the assembly rules: elections under every scheme and without quorum, rules that
cannot be read, a draft's agenda, rules fixed once members voted, proxies that would chain."""

import secrets
from datetime import timedelta
from decimal import Decimal

import pytest

from sip.assembly import services
from sip.assembly.models import Ballot, BallotApproval, ResolutionKind
from sip.assembly.rules import EmptyCollege, Scheme
from sip.db import local_today, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from tests import factories


def _assembly(w, **values):
    return services.create_assembly(
        w.chair,
        title="Edges",
        kind="ordinary",
        starts_at=utcnow() + timedelta(days=1),
        convocation_on=local_today() - timedelta(days=20),
        advance_voting_from=utcnow() - timedelta(hours=1),
        **values,
    )


def _election(w, assembly, people, seats=1):
    group = factories.seat_group("Seats", [w.colleges["A"], w.colleges["B"]], 3)
    return services.add_resolution(
        assembly,
        w.chair,
        kind=ResolutionKind.BOARD_ELECTION,
        seat_group=group,
        seats=seats,
        candidates=people,
    )


def _approve(election, college, weight, candidates):
    ballot = Ballot(
        id=secrets.token_hex(16),
        resolution_id=election.id,
        college_id=college.id,
        choice=None,
        weight=weight,
        receipt_hash=secrets.token_hex(32),
    )
    db.session.add(ballot)
    db.session.flush()
    for c in candidates:
        db.session.add(BallotApproval(ballot_id=ballot.id, candidate_id=c.id))
    db.session.flush()


def test_an_election_caps_shares_and_keeps_an_absent_college_weight(world):
    w = world
    a = w.colleges["A"]
    people = [factories.member(a, w.offices["BXL"]) for _ in range(2)]
    capped = _assembly(w, scheme=Scheme.PER_SHARE_CAPPED, share_cap=Decimal("0.10"))
    election = _election(w, capped, people)
    first, second = election.candidates
    _approve(election, a, 1000, [first])
    for _ in range(5):
        _approve(election, a, 1, [second])
    result = services.compute_result(election)
    scores = {c["candidate"]: c["score"] for c in result["candidates"]}
    assert scores[first.id] == "201/2"  # a tenth of 1,005 shares, not 1,000
    assert result["cap"] == "201/2"
    weighted = _assembly(
        w,
        scheme=Scheme.COLLEGE_WEIGHTED,
        college_weights={
            str(k.id): v for k, v in zip(w.colleges.values(), ["0.5", "0.3", "0.2"], strict=True)
        },
        empty_college=EmptyCollege.NOT_APPROVING,
    )
    election = _election(w, weighted, people)
    first, _second = election.candidates
    _approve(election, a, 1, [first])
    result = services.compute_result(election)
    # College A (half the vote) approves; B and C, absent, keep their weight and approve nobody.
    assert {c["candidate"]: c["score"] for c in result["candidates"]}[first.id] == "1/2"


def test_without_quorum_or_ballots_nobody_is_elected(world):
    w = world
    people = [factories.member(w.colleges["A"], w.offices["BXL"])]
    assembly = _assembly(w, quorum_basis="members", quorum_fraction=Decimal("0.9"))
    election = _election(w, assembly, people)
    empty = services.compute_result(election)
    assert empty["outcome"] == "rejected" and not any(c["elected"] for c in empty["candidates"])
    _approve(election, w.colleges["A"], 1, election.candidates)
    result = services.compute_result(election)
    assert result["quorum"]["reached"] is False
    assert result["outcome"] == "rejected" and not any(c["elected"] for c in result["candidates"])


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"scheme": Scheme.COLLEGE_WEIGHTED, "college_weights": {"1": "0.5"}}, "college_weights"),
        ({"scheme": Scheme.PER_SHARE_CAPPED, "share_cap": Decimal("0.00004")}, "share_cap"),
        ({"quorum_fraction": Decimal("1.5")}, "quorum_fraction"),
    ],
)
def test_rules_that_cannot_be_applied_are_refused(world, values, field):
    with pytest.raises(ServiceError) as refused:
        _assembly(world, **values)
    assert refused.value.field == field


def test_unreadable_weights_are_refused_on_the_page_not_crashed(client, auth, world):
    w = world
    auth.login_as(w.chair)
    data = {
        "title": "NaN",
        "kind": "ordinary",
        "starts_at": "2031-06-01T18:00",
        "convocation_on": "2031-05-01",
        "scheme": "college_weighted",
        "empty_college": "renormalise",
        "quorum_basis": "members",
        "proxy_cap": "1",
    }
    for i, college in enumerate(w.colleges.values()):
        data[f"weight-{college.id}"] = ["NaN", "1e-999999999", "0.2"][i]
    response = client.post("/assemblies/new", data=data)
    assert response.status_code == 422
    assert "Give each member category a weight between 0 and 1" in response.get_data(as_text=True)


def test_a_draft_agenda_is_not_shown_to_members(client, auth, world):
    w = world
    draft = _assembly(w)
    resolution = services.add_resolution(
        draft, w.chair, kind=ResolutionKind.ORDINARY, title="Secret plan", text="Not yet."
    )
    db.session.commit()
    auth.login_as(w.member)
    assert client.get(f"/assemblies/{draft.id}/resolutions/{resolution.id}/vote").status_code == 404


def test_once_members_voted_the_convocation_and_dates_are_fixed(world):
    w = world
    assembly = _assembly(w, quorum_fraction=Decimal("0.5"))
    resolution = services.add_resolution(
        assembly, w.chair, kind=ResolutionKind.ORDINARY, title="Fixed", text="Fixed."
    )
    services.convene(assembly, w.chair)
    services.cast(resolution, w.member, w.member, choice="for")
    for change in ({"second_convocation": True}, {"advance_voting_from": utcnow()}):
        with pytest.raises(ServiceError, match="Members have voted"):
            services.update_assembly(assembly, w.chair, **change)
    assert assembly.second_convocation is False


def test_proxies_do_not_chain_and_come_too_late_after_a_vote(world):
    w = world
    assembly = _assembly(w)
    resolution = services.add_resolution(
        assembly, w.chair, kind=ResolutionKind.ORDINARY, title="Chain", text="No."
    )
    services.convene(assembly, w.chair)
    assembly.advance_voting_from = utcnow() + timedelta(hours=2)
    other = factories.member(w.colleges["A"], w.offices["BXL"])
    proxy = services.appoint_proxy(assembly, w.member, w.board)
    services.accept_proxy(proxy, w.board)
    with pytest.raises(ServiceError, match="you cannot give your proxy"):
        services.appoint_proxy(assembly, w.board, other)
    late = services.appoint_proxy(assembly, other, w.chair)
    assembly.advance_voting_from = utcnow() - timedelta(minutes=1)
    services.cast(resolution, other, other, choice="for")
    with pytest.raises(ServiceError, match="has voted already"):
        services.accept_proxy(late, w.chair)
