"""Board meetings and decisions on recommendations: quorum, votes, the tie rule, the
amendment's diff, the timeline, notifications, and every refusal leaving nothing changed."""

import html
import re

import pytest
import sqlalchemy as sa

from sip.audit import AuditEntry
from sip.board import services
from sip.board.models import BoardDecision, BoardVote
from sip.board.rules import Choice
from sip.errors import ServiceError
from sip.extensions import db
from sip.notifications.models import Notification
from sip.working_groups.models import RecommendationState
from tests import factories


@pytest.fixture
def board_world(groups_world):
    factories.build_board(groups_world)
    return groups_world


def _decide(client, w, data=None, **votes):
    form = {"kind": "validate", "motivation": "Sound and clear."}
    form.update(data or {})
    for member, choice in (votes or {"board": "for", "board2": "for"}).items():
        form[f"vote-{getattr(w, member).id}"] = choice
    url = f"/board/meetings/{w.board_meeting.id}/recommendations/{w.submitted.id}/decide"
    return client.post(url, data=form)


def _decisions():
    return db.session.scalars(sa.select(BoardDecision)).all()


def test_the_board_validates_and_the_group_is_told(client, auth, board_world):
    w = board_world
    auth.login_as(w.board)
    form = client.get(
        f"/board/meetings/{w.board_meeting.id}/recommendations/{w.submitted.id}/decide"
    ).get_data(as_text=True)
    assert "Bea Board" in form and "Quorum reached: 2 of 2." in form
    response = _decide(client, w, board="for", board2="abstain")
    assert response.status_code == 303
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.VALIDATED
    (decision,) = _decisions()
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (1, 0, 1)
    assert {(v.member_id, v.choice) for v in decision.votes} == {
        (w.board.id, Choice.FOR),
        (w.board2.id, Choice.ABSTAIN),
    }
    assert (decision.present, decision.seats_filled) == (2, 2)
    assert w.submitted in services.agenda_candidates()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "board.decided"))
    assert entry.details["carried"] is True and entry.actor_id == w.board.id
    told = db.session.scalars(
        sa.select(Notification.member_id).where(Notification.kind == "board.decision")
    ).all()
    assert set(told) == {m.member_id for m in w.public_group.members}
    auth.logout()
    auth.login_as(w.moderator2)
    notices = html.unescape(client.get("/notifications/").get_data(as_text=True))
    assert "The board voted on your group's recommendation “Mutual fund”: validated." in notices
    # Anyone reads the path: the submission, then the decision with its motivation and vote.
    auth.logout()
    page = client.get(f"/working-groups/recommendations/{w.submitted.id}").get_data(as_text=True)
    path = page.split('id="timeline"')[1].split("</section>")[0]
    assert path.index("Submitted to the board.") < path.index("Board decision: Validation")
    assert "Sound and clear." in path and "for 1, against 0, abstaining 1" in path
    assert "Bea Board: abstained" in path


def test_an_amendment_is_the_boards_version_shown_beside_the_groups(client, auth, board_world):
    w = board_world
    auth.login_as(w.board)
    empty = _decide(client, w, {"kind": "amend", "text": ""})
    assert empty.status_code == 422
    assert "Write the board's amended text." in html.unescape(empty.get_data(as_text=True))
    same = _decide(client, w, {"kind": "amend", "text": "Keep the guarantee fund."})
    assert "The amended text is the same as the group" in same.get_data(as_text=True)
    assert _decisions() == []
    amended = _decide(
        client, w, {"kind": "amend", "text": "Keep the guarantee fund and publish its accounts."}
    )
    assert amended.status_code == 303
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.AMENDED
    board_version = w.submitted.current
    assert board_version.by_board and board_version.number == 2
    assert _decisions()[0].version_id == board_version.id
    auth.logout()
    auth.login_as(w.member)
    page = client.get(f"/working-groups/recommendations/{w.submitted.id}").get_data(as_text=True)
    assert "The board amended this recommendation" in page
    diff = client.get(f"/working-groups/recommendations/{w.submitted.id}/diff?from=1&to=2")
    sides = html.unescape(diff.get_data(as_text=True))
    assert "Version 1: the group's text" in sides and "Version 2: the board's text" in sides
    inserted = re.findall(r"<ins>(.*?)</ins>", sides, re.S)
    assert any("publish its accounts." in part for part in inserted)
    assert "<del>fund.</del>" in sides  # the group's side shows what the board replaced


def test_a_returned_recommendation_comes_back_and_a_rejected_one_does_not(
    client, auth, board_world
):
    w = board_world
    auth.login_as(w.board)
    returned = _decide(client, w, {"kind": "return", "motivation": "Who pays for it?"})
    assert returned.status_code == 303
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.RETURNED
    # The group answers in a new version and submits again.
    auth.logout()
    auth.login_as(w.moderator2)
    edit = client.post(
        f"/working-groups/recommendations/{w.submitted.id}/edit",
        data={"title": "Mutual fund", "text": "Keep the fund; members pay 2 %.", "rationale": ""},
    )
    assert edit.status_code == 303
    again = client.post(f"/working-groups/recommendations/{w.submitted.id}/resubmit")
    assert again.status_code == 303
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.SUBMITTED
    page = client.get(f"/working-groups/recommendations/{w.submitted.id}").get_data(as_text=True)
    assert "Submitted to the board again." in page and "Who pays for it?" in page
    auth.logout()
    auth.login_as(w.board)
    assert _decide(client, w, {"kind": "reject", "motivation": "Too costly."}).status_code == 303
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.REJECTED
    auth.logout()
    auth.login_as(w.moderator2)
    refused = client.post(f"/working-groups/recommendations/{w.submitted.id}/resubmit")
    assert refused.status_code == 422
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.REJECTED


