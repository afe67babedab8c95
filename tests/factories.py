"""Factories for tests: members, colleges, offices, seats. Cheap password hashes."""

import itertools
from types import SimpleNamespace

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from sip.board.models import BoardSeat, SeatGroup
from sip.db import utcnow
from sip.extensions import db
from sip.members.models import College, Member, MemberStatus, Office, Role, RoleGrant

PASSWORD = "correct horse battery"
#: One cheap hash for every test member (the app itself uses scrypt).
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


def college(code: str, is_staff: bool = False, position: int = 0) -> College:
    row = College(
        code=code,
        name_en=f"{code} en",
        name_fr=f"{code} fr",
        name_nl=f"{code} nl",
        is_staff=is_staff,
        position=position,
    )
    db.session.add(row)
    return row


def office(code: str, name_en: str | None = None, position: int = 0) -> Office:
    row = Office(
        code=code,
        name_en=name_en or code.title(),
        name_fr=f"{code} fr",
        name_nl=f"{code} nl",
        position=position,
    )
    db.session.add(row)
    return row


def member(
    college: College,
    office: Office,
    *,
    name: str | None = None,
    email: str | None = None,
    status: MemberStatus = MemberStatus.ACTIVE,
    roles: tuple[Role, ...] = (),
    language: str = "en",
    shares: int = 1,
) -> Member:
    n = next(_seq)
    m = Member(
        name=name or f"Member {n}",
        email=(email or f"member{n}@test.example").lower(),
        password_hash=PASSWORD_HASH,
        college=college,
        office=office,
        status=status,
        language=language,
        shares=shares,
        approved_at=utcnow() if status == MemberStatus.ACTIVE else None,
    )
    m.role_grants = [RoleGrant(role=r) for r in roles]
    db.session.add(m)
    db.session.flush()
    return m


def seat_group(name: str, colleges: list[College], seats: int) -> SeatGroup:
    group = SeatGroup(name_en=name, name_fr=name, name_nl=name, colleges=colleges)
    group.seats = [BoardSeat(number=i) for i in range(1, seats + 1)]
    db.session.add(group)
    db.session.flush()
    return group


def build_world() -> SimpleNamespace:
    """A small co-operative with one member per role, used across the suite."""
    a, b, c = (
        college("A", position=0),
        college("B", is_staff=True, position=1),
        college("C", position=2),
    )
    bxl, ant = office("BXL", "Brussels", 0), office("ANT", "Antwerp", 1)
    db.session.flush()
    w = SimpleNamespace(colleges={"A": a, "B": b, "C": c}, offices={"BXL": bxl, "ANT": ant})
    w.admin = member(b, bxl, name="Ada Admin", email="admin@test.example", roles=(Role.ADMIN,))
    w.moderator = member(
        b, bxl, name="Mo Moderator", email="moderator@test.example", roles=(Role.MODERATOR,)
    )
    w.chair = member(
        a, ant, name="Cha Chair", email="chair@test.example", roles=(Role.ASSEMBLY_CHAIR,)
    )
    w.payroll = member(
        b, ant, name="Pay Officer", email="payroll@test.example", roles=(Role.PAYROLL_OFFICER,)
    )
    w.expert = member(c, bxl, name="Ex Pert", email="expert@test.example", roles=(Role.EXPERT,))
    w.member = member(a, bxl, name="Mem Ber", email="member@test.example")
    w.board = member(a, ant, name="Bo Ard", email="board@test.example")
    w.applicant = member(
        a, bxl, name="App Licant", email="applicant@test.example", status=MemberStatus.APPLICANT
    )
    w.users_seats = seat_group("Users", [a], 3)
    w.other_seats = seat_group("Employees and partners", [b, c], 2)
    seat(w.users_seats.seats[0], w.board)
    db.session.flush()
    return w


