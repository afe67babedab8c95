"""The secret ballot: nothing links a ballot to a member, in the schema or in any query the
app runs from casting to publishing; ballots carry no time and no sequence."""

import re
from datetime import timedelta

import sqlalchemy as sa

from sip.assembly import services
from sip.assembly.models import AssemblyParticipation, Ballot, ResolutionKind
from sip.db import local_today, utcnow
from sip.extensions import db
from tests import factories


def test_the_ballot_table_holds_no_member_no_time_and_no_link():
    columns = {c.name: c for c in Ballot.__table__.columns}
    assert set(columns) == {"id", "resolution_id", "college_id", "choice", "weight", "receipt_hash"}
    assert not any(isinstance(c.type, sa.DateTime) for c in columns.values())
    targets = {fk.column.table.name for fk in Ballot.__table__.foreign_keys}
    assert targets == {"resolution", "college"}
    linked = {fk.column.table.name for fk in AssemblyParticipation.__table__.foreign_keys}
    assert "ballot" not in linked
    assert not isinstance(columns["id"].type, sa.Integer)  # no sequence to match with times


def test_no_query_joins_a_ballot_to_a_member(client, auth, world, count_queries, runner):
    w = world
    now = utcnow()
    assembly = services.create_assembly(
        w.chair,
        title="Secret",
        kind="ordinary",
        starts_at=now + timedelta(hours=1),
        convocation_on=local_today() - timedelta(days=20),
        advance_voting_from=now - timedelta(hours=1),
    )
    resolution = services.add_resolution(
        assembly, w.chair, kind=ResolutionKind.ORDINARY, title="Secret", text="Shh."
    )
    services.convene(assembly, w.chair)
    people = [factories.member(w.colleges["A"], w.offices["BXL"]) for _ in range(20)]
    db.session.commit()
    url = f"/assemblies/{assembly.id}/resolutions/{resolution.id}"
    with count_queries() as statements:
        auth.login_as(w.member)
        client.post(url + "/vote", data={"voter": str(w.member.id), "choice": "for"})
        for person in people:
            services.cast(resolution, person, person, choice="against")
        db.session.commit()
        assembly.starts_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        auth.logout()
        auth.login_as(w.chair)
        client.post(url + "/open")
        client.post(url + "/close")
        for page in ("/results", "/results.json", "/ballots.csv"):
            assert client.get(url + page).status_code == 200
        client.get(f"/assemblies/{assembly.id}/minutes")
        runner.invoke(args=["assembly", "recount", str(resolution.id)])
    ballot = re.compile(r"\bballot\b", re.I)
    people_tables = re.compile(
        r"\b(member|assembly_participation|assembly_attendance|proxy)\b", re.I
    )
    touching = [s for s in statements if ballot.search(s)]
    assert touching, "the flow reads and writes ballots"
    assert [s for s in touching if people_tables.search(s)] == []
    # Random ids: the order of the ballots is not the order they were cast in.
    ids = db.session.scalars(
        sa.select(Ballot.id).where(Ballot.resolution_id == resolution.id)
    ).all()
    assert len(ids) == 21 and len(set(ids)) == 21
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
