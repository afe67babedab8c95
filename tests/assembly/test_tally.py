"""The close-time count from the database agrees with the pure rules: the worked example of
DESIGN.md through SQL, the share cap applied in the GROUP BY, a board election."""

import secrets
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa

from sip.assembly import rules, services
from sip.assembly.models import Ballot, BallotApproval, ResolutionKind
from sip.assembly.rules import Choice, Scheme
from sip.db import local_today, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from tests import factories


def _assembly(w, **rules_):
    return services.create_assembly(
        w.chair,
        title="Tally",
        kind="ordinary",
        starts_at=utcnow() + timedelta(days=1),
        convocation_on=local_today() - timedelta(days=20),
        **rules_,
    )


def _ballots(resolution, rows):
    """Ballots straight into the table: [(college, choice, weight, how many)]."""
    db.session.execute(
        sa.insert(Ballot),
        [
            {
                "id": secrets.token_hex(16),
                "resolution_id": resolution.id,
                "college_id": college.id,
                "choice": choice,
                "weight": weight,
                "receipt_hash": secrets.token_hex(32),
            }
            for college, choice, weight, n in rows
            for _ in range(n)
        ],
    )


@pytest.fixture
def weighted(world):
    w = world
    a, b, c = (w.colleges[k] for k in "ABC")
    assembly = _assembly(
        w,
        scheme=Scheme.COLLEGE_WEIGHTED,
        college_weights={str(a.id): "0.5", str(b.id): "0.3", str(c.id): "0.2"},
    )
    return w, assembly


def test_the_worked_example_through_the_database(weighted):
    w, assembly = weighted
    a, b, c = (w.colleges[k] for k in "ABC")
    resolution = services.add_resolution(
        assembly, w.chair, kind=ResolutionKind.ORDINARY, title="Example", text="DESIGN.md"
    )
    _ballots(
        resolution,
        [
            (a, "for", 1, 1200),
            (a, "against", 1, 800),
            (a, "abstain", 1, 100),
            (b, "for", 1, 40),
            (b, "against", 1, 60),
            (b, "abstain", 1, 5),
            (c, "for", 1, 3),
            (c, "against", 1, 7),
        ],
    )
    result = services.compute_result(resolution)
    assert result["shares"] == {"for": "12/25", "against": "13/25"}
    assert result["percent"] == {"for": "48.00", "against": "52.00"}
    assert result["outcome"] == "rejected" and result["ballots"] == 2215
    by_code = {row["college"]: row for row in result["colleges"]}
    assert by_code["A"]["shares"]["for"] == "3/5" and by_code["B"]["weight"] == "3/10"
    # The same ballots, one member one vote: 1243 of 2110 for, adopted.
    assembly.scheme = Scheme.ONE_MEMBER_ONE_VOTE
    plain = services.compute_result(resolution)
    assert Fraction(plain["for_share"]) == Fraction(1243, 2110) and plain["outcome"] == "adopted"


def test_the_share_cap_is_applied_in_the_count(world):
    w = world
    a = w.colleges["A"]
    assembly = _assembly(w, scheme=Scheme.PER_SHARE_CAPPED, share_cap=Decimal("0.10"))
    resolution = services.add_resolution(
        assembly, w.chair, kind=ResolutionKind.ORDINARY, title="Capped", text="Shares."
    )
    rows = [
        (a, "for", 500, 1),
        (a, "against", 10, 40),
        (a, "against", 3, 1),
        (a, "for", 5, 20),
        (a, "abstain", 900, 1),
    ]
    _ballots(resolution, rows)
    result = services.compute_result(resolution)
    rule = services.resolution_rules(resolution)
    expected = rules.tally(
        rule,
        rules.capped_counts(
            rule, [(a.id, Choice(ch), wt) for _c, ch, wt, n in rows for _ in range(n)]
        ),
    )
    # A tenth of the 1,003 shares for and against: the big holder weighs 100.3, exactly.
    assert result["cap"] == "1003/10"
    assert Fraction(result["for_share"]) == expected.for_share == Fraction(2003, 6033)


def test_a_board_election_fills_the_seats_with_the_most_approved(world):
    w = world
    seats = factories.seat_group("Elected seats", [w.colleges["A"]], 2)
    people = [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(3)]
    for person, gender in zip(people, ["male", "male", "female"], strict=True):
        person.gender = gender
    assembly = _assembly(w)
    election = services.add_resolution(
        assembly,
        w.chair,
        kind=ResolutionKind.BOARD_ELECTION,
        seat_group=seats,
        seats=2,
        candidates=people,
    )
    first, second, third = election.candidates
    for approvals in ([first, second], [first, second], [first, third], [second]):
        ballot_id = secrets.token_hex(16)
        db.session.add(
            Ballot(
                id=ballot_id,
                resolution_id=election.id,
                college_id=w.colleges["A"].id,
                choice=None,
                weight=1,
                receipt_hash=secrets.token_hex(32),
            )
        )
        db.session.flush()
        for candidate in approvals:
            db.session.add(BallotApproval(ballot_id=ballot_id, candidate_id=candidate.id))
    db.session.flush()
    result = services.compute_result(election)
    ranking = [(c["candidate"], c["score"], c["elected"]) for c in result["candidates"]]
    assert ranking == [(first.id, "3/1", True), (second.id, "3/1", True), (third.id, "1/1", False)]
    assert result["gender_rule"]["below"] == ["female"]
    with pytest.raises(ServiceError, match="Approve at most 2 candidates"):
        services.convene(assembly, w.chair)
        assembly.advance_voting_from = utcnow() - timedelta(hours=1)
        services.cast(election, w.member, w.member, approvals=[first.id, second.id, third.id])