def seat(board_seat, holder, starts_on=None):
    """Seat ``holder`` for a four-year term from ``starts_on`` (a year ago by default)."""
    from datetime import timedelta

    from sip.board.models import BoardTerm
    from sip.board.rules import term_end
    from sip.db import local_today

    start = starts_on or local_today() - timedelta(days=365)
    board_seat.holder = holder
    board_seat.assigned_at = utcnow()
    db.session.flush()
    db.session.add(
        BoardTerm(
            seat_id=board_seat.id,
            member_id=holder.id,
            starts_on=start,
            ends_on=term_end(start, 4),
        )
    )


# -- cycles and working groups ------------------------------------------------------------


def cycle(name: str = "SIP Test", phase_offset_days: int = 10):
    """A cycle whose call for topics began ``phase_offset_days`` ago and runs 30 days."""
    from datetime import timedelta

    from sip.cycles.models import Cycle
    from sip.db import local_today

    start = local_today() - timedelta(days=phase_offset_days)
    row = Cycle(
        name=name,
        description="",
        topics_from=start,
        groups_from=start + timedelta(days=30),
        review_from=start + timedelta(days=60),
        assembly_from=start + timedelta(days=90),
        implementation_from=start + timedelta(days=120),
        ends_on=start + timedelta(days=400),
    )
    db.session.add(row)
    db.session.flush()
    return row


def topic(cycle_, author, title: str = "A topic"):
    from sip.cycles.models import Topic

    row = Topic(cycle_id=cycle_.id, title=title, description="Why it matters.", author=author)
    db.session.add(row)
    db.session.flush()
    return row


def group(cycle_, moderator, *, name: str = "A group", state=None, members=()):
    """A working group with its moderator and accepted members [(member, role)]."""
    from datetime import timedelta

    from sip.db import local_today
    from sip.working_groups.models import (
        GroupMembership,
        GroupState,
        MembershipStatus,
        WorkingGroup,
    )

    g = WorkingGroup(
        cycle_id=cycle_.id,
        name=name,
        mandate="The question.",
        deadline=local_today() + timedelta(days=90),
        state=state or GroupState.ACTIVE,
    )
    db.session.add(g)
    g.memberships.append(
        GroupMembership(member=moderator, role="moderator", status=MembershipStatus.ACCEPTED)
    )
    for m, role in members:
        g.memberships.append(GroupMembership(member=m, role=role, status=MembershipStatus.ACCEPTED))
    db.session.flush()
    return g


def build_groups(w) -> None:
    """Add a cycle in its call for topics, an active group and a submitted group to ``w``."""
    from datetime import timedelta

    from sip.working_groups import services as wg
    from sip.working_groups.models import GroupMembership, GroupState, MembershipStatus

    a, b, c = w.colleges["A"], w.colleges["B"], w.colleges["C"]
    bxl = w.offices["BXL"]
    w.board2 = member(a, bxl, name="Bea Board", email="board2@test.example")
    seat(w.users_seats.seats[1], w.board2)
    w.group_member = member(a, bxl, name="Gro Upmember", email="group_member@test.example")
    w.author = member(a, bxl, name="Au Thor", email="author@test.example")
    w.expert2 = member(c, bxl, name="Ex Two", email="expert2@test.example", roles=(Role.EXPERT,))
    w.moderator2 = member(
        b, bxl, name="Mo Two", email="moderator2@test.example", roles=(Role.MODERATOR,)
    )
    w.cycle = cycle()
    w.topic = topic(w.cycle, w.author, "Shared tools for freelancers")
    w.group = group(
        w.cycle,
        w.moderator,
        name="Becoming a co-operative",
        members=[
            (w.board, "board"),
            (w.board2, "board"),
            (w.group_member, "community"),
            (w.expert, "expert"),
        ],
    )
    w.request = GroupMembership(
        member=w.payroll, role="community", status=MembershipStatus.REQUESTED
    )
    w.group.memberships.append(w.request)
    w.other_group = group(w.cycle, w.moderator2, name="Another group", state=GroupState.FORMING)
    w.other_request = GroupMembership(
        member=w.chair, role="community", status=MembershipStatus.REQUESTED
    )
    w.other_group.memberships.append(w.other_request)
    db.session.flush()
    now = utcnow()
    w.future_meeting = wg.schedule_meeting(
        w.moderator,
        group=w.group,
        title="Second meeting",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
        place="Brussels office",
    )
    w.past_meeting = wg.schedule_meeting(
        w.moderator,
        group=w.group,
        title="First meeting",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3, hours=-2),
        online_url="https://meet.example.org/sip",
    )
    w.small_talk = wg.schedule_meeting(
        w.moderator,
        office=bxl,
        title="Small talk in Brussels",
        starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=5, hours=1),
        place="Brussels office",
    )
    w.document = wg.create_document(w.group, w.moderator, title="Notes", body="First notes.")
    w.specialist = wg.request_specialist(
        w.group, w.moderator, kind="expert_opinion", description="A lawyer"
    )
    w.draft = wg.create_recommendation(
        w.group,
        w.group_member,
        title="Open the co-operative",
        text="Every user becomes a member.",
        rationale="Because.",
    )
    w.evidence = wg.cite_evidence(
        w.draft, w.group_member, kind="meeting", target_id=w.past_meeting.id
    )
    w.public_group = group(
        w.cycle,
        w.moderator2,
        name="A submitted group",
        state=GroupState.DRAFTING,
        members=[(w.board, "board"), (w.board2, "board")],
    )
    w.submitted = wg.create_recommendation(
        w.public_group,
        w.moderator2,
        title="Mutual fund",
        text="Keep the guarantee fund.",
        rationale="",
    )
    wg.transition(w.public_group, GroupState.SUBMITTED, w.moderator2)
    db.session.flush()