def test_deciding_twice_is_refused(client, auth, board_world):
    w = board_world
    auth.login_as(w.board)
    assert _decide(client, w).status_code == 303
    twice = _decide(client, w, {"kind": "reject"})
    assert twice.status_code == 422
    assert "This recommendation is not waiting for the board: it is “Validated”." in (
        twice.get_data(as_text=True)
    )
    assert len(_decisions()) == 1


def test_without_quorum_nothing_is_decided(client, auth, board_world):
    w = board_world
    factories.seat(w.users_seats.seats[2], w.member)  # three filled seats: two make quorum
    services.record_attendance(w.board_meeting, w.admin, {w.board.id})
    db.session.commit()
    auth.login_as(w.board)
    response = _decide(client, w, board="for")
    assert response.status_code == 422
    assert "The meeting has no quorum: 1 board members present, 2 needed." in (
        response.get_data(as_text=True)
    )
    assert _decisions() == [] and db.session.scalars(sa.select(BoardVote)).all() == []
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.SUBMITTED


def test_only_members_present_vote_and_every_one_of_them_does(client, auth, board_world):
    w = board_world
    factories.seat(w.users_seats.seats[2], w.member)
    db.session.commit()
    auth.login_as(w.board)
    absent = _decide(client, w, board="for", board2="for", member="against")
    assert absent.status_code == 422
    assert "Only members present vote: Mem Ber was not present." in absent.get_data(as_text=True)
    observer = _decide(client, w, board="for", board2="for", moderator2="for")
    assert "Ex Two" not in observer.get_data(as_text=True)
    assert "Mo Two was not present" in observer.get_data(as_text=True)  # observers do not vote
    missing = _decide(client, w, board="for")
    assert "Record the vote of every board member present." in missing.get_data(as_text=True)
    no_motivation = _decide(client, w, {"motivation": ""})
    assert no_motivation.status_code == 422
    assert _decisions() == []
    # A board member who is not present cannot record a decision.
    auth.logout()
    auth.login_as(w.member)
    refused = _decide(client, w)
    assert "Only a board member present at the meeting records a decision." in (
        refused.get_data(as_text=True)
    )
    assert _decisions() == []


def test_a_tie_is_lost_unless_the_chair_has_a_casting_vote(
    client, auth, board_world, monkeypatch, app
):
    w = board_world
    auth.login_as(w.board)
    lost = _decide(client, w, board="for", board2="against")
    assert lost.status_code == 303
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.SUBMITTED  # waits for another motion
    assert _decisions()[0].carried is False
    monkeypatch.setitem(app.config, "BOARD_CHAIR_CASTING_VOTE", True)
    carried = _decide(client, w, board="for", board2="against")  # w.board chairs
    assert carried.status_code == 303
    decision = _decisions()[1]
    assert decision.carried and decision.by_casting_vote
    db.session.refresh(w.submitted)
    assert w.submitted.state == RecommendationState.VALIDATED


def test_only_submitted_recommendations_go_on_the_agenda(board_world):
    w = board_world
    with pytest.raises(ServiceError, match="Only submitted recommendations"):
        services.schedule_meeting(
            w.admin,
            title="Too early",
            starts_at=w.board_meeting.starts_at,
            recommendations=[w.draft],
        )


def test_attendance_takes_board_members_and_observers_only(client, auth, board_world):
    w = board_world
    auth.login_as(w.admin)
    url = f"/board/meetings/{w.board_meeting.id}/attendance"
    refused = client.post(url, data={"present": [str(w.board.id), str(w.member.id)]})
    assert refused.status_code == 422
    assert "Only board members and observers attend board meetings." in refused.get_data(
        as_text=True
    )
    ok = client.post(
        url, data={"present": [str(w.board.id), str(w.board2.id), str(w.moderator2.id)]}
    )
    assert ok.status_code == 303
    page = client.get(f"/board/meetings/{w.board_meeting.id}").get_data(as_text=True)
    assert "Observers (without a vote): Mo Two" in page
    assert "Reached" in page and "2 board members present of 2 filled seats" in page
    # Someone who voted stays present.
    auth.logout()
    auth.login_as(w.board)
    assert _decide(client, w).status_code == 303
    auth.logout()
    auth.login_as(w.admin)
    kept = client.post(url, data={"present": [str(w.board.id)]})
    assert "Members who voted in this meeting stay recorded as present." in kept.get_data(
        as_text=True
    )


def test_decision_pages_take_as_many_queries_with_one_or_many_decisions(
    client, auth, board_world, count_queries
):
    w = board_world
    auth.login_as(w.board)
    _decide(client, w, board="for", board2="against")  # lost: the recommendation waits
    rec_url = f"/working-groups/recommendations/{w.submitted.id}"
    meeting_url = f"/board/meetings/{w.board_meeting.id}"
    with count_queries() as one_rec:
        client.get(rec_url)
    with count_queries() as one_meeting:
        client.get(meeting_url)
    for _ in range(5):
        _decide(client, w, board="for", board2="against")
    with count_queries() as many_rec:
        client.get(rec_url)
    with count_queries() as many_meeting:
        client.get(meeting_url)
    assert len(_decisions()) == 6
    assert len(many_rec) == len(one_rec)
    assert len(many_meeting) == len(one_meeting)
    with count_queries() as few_seats:
        assert client.get("/board/").status_code == 200
    group = factories.seat_group("More seats", [w.colleges["A"]], 6)
    for seat in group.seats:
        factories.seat(seat, factories.member(w.colleges["A"], w.offices["BXL"]))
    with count_queries() as more_seats:
        assert client.get("/board/").status_code == 200
    assert len(more_seats) == len(few_seats)