# -- forum --------------------------------------------------------------------------------


def category(name: str = "General", **settings):
    from sip.forum.models import Category

    row = Category(name_en=name, name_fr=f"{name} fr", name_nl=f"{name} nl", **settings)
    db.session.add(row)
    db.session.flush()
    return row


def thread(category_, author, title: str = "A thread", body: str = "The opening post.", **kw):
    """A published thread with its opening post, written directly (no pre-moderation)."""
    from sip.forum.models import Post, PostStatus, Thread, ThreadStatus

    status = kw.pop("status", PostStatus.PUBLISHED)
    when = kw.pop("created_at", None) or utcnow()
    t = Thread(
        category_id=category_.id,
        title=title,
        author_id=author.id,
        created_at=when,
        last_post_at=when,
        last_poster_id=author.id,
        status=ThreadStatus.PUBLISHED if status == PostStatus.PUBLISHED else ThreadStatus.PENDING,
        **kw,
    )
    db.session.add(t)
    db.session.flush()
    db.session.add(
        Post(
            thread=t, is_first=True, author_id=author.id, body=body, status=status, created_at=when
        )
    )
    db.session.flush()
    return t


def post(thread_, author, body: str = "A reply.", status=None, created_at=None):
    """A reply written directly, published unless ``status`` says otherwise."""
    from sip.forum.models import Post, PostStatus
    from sip.forum.services import refresh_thread

    p = Post(
        thread=thread_,
        author_id=author.id,
        body=body,
        status=status or PostStatus.PUBLISHED,
        created_at=created_at or utcnow(),
    )
    db.session.add(p)
    db.session.flush()
    refresh_thread(thread_)
    return p


def first_post(thread_):
    from sip.forum.models import Post

    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread_.id, Post.is_first))


def build_forum(w) -> None:
    """Add to a ``build_groups`` world: categories, threads and posts in every state."""
    from datetime import timedelta

    from sip.forum import services as forum
    from sip.forum.models import PostStatus
    from sip.notifications.services import notify

    a, bxl = w.colleges["A"], w.offices["BXL"]
    w.forum_moderator = member(
        a, bxl, name="Fo Rum", email="forum_moderator@test.example", roles=(Role.FORUM_MODERATOR,)
    )
    w.general = category("General", position=0)
    w.announcements = category("Announcements", position=1, moderators_only=True)
    w.empty_category = category("Empty", position=2)
    w.group_category = forum.ensure_group_category(w.group)
    w.forming_category = forum.ensure_group_category(w.other_group)
    w.public_category = forum.ensure_group_category(w.public_group)

    w.thread = thread(w.general, w.member, "Budget of the co-operative", "How is the budget made?")
    w.own_post = first_post(w.thread)
    w.reply = post(w.thread, w.board, "The board votes the budget every year.")
    w.member_reply = post(w.thread, w.member, "Thank you for the answer.")
    w.old_post = post(
        w.thread, w.member, "An old remark.", created_at=utcnow() - timedelta(hours=2)
    )
    w.hidden_post = post(w.thread, w.author, "Buy cheap watches!", status=PostStatus.HIDDEN)
    w.hidden_post.moderation_reason = "Advertising."
    w.hidden_post.moderated_by_id = w.admin.id
    w.pending_thread = thread(w.general, w.author, "Waiting thread", status=PostStatus.PENDING)

    w.group_thread = thread(w.group_category, w.group_member, "Our first meeting", "Agenda ideas.")
    w.group_pending = post(w.group_thread, w.group_member, "A pending idea.", PostStatus.PENDING)
    w.forming_thread = thread(w.forming_category, w.moderator2, "Forming thread", "Hello group.")
    w.public_thread = thread(w.public_category, w.moderator2, "Published work", "Our report.")

    w.suspension = forum.suspend_member(w.author, w.admin, days=3, reason="Spam.")
    notify([w.member.id], "forum.reply", w.reply, thread=w.thread.title, author=w.board.name)
    db.session.flush()
    from sip.notifications.models import Notification

    w.notification = db.session.scalar(
        sa.select(Notification)
        .where(Notification.member_id == w.member.id)
        .order_by(Notification.id.desc())
    )


def build_board(w) -> None:
    """A staff representative observing the board; a board meeting reviewing the submitted
    recommendation, with both board members present (quorum); a returned recommendation."""
    from datetime import timedelta

    from sip.board import services as board
    from sip.board.models import BoardObserver
    from sip.working_groups.models import (
        Recommendation,
        RecommendationState,
        RecommendationVersion,
    )

    w.observer = BoardObserver(member=w.moderator2)
    db.session.add(w.observer)
    db.session.flush()
    w.board_meeting = board.schedule_meeting(
        w.admin,
        title="Board meeting",
        starts_at=utcnow() + timedelta(days=1),
        chair=w.board,
        recommendations=[w.submitted],
    )
    board.record_attendance(w.board_meeting, w.admin, {w.board.id, w.board2.id})
    w.returned = Recommendation(group=w.public_group, state=RecommendationState.RETURNED)
    w.returned.versions.append(
        RecommendationVersion(number=1, title="Answer", text="Our answer.", author=w.moderator2)
    )
    db.session.add(w.returned)
    db.session.flush()


def build_assemblies(w) -> None:
    """A draft assembly; one convened for tomorrow (a pending proxy from the member to the
    board member); one in session (a resolution open, one pending, one closed with ballots);
    one whose only resolution is closed, ready to certify."""
    from datetime import timedelta

    from sip.assembly import services as ga
    from sip.assembly.models import DocumentKind, ResolutionKind
    from sip.db import local_today

    now = utcnow()

    def make(title, starts_at):
        return ga.create_assembly(
            w.chair,
            title=title,
            kind="ordinary",
            starts_at=starts_at,
            convocation_on=local_today() - timedelta(days=20),
        )

    def resolution(assembly, title):
        return ga.add_resolution(
            assembly, w.chair, kind=ResolutionKind.ORDINARY, title=title, text="Agreed."
        )

    w.draft_assembly = make("Draft assembly", now + timedelta(days=40))
    w.draft_document = ga.add_document(
        w.draft_assembly, w.chair, kind=DocumentKind.TEXT, title="Report", body="The report."
    )
    w.draft_resolution = resolution(w.draft_assembly, "Draft resolution")
    w.assembly = make("Assembly tomorrow", now + timedelta(days=1))
    w.assembly.advance_voting_from = now + timedelta(hours=20)
    w.resolution = resolution(w.assembly, "Tomorrow's resolution")
    ga.convene(w.assembly, w.chair)
    w.proxy = ga.appoint_proxy(w.assembly, w.member, w.board)
    w.live_assembly = make("Assembly in session", now + timedelta(hours=2))
    w.open_resolution = resolution(w.live_assembly, "Open resolution")
    w.pending_resolution = resolution(w.live_assembly, "Pending resolution")
    w.closed_resolution = resolution(w.live_assembly, "Closed resolution")
    ga.convene(w.live_assembly, w.chair)
    w.live_assembly.starts_at = now - timedelta(minutes=10)
    ga.open_resolution(w.open_resolution, w.chair)
    ga.open_resolution(w.closed_resolution, w.chair)
    ga.cast(w.closed_resolution, w.board, w.board, choice="for")
    ga.close_resolution(w.closed_resolution, w.chair)
    w.done_assembly = make("Assembly done", now + timedelta(hours=2))
    w.done_resolution = resolution(w.done_assembly, "Done resolution")
    ga.convene(w.done_assembly, w.chair)
    w.done_assembly.starts_at = now - timedelta(hours=1)
    ga.open_resolution(w.done_resolution, w.chair)
    ga.close_resolution(w.done_resolution, w.chair)
    db.session.flush()


def build_surveys(w) -> None:
    """Add a published questionnaire by the moderator, results after answering."""
    from sip.surveys import services as surveys
    from sip.surveys.models import ResultsVisibility
    from sip.surveys.rules import Kind

    w.survey = surveys.create_survey(
        w.moderator, title="Services", results_visibility=ResultsVisibility.AFTER_ANSWER
    )
    w.survey_question = surveys.add_question(
        w.survey, w.moderator, kind=Kind.RATING, text="Recommend us?"
    )
    heard = surveys.add_question(
        w.survey, w.moderator, kind=Kind.SINGLE, text="Heard of us by?", options=["Friend", "Web"]
    )
    w.survey_option = heard.choices[0]
    surveys.publish(w.survey, w.moderator)


# -- actions ------------------------------------------------------------------------------


def build_actions(w) -> None:
    """Add to a ``full_world``: the submitted recommendation, citing the public group's
    thread, amended by the board, adopted by an assembly of the cycle; an action for it owned
    by the group member, and one owned by a team, late."""
    from datetime import timedelta

    from sip.actions import services as actions
    from sip.assembly import services as ga
    from sip.assembly.models import ResolutionKind
    from sip.board import services as board
    from sip.board.models import DecisionKind
    from sip.board.rules import Choice
    from sip.db import local_today
    from sip.working_groups.models import RecommendationState
    from sip.working_groups.services import cite_evidence_unchecked

    w.cited = cite_evidence_unchecked(w.submitted, w.moderator2, "thread", w.public_thread.id)
    w.decision = board.decide(
        w.submitted,
        w.board_meeting,
        w.board,
        kind=DecisionKind.AMEND,
        motivation="Publish the fund's rules too.",
        votes={w.board.id: Choice.FOR, w.board2.id: Choice.FOR},
        title="Mutual fund, public",
        text="Keep the guarantee fund and publish its rules.",
    )
    now = utcnow()
    w.cycle_assembly = ga.create_assembly(
        w.chair,
        title="Assembly of the cycle",
        kind="ordinary",
        starts_at=now + timedelta(hours=1),
        convocation_on=local_today() - timedelta(days=20),
    )
    w.cycle_assembly.cycle_id = w.cycle.id
    w.adopted = ga.add_resolution(
        w.cycle_assembly, w.chair, kind=ResolutionKind.RECOMMENDATION, recommendation=w.submitted
    )
    ga.convene(w.cycle_assembly, w.chair)
    assert w.submitted.state == RecommendationState.ON_AGENDA
    w.cycle_assembly.starts_at = now - timedelta(minutes=5)
    ga.check_in(w.cycle_assembly, w.member)
    ga.open_resolution(w.adopted, w.chair)
    for voter in (w.board, w.board2, w.member):
        ga.cast(w.adopted, voter, voter, choice="for")
    ga.cast(w.adopted, w.group_member, w.group_member, choice="against")
    ga.close_resolution(w.adopted, w.chair)
    assert w.submitted.state == RecommendationState.ADOPTED
    w.action = actions.create_action(
        w.adopted,
        w.board,
        title="Publish the fund's rules",
        description="On the **website**.",
        owner_email=w.group_member.email,
        due_on=local_today() + timedelta(days=30),
    )
    w.late_action = actions.create_action(
        w.adopted,
        w.admin,
        title="Yearly report of the fund",
        owner_team="Finance department",
        due_on=local_today(),
    )
    w.late_action.due_on = local_today() - timedelta(days=1)
    db.session.flush()


def simple_action(w) -> None:
    """An action for the adopted ordinary resolution of ``build_assemblies``, owned by the
    member (the role table's owner)."""
    from datetime import timedelta

    from sip.actions import services as actions
    from sip.db import local_today

    w.action = actions.create_action(
        w.closed_resolution,
        w.admin,
        title="Carry it out",
        owner_email=w.member.email,
        due_on=local_today() + timedelta(days=10),
    )
    db.session.flush()


# -- payroll ------------------------------------------------------------------------------


def build_payroll(w) -> None:
    """Add to a ``build_world`` world: the member's activity and Belgian client, a validated
    contract and a declared one; another member's activity, client and contract."""
    from datetime import timedelta

    from sip.db import local_today
    from sip.payroll import services as payroll

    today = local_today()
    w.activity = payroll.create_activity(w.member, name="Photography")
    w.client = payroll.create_client(
        w.member, name="Atelier Lumière", address="Rue Haute 1, Brussels", vat_number="BE0403170701"
    )
    w.private_client = payroll.create_client(w.member, name="Jo Private", address="Gent")
    w.contract = payroll.declare_contract(
        w.member,
        activity=w.activity,
        client=w.client,
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=3),
        days_worked=5,
        description="Wedding photos",
        amount="5000.00",
    )
    payroll.validate_contract(w.payroll, w.contract)
    w.declared = payroll.declare_contract(
        w.member,
        activity=w.activity,
        client=w.private_client,
        starts_on=today - timedelta(days=2),
        ends_on=today,
        days_worked=2,
        description="Portraits",
        amount="400.00",
    )
    w.other_activity = payroll.create_activity(w.board, name="Translation")
    w.other_client = payroll.create_client(
        w.board, name="Éditions Nord", vat_number="FR40303265045"
    )
    w.other_contract = payroll.declare_contract(
        w.board,
        activity=w.other_activity,
        client=w.other_client,
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
        days_worked=10,
        description="A novel",
        amount="3000.00",
    )
    db.session.flush()


def invoice_lines(amount: str = "1000.00", rate: str = "0.21") -> list[dict]:
    return [{"description": "Photo shoot", "quantity": "1", "unit_price": amount, "vat_rate": rate}]


def payroll_for_access(w) -> None:
    """``build_payroll`` and a draft invoice of the validated contract, for the role table."""
    from datetime import timedelta

    from sip.db import local_today
    from sip.payroll import services as payroll

    build_payroll(w)
    w.invoice = payroll.create_invoice(w.member, w.contract, lines=invoice_lines())
    issued = payroll.create_invoice(w.member, w.contract, lines=invoice_lines())
    payroll.issue_invoice(w.member, issued)
    w.expense = payroll.submit_expense(
        w.member,
        activity=w.activity,
        spent_on=local_today(),
        description="Train",
        category="travel",
        amount="10.00",
        receipt=b"%PDF-1.4 receipt",
        receipt_name="ticket.pdf",
    )
    w.salary = payroll.request_salary(
        w.member,
        activity=w.activity,
        budget="100.00",
        work_starts_on=local_today() - timedelta(days=5),
        work_ends_on=local_today() - timedelta(days=1),
    )
    current = payroll.schedule().on(local_today())
    w.future_rates = payroll.set_rates(
        w.payroll,
        valid_from=local_today() + timedelta(days=90),
        contribution="0.07",
        employer_ssc=current.employer_ssc,
        employee_ssc=current.employee_ssc,
        vat_rates=current.vat_rates,
        withholding=[(b.up_to, b.rate) for b in current.withholding],
        guarantee_days=current.guarantee_days,
    )
    db.session.flush()
