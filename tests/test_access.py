"""The role × route table: every route, every role, the status it must answer.

Every later feature adds its routes here; ``test_every_route_is_in_the_table`` fails
for a route nobody listed.
"""

from dataclasses import dataclass, field

import pytest

from tests.conftest import world_cache

ROLES = (
    "anonymous",
    "member",
    "group_member",
    "board",
    "moderator",
    "chair",
    "payroll",
    "expert",
    "forum_moderator",
    "admin",
)
LOGGED_IN = frozenset(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str
    #: Roles allowed through, and the status they get; the others get ``refused``.
    allowed: frozenset[str]
    ok: int = 200
    data: dict = field(default_factory=dict)
    #: Status for logged-in roles outside ``allowed`` (anonymous visitors go to the login page).
    refused: int = 403
    anonymous: int = 302
    #: Exceptions for single roles (e.g. a member who is already in the group gets 422).
    statuses: dict = field(default_factory=dict)

    def expected(self, role: str) -> int:
        if role in self.statuses:
            return self.statuses[role]
        if role in self.allowed:
            return self.ok
        return self.anonymous if role == "anonymous" else self.refused


EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})
#: Members who take part in the cycle (not invited experts, who see only their group).
MEMBER_AREA = LOGGED_IN - {"expert"}
BOARD = frozenset({"board"})
ASSEMBLY = frozenset({"admin", "chair"})
#: Payroll: the member who owns the rows, the payroll officer who sees everyone's.
OWNER = frozenset({"member"})
OWNER_OR_OFFICER = frozenset({"member", "payroll"})
OFFICERS = frozenset({"payroll"})
#: The dated payroll rates: payroll officers and admins.
RATES = frozenset({"payroll", "admin"})
#: Another member's payroll row is a 404; invited experts have no payroll (403).
NOT_YOURS = {"refused": 404, "statuses": {"expert": 403}}
#: Who creates and edits actions: admins and members holding a board seat.
ACTION_MANAGERS = frozenset({"admin", "board"})
GROUP_MANAGERS = frozenset({"moderator", "admin"})  # the group's moderator, and admins
IN_GROUP = frozenset({"group_member", "board", "moderator", "expert"})
CONTRIBUTORS = IN_GROUP | {"admin"}
#: Forum moderators and admins moderate every category.
FORUM_WIDE = frozenset({"forum_moderator", "admin"})
#: Who moderates the group's category: the group's moderator, and the forum-wide moderators.
GROUP_FORUM_MODERATORS = FORUM_WIDE | {"moderator"}

ROUTES = [
    # pages of no feature
    Route("main.index", "GET", "/", EVERYONE),
    Route("main.healthz", "GET", "/healthz", EVERYONE),
    Route("main.switch_language", "POST", "/language", EVERYONE, 303, {"lang": "nl", "next": "/"}),
    # auth: anonymous pages redirect members home; member pages send visitors to log in
    Route(
        "auth.register",
        "GET",
        "/auth/register",
        frozenset({"anonymous"}),
        200,
        refused=303,
        anonymous=200,
    ),
    Route(
        "auth.login",
        "GET",
        "/auth/login",
        frozenset({"anonymous"}),
        200,
        refused=303,
        anonymous=200,
    ),
    Route("auth.forgot_password", "GET", "/auth/forgot", EVERYONE),
    Route("auth.reset_password", "GET", "/auth/reset/not-a-token", EVERYONE, 400),
    Route("auth.logout", "POST", "/auth/logout", LOGGED_IN, 303),
    Route("auth.account", "GET", "/auth/account", LOGGED_IN),
    Route("auth.change_password", "POST", "/auth/account/password", LOGGED_IN, 422),
    Route(
        "auth.change_language",
        "POST",
        "/auth/account/language",
        LOGGED_IN,
        303,
        {"lang-language": "fr"},
    ),
    Route(
        "auth.change_gender",
        "POST",
        "/auth/account/gender",
        LOGGED_IN,
        303,
        {"gender-gender": "female"},
    ),
    # members (admin)
    Route("members.index", "GET", "/members/", ADMIN),
    Route("members.detail", "GET", "/members/{member}", ADMIN),
    Route(
        "members.update_membership",
        "POST",
        "/members/{member}/membership",
        ADMIN,
        303,
        {"college": "{college_a}", "office": "{office_ant}", "shares": "3"},
    ),
    Route("members.approve", "POST", "/members/{applicant}/approve", ADMIN, 303),
    Route(
        "members.reject",
        "POST",
        "/members/{applicant}/reject",
        ADMIN,
        303,
        {"reason": "Not a freelancer"},
    ),
    Route(
        "members.suspend",
        "POST",
        "/members/{member}/suspend",
        ADMIN,
        303,
        {"reason": "Unpaid shares"},
    ),
    Route("members.reactivate", "POST", "/members/{member}/reactivate", ADMIN, 422),
    Route("members.grant_role", "POST", "/members/{member}/roles", ADMIN, 303, {"role": "expert"}),
    Route(
        "members.revoke_role", "POST", "/members/{chair}/roles/assembly_chair/revoke", ADMIN, 303
    ),
    Route("members.catalogue", "GET", "/members/colleges", ADMIN),
    Route("members.catalogue", "GET", "/members/offices", ADMIN),
    Route("members.edit_catalogue", "GET", "/members/colleges/new", ADMIN),
    Route("members.edit_catalogue", "GET", "/members/offices/{office_ant}/edit", ADMIN),
    Route(
        "members.edit_catalogue",
        "POST",
        "/members/offices/new",
        ADMIN,
        303,
        {"code": "GNT", "name_en": "Ghent", "name_fr": "Gand", "name_nl": "Gent", "position": "2"},
    ),
    Route("members.delete_catalogue", "POST", "/members/offices/{office_ant}/delete", ADMIN, 303),
    # board
    Route("board.index", "GET", "/board/", EVERYONE),
    Route("board.seats", "GET", "/board/seats", ADMIN),
    Route("board.edit_group", "GET", "/board/seats/groups/new", ADMIN),
    Route("board.edit_group", "GET", "/board/seats/groups/{users_group}/edit", ADMIN),
    Route("board.delete_group", "POST", "/board/seats/groups/{users_group}/delete", ADMIN, 303),
    Route(
        "board.assign",
        "POST",
        "/board/seats/{vacant_seat}/assign",
        ADMIN,
        303,
        {"seat{vacant_seat}-email": "member@test.example"},
    ),
    Route("board.vacate", "POST", "/board/seats/{filled_seat}/vacate", ADMIN, 303),
    Route("board.renew", "POST", "/board/seats/{filled_seat}/renew", ADMIN, 303),
    Route(
        "board.add_observer",
        "POST",
        "/board/observers",
        ADMIN,
        303,
        {"observer-email": "moderator@test.example"},
    ),
    Route("board.remove_observer", "POST", "/board/observers/{observer}/remove", ADMIN, 303),
    Route("board.meetings", "GET", "/board/meetings", MEMBER_AREA),
    Route("board.new_meeting", "GET", "/board/meetings/new", BOARD | ADMIN),
    Route(
        "board.new_meeting",
        "POST",
        "/board/meetings/new",
        BOARD | ADMIN,
        303,
        {"title": "Next meeting", "starts_at": "2030-03-01T17:00", "chair": ""},
    ),
    Route("board.meeting", "GET", "/board/meetings/{board_meeting}", MEMBER_AREA),
    Route("board.edit_meeting", "GET", "/board/meetings/{board_meeting}/edit", BOARD | ADMIN),
    Route(
        "board.edit_meeting",
        "POST",
        "/board/meetings/{board_meeting}/edit",
        BOARD | ADMIN,
        303,
        {"title": "Renamed", "starts_at": "2030-03-01T17:00", "chair": "{board_member}"},
    ),
    Route(
        "board.attendance",
        "POST",
        "/board/meetings/{board_meeting}/attendance",
        BOARD | ADMIN,
        303,
        {"present": "{board_member}"},
    ),
    Route(
        "board.minutes",
        "POST",
        "/board/meetings/{board_meeting}/minutes",
        BOARD | ADMIN,
        303,
        {"minutes": "Quorum reached."},
    ),
    Route(
        "board.decide",
        "GET",
        "/board/meetings/{board_meeting}/recommendations/{submitted}/decide",
        BOARD,
    ),
    Route(
        "board.decide",
        "POST",
        "/board/meetings/{board_meeting}/recommendations/{submitted}/decide",
        BOARD,
        303,
        {
            "kind": "validate",
            "motivation": "Sound.",
            "vote-{board_member}": "for",
            "vote-{board2}": "for",
        },
    ),
    # cycles and topics
    Route("cycles.index", "GET", "/cycles/", MEMBER_AREA),
    Route("cycles.edit", "GET", "/cycles/new", ADMIN),
    Route("cycles.edit", "GET", "/cycles/{cycle}/edit", ADMIN),
    Route(
        "cycles.edit",
        "POST",
        "/cycles/new",
        ADMIN,
        303,
        {
            "name": "SIP 2099",
            "topics_from": "2099-01-01",
            "groups_from": "2099-02-01",
            "review_from": "2099-06-01",
            "assembly_from": "2099-07-01",
            "implementation_from": "2099-08-01",
            "ends_on": "2100-01-01",
        },
    ),
    Route("cycles.detail", "GET", "/cycles/{cycle}", MEMBER_AREA),
    Route("cycles.topics", "GET", "/cycles/{cycle}/topics", MEMBER_AREA),
    Route("cycles.propose", "GET", "/cycles/{cycle}/topics/new", MEMBER_AREA),
    Route(
        "cycles.propose",
        "POST",
        "/cycles/{cycle}/topics/new",
        MEMBER_AREA,
        303,
        {"title": "Childcare", "description": "For freelancers too."},
    ),
    Route("cycles.topic", "GET", "/cycles/topics/{topic}", MEMBER_AREA),
    Route("cycles.support", "POST", "/cycles/topics/{topic}/support", MEMBER_AREA, 303),
    Route("cycles.unsupport", "POST", "/cycles/topics/{topic}/unsupport", MEMBER_AREA, 422),
    Route(
        "cycles.select",
        "POST",
        "/cycles/topics/{topic}/select",
        BOARD,
        303,
        {
            "name": "Tools",
            "mandate": "Which tools?",
            "deadline": "{deadline}",
            "moderator": "{moderator}",
        },
    ),
    Route(
        "cycles.decline",
        "POST",
        "/cycles/topics/{topic}/decline",
        BOARD,
        303,
        {"note": "Next year."},
    ),
    # working groups: lists are public, each shows what the visitor may see
    Route("working_groups.index", "GET", "/working-groups/", EVERYONE),
    Route("working_groups.recommendations", "GET", "/working-groups/recommendations", EVERYONE),
    Route("working_groups.group", "GET", "/working-groups/{group}", LOGGED_IN),
    Route("working_groups.group", "GET", "/working-groups/{other_group}", MEMBER_AREA),
    Route("working_groups.group", "GET", "/working-groups/{public_group}", EVERYONE),
    Route("working_groups.edit", "GET", "/working-groups/{group}/edit", GROUP_MANAGERS),
    Route(
        "working_groups.edit",
        "POST",
        "/working-groups/{group}/edit",
        GROUP_MANAGERS,
        303,
        {"name": "Renamed", "mandate": "A sharper question", "deadline": "{deadline}"},
    ),
    Route(
        "working_groups.change_state",
        "POST",
        "/working-groups/{group}/state/drafting",
        GROUP_MANAGERS,
        303,
    ),
    Route(
        "working_groups.change_state",
        "POST",
        "/working-groups/{group}/state/closed",
        GROUP_MANAGERS,
        422,
    ),
    Route(
        "working_groups.join",
        "POST",
        "/working-groups/{group}/join",
        MEMBER_AREA,
        303,
        statuses={"group_member": 422, "board": 422, "moderator": 422, "payroll": 422},
    ),
    Route(
        "working_groups.leave",
        "POST",
        "/working-groups/{group}/leave",
        CONTRIBUTORS,
        303,
        statuses={"board": 422, "moderator": 422, "admin": 403},
    ),
    Route(
        "working_groups.accept",
        "POST",
        "/working-groups/{group}/requests/{request}/accept",
        GROUP_MANAGERS,
        303,
    ),
    Route(
        "working_groups.accept",
        "POST",
        "/working-groups/{group}/requests/{other_request}/accept",
        GROUP_MANAGERS,
        404,
    ),
    Route(
        "working_groups.decline",
        "POST",
        "/working-groups/{group}/requests/{request}/decline",
        GROUP_MANAGERS,
        303,
        {"reason": "The group is full."},
    ),
    Route(
        "working_groups.remove",
        "POST",
        "/working-groups/{group}/members/{community}/remove",
        GROUP_MANAGERS,
        303,
    ),
    Route(
        "working_groups.invite_expert",
        "POST",
        "/working-groups/{group}/experts",
        GROUP_MANAGERS,
        303,
        {"expert-email": "expert2@test.example"},
    ),
    Route(
        "working_groups.appoint_moderator",
        "POST",
        "/working-groups/{group}/moderator",
        ADMIN,
        303,
        {"moderator-email": "moderator2@test.example"},
    ),
    Route(
        "working_groups.new_meeting", "GET", "/working-groups/{group}/meetings/new", GROUP_MANAGERS
    ),
    Route(
        "working_groups.new_meeting",
        "POST",
        "/working-groups/{group}/meetings/new",
        GROUP_MANAGERS,
        303,
        {
            "title": "Third",
            "starts_at": "2099-05-01T10:00",
            "ends_at": "2099-05-01T12:00",
            "place": "Ghent",
        },
    ),
    Route("working_groups.small_talks", "GET", "/working-groups/small-talks", MEMBER_AREA),
    Route(
        "working_groups.new_small_talk", "GET", "/working-groups/small-talks/new", GROUP_MANAGERS
    ),
    Route(
        "working_groups.new_small_talk",
        "POST",
        "/working-groups/small-talks/new",
        GROUP_MANAGERS,
        303,
        {
            "title": "Talk",
            "office": "{office_ant}",
            "starts_at": "2099-05-01T18:00",
            "ends_at": "2099-05-01T20:00",
            "place": "Antwerp office",
        },
    ),
    Route("working_groups.meeting", "GET", "/working-groups/meetings/{future_meeting}", LOGGED_IN),
    Route("working_groups.meeting", "GET", "/working-groups/meetings/{small_talk}", MEMBER_AREA),
    Route(
        "working_groups.edit_meeting",
        "GET",
        "/working-groups/meetings/{future_meeting}/edit",
        GROUP_MANAGERS,
    ),
    Route(
        "working_groups.minutes",
        "GET",
        "/working-groups/meetings/{past_meeting}/minutes",
        GROUP_MANAGERS,
    ),
    Route(
        "working_groups.register",
        "POST",
        "/working-groups/meetings/{future_meeting}/register",
        IN_GROUP,
        303,
    ),
    Route(
        "working_groups.register",
        "POST",
        "/working-groups/meetings/{small_talk}/register",
        MEMBER_AREA,
        303,
    ),
    Route(
        "working_groups.unregister",
        "POST",
        "/working-groups/meetings/{future_meeting}/unregister",
        IN_GROUP,
        422,
    ),
    Route(
        "working_groups.meeting_ics",
        "GET",
        "/working-groups/meetings/{future_meeting}.ics",
        LOGGED_IN,
    ),
    Route(
        "working_groups.new_document", "GET", "/working-groups/{group}/documents/new", CONTRIBUTORS
    ),
    Route(
        "working_groups.new_document",
        "POST",
        "/working-groups/{group}/documents/new",
        CONTRIBUTORS,
        303,
        {"title": "Interviews", "body": "What members said."},
    ),
    Route("working_groups.document", "GET", "/working-groups/documents/{document}", LOGGED_IN),
    Route(
        "working_groups.edit_document",
        "GET",
        "/working-groups/documents/{document}/edit",
        CONTRIBUTORS,
    ),
    Route(
        "working_groups.document_history",
        "GET",
        "/working-groups/documents/{document}/history",
        LOGGED_IN,
    ),
    Route(
        "working_groups.request_specialist",
        "POST",
        "/working-groups/{group}/specialists",
        CONTRIBUTORS,
        303,
        {"kind": "study_visit", "description": "Visit a co-operative in Lyon"},
    ),
    Route(
        "working_groups.specialist_outcome",
        "POST",
        "/working-groups/specialists/{specialist}/outcome",
        GROUP_MANAGERS,
        303,
        {"outcome": "A lawyer answered."},
    ),
    Route(
        "working_groups.new_recommendation",
        "GET",
        "/working-groups/{group}/recommendations/new",
        CONTRIBUTORS,
    ),
    Route(
        "working_groups.new_recommendation",
        "POST",
        "/working-groups/{group}/recommendations/new",
        CONTRIBUTORS,
        303,
        {"title": "Train moderators", "text": "Every year.", "rationale": ""},
    ),
    Route(
        "working_groups.recommendation",
        "GET",
        "/working-groups/recommendations/{draft}",
        CONTRIBUTORS,
    ),
    Route(
        "working_groups.recommendation",
        "GET",
        "/working-groups/recommendations/{submitted}",
        EVERYONE,
    ),
    Route(
        "working_groups.edit_recommendation",
        "GET",
        "/working-groups/recommendations/{draft}/edit",
        CONTRIBUTORS,
    ),
    Route(
        "working_groups.resubmit_recommendation",
        "POST",
        "/working-groups/recommendations/{returned}/resubmit",
        frozenset({"board", "admin"}),
        303,
    ),
    Route(
        "working_groups.recommendation_diff",
        "GET",
        "/working-groups/recommendations/{draft}/diff",
        CONTRIBUTORS,
    ),
    Route(
        "working_groups.cite",
        "POST",
        "/working-groups/recommendations/{draft}/evidence",
        CONTRIBUTORS,
        303,
        {"target": "document:{document}"},
    ),
    Route(
        "working_groups.uncite",
        "POST",
        "/working-groups/recommendations/{draft}/evidence/{evidence}/remove",
        CONTRIBUTORS,
        303,
    ),
    # admin
    # forum: general categories for members, a group's for the group (all members once active)
    Route("forum.index", "GET", "/forum/", LOGGED_IN),
    Route("forum.search", "GET", "/forum/search?q=budget", LOGGED_IN),
    Route("forum.preview", "POST", "/forum/preview", LOGGED_IN, 200, {"body": "**Hello**"}),
    Route("forum.category", "GET", "/forum/categories/{general}", MEMBER_AREA),
    Route("forum.category", "GET", "/forum/categories/{group_category}", LOGGED_IN),
    Route("forum.category", "GET", "/forum/categories/{forming_category}", FORUM_WIDE),
    Route("forum.new_thread", "GET", "/forum/categories/{general}/new", MEMBER_AREA),
    Route(
        "forum.new_thread",
        "POST",
        "/forum/categories/{announcements}/new",
        FORUM_WIDE,
        303,
        {"title": "News", "body": "The assembly is on 12 May."},
    ),
    Route(
        "forum.new_thread",
        "POST",
        "/forum/categories/{group_category}/new",
        IN_GROUP | FORUM_WIDE,
        303,
        {"title": "Minutes", "body": "Here they are."},
    ),
    Route("forum.follow_category", "POST", "/forum/categories/{general}/follow", MEMBER_AREA, 303),
    Route(
        "forum.unfollow_category", "POST", "/forum/categories/{general}/unfollow", MEMBER_AREA, 303
    ),
    Route("forum.thread", "GET", "/forum/threads/{thread}", MEMBER_AREA),
    Route("forum.thread", "GET", "/forum/threads/{group_thread}", LOGGED_IN),
    Route("forum.thread", "GET", "/forum/threads/{pending_thread}", FORUM_WIDE),
    Route("forum.post", "GET", "/forum/posts/{reply}", MEMBER_AREA, 303),
    Route("forum.reply", "GET", "/forum/threads/{thread}/reply?quote={reply}", MEMBER_AREA),
    Route(
        "forum.reply",
        "POST",
        "/forum/threads/{group_thread}/reply",
        IN_GROUP | FORUM_WIDE,
        303,
        {"body": "I agree."},
    ),
    Route("forum.follow_thread", "POST", "/forum/threads/{thread}/follow", MEMBER_AREA, 303),
    Route("forum.unfollow_thread", "POST", "/forum/threads/{thread}/unfollow", MEMBER_AREA, 303),
    Route(
        "forum.thread_action",
        "POST",
        "/forum/threads/{group_thread}/lock",
        GROUP_FORUM_MODERATORS,
        303,
    ),
    # the moderator of one group does not moderate another group's category
    Route("forum.thread_action", "POST", "/forum/threads/{public_thread}/pin", FORUM_WIDE, 303),
    Route(
        "forum.move",
        "POST",
        "/forum/threads/{group_thread}/move",
        GROUP_FORUM_MODERATORS,
        303,
        {"category": "{general}"},
        statuses={"moderator": 422},  # the general category is not theirs to move into
    ),
    Route(
        "forum.edit_post",
        "GET",
        "/forum/posts/{own_post}/edit",
        frozenset({"member"}) | FORUM_WIDE,
    ),
    # after the time limit, the author is told so; moderators may still edit
    Route(
        "forum.edit_post",
        "POST",
        "/forum/posts/{old_post}/edit",
        FORUM_WIDE,
        303,
        {"body": "An old remark, corrected."},
        statuses={"member": 422},
    ),
    Route(
        "forum.delete_post",
        "POST",
        "/forum/posts/{member_reply}/delete",
        frozenset({"member"}),
        303,
    ),
    Route(
        "forum.flag",
        "GET",
        "/forum/posts/{reply}/flag",
        MEMBER_AREA,
        statuses={"board": 403},  # their own post
    ),
    Route(
        "forum.flag",
        "POST",
        "/forum/posts/{reply}/flag",
        MEMBER_AREA,
        303,
        {"reason": "spam"},
        statuses={"board": 403},
    ),
    Route("forum.history", "GET", "/forum/posts/{own_post}/history", FORUM_WIDE),
    Route("forum.moderate", "GET", "/forum/posts/{group_pending}/moderate", GROUP_FORUM_MODERATORS),
    Route(
        "forum.approve", "POST", "/forum/posts/{group_pending}/approve", GROUP_FORUM_MODERATORS, 303
    ),
    Route(
        "forum.reject",
        "POST",
        "/forum/posts/{group_pending}/reject",
        GROUP_FORUM_MODERATORS,
        303,
        {"reject-reason": "Off-topic here."},
    ),
    Route(
        "forum.hide",
        "POST",
        "/forum/posts/{reply}/hide",
        FORUM_WIDE,
        303,
        {"hide-reason": "Personal attack."},
    ),
    Route("forum.restore", "POST", "/forum/posts/{hidden_post}/restore", FORUM_WIDE, 303),
    Route("forum.queue", "GET", "/forum/queue", GROUP_FORUM_MODERATORS),
    Route("forum.suspend", "GET", "/forum/members/{member}/suspend", FORUM_WIDE),
    Route(
        "forum.suspend",
        "POST",
        "/forum/members/{member}/suspend",
        FORUM_WIDE,
        303,
        {"days": "3", "reason": "Repeated insults."},
    ),
    Route("forum.lift", "POST", "/forum/suspensions/{suspension}/lift", FORUM_WIDE, 303),
    Route("forum.categories", "GET", "/forum/categories", ADMIN),
    Route("forum.edit_category", "GET", "/forum/categories/new", ADMIN),
    Route("forum.edit_category", "GET", "/forum/categories/{group_category}/edit", ADMIN),
    Route(
        "forum.edit_category",
        "POST",
        "/forum/categories/new",
        ADMIN,
        303,
        {"name_en": "Ideas", "name_fr": "Idées", "name_nl": "Ideeën", "position": "3"},
    ),
    Route("forum.delete_category", "POST", "/forum/categories/{empty_category}/delete", ADMIN, 303),
    # general assemblies: members take part; the admin and chairs prepare and run them
    Route("assembly.index", "GET", "/assemblies/", MEMBER_AREA),
    Route("assembly.new", "GET", "/assemblies/new", ASSEMBLY),
    Route(
        "assembly.new",
        "POST",
        "/assemblies/new",
        ASSEMBLY,
        303,
        {
            "title": "Next assembly",
            "kind": "ordinary",
            "starts_at": "2031-06-01T18:00",
            "convocation_on": "2031-05-01",
            "scheme": "one_member_one_vote",
            "empty_college": "renormalise",
            "quorum_basis": "members",
            "proxy_cap": "1",
        },
    ),
    Route("assembly.edit", "GET", "/assemblies/{draft_assembly}/edit", ASSEMBLY),
    Route(
        "assembly.edit",
        "POST",
        "/assemblies/{draft_assembly}/edit",
        ASSEMBLY,
        303,
        {
            "title": "Renamed assembly",
            "kind": "ordinary",
            "starts_at": "2031-06-01T18:00",
            "convocation_on": "2031-05-01",
            "scheme": "one_member_one_vote",
            "empty_college": "renormalise",
            "quorum_basis": "members",
            "proxy_cap": "1",
        },
    ),
    Route("assembly.assembly", "GET", "/assemblies/{assembly}", MEMBER_AREA),
    Route(
        "assembly.assembly",
        "GET",
        "/assemblies/{draft_assembly}",
        ASSEMBLY,
        refused=404,  # members do not see an assembly being prepared
        statuses={"expert": 403},
    ),
    Route(
        "assembly.add_document",
        "POST",
        "/assemblies/{draft_assembly}/documents",
        ASSEMBLY,
        303,
        {"kind": "text", "title": "Accounts", "body": "All in order.", "survey": ""},
    ),
    Route(
        "assembly.remove_document",
        "POST",
        "/assemblies/{draft_assembly}/documents/{draft_document}/remove",
        ASSEMBLY,
        303,
    ),
    Route(
        "assembly.add_resolution",
        "POST",
        "/assemblies/{draft_assembly}/resolutions",
        ASSEMBLY,
        303,
        {"kind": "ordinary", "title": "Discharge", "text": "The board is discharged."},
    ),
    Route(
        "assembly.remove_resolution",
        "POST",
        "/assemblies/{draft_assembly}/resolutions/{draft_resolution}/remove",
        ASSEMBLY,
        303,
    ),
    Route("assembly.convene", "POST", "/assemblies/{draft_assembly}/convene", ASSEMBLY, 303),
    Route(
        "assembly.appoint_proxy",
        "POST",
        "/assemblies/{assembly}/proxies",
        MEMBER_AREA,
        303,
        {"proxy-email": "board2@test.example"},
        # The member has a proxy already; the board member holds one (and may not give his).
        statuses={"member": 422},
    ),
    Route(
        "assembly.answer_proxy",
        "POST",
        "/assemblies/{assembly}/proxies/{proxy}/accept",
        MEMBER_AREA,
        422,
        statuses={"board": 303},
    ),
    Route(
        "assembly.answer_proxy",
        "POST",
        "/assemblies/{assembly}/proxies/{proxy}/withdraw",
        MEMBER_AREA,
        422,
        statuses={"member": 303},
    ),
    Route("assembly.check_in", "POST", "/assemblies/{live_assembly}/check-in", MEMBER_AREA, 303),
    Route(
        "assembly.record_attendance",
        "POST",
        "/assemblies/{live_assembly}/attendance",
        ASSEMBLY,
        303,
        {"present-email": "member@test.example"},
    ),
    Route("assembly.quorum", "GET", "/assemblies/{live_assembly}/quorum", MEMBER_AREA),
    Route(
        "assembly.vote",
        "GET",
        "/assemblies/{live_assembly}/resolutions/{open_resolution}/vote",
        MEMBER_AREA,
    ),
    Route(
        "assembly.vote",
        "POST",
        "/assemblies/{live_assembly}/resolutions/{open_resolution}/vote",
        MEMBER_AREA,
        422,
        {"voter": "{member}", "choice": "for"},
        statuses={"member": 303},
    ),
    Route(
        "assembly.open_or_close",
        "POST",
        "/assemblies/{live_assembly}/resolutions/{pending_resolution}/open",
        ASSEMBLY,
        303,
    ),
    Route(
        "assembly.open_or_close",
        "POST",
        "/assemblies/{live_assembly}/resolutions/{open_resolution}/close",
        ASSEMBLY,
        303,
    ),
    Route("assembly.certify", "POST", "/assemblies/{done_assembly}/certify", ASSEMBLY, 303),
    Route(
        "assembly.results",
        "GET",
        "/assemblies/{live_assembly}/resolutions/{closed_resolution}/results",
        EVERYONE,
    ),
    # Nobody, admins included, sees a result before the close.
    Route(
        "assembly.results",
        "GET",
        "/assemblies/{live_assembly}/resolutions/{open_resolution}/results",
        frozenset(),
    ),
    Route(
        "assembly.results_json",
        "GET",
        "/assemblies/{live_assembly}/resolutions/{closed_resolution}/results.json",
        EVERYONE,
    ),
    Route(
        "assembly.results_json",
        "GET",
        "/assemblies/{live_assembly}/resolutions/{open_resolution}/results.json",
        frozenset(),
    ),
    Route(
        "assembly.ballots_csv",
        "GET",
        "/assemblies/{live_assembly}/resolutions/{closed_resolution}/ballots.csv",
        EVERYONE,
    ),
    Route("assembly.minutes", "GET", "/assemblies/{live_assembly}/minutes", MEMBER_AREA),
    # actions and the cycle's dashboard: public; the board and admins manage, owners report
    Route("actions.index", "GET", "/actions/", EVERYONE),
    Route("actions.action", "GET", "/actions/{action}", EVERYONE),
    Route("actions.new", "GET", "/actions/resolutions/{closed_resolution}/new", ACTION_MANAGERS),
    # Rejected: no action follows it (nobody may create one).
    Route(
        "actions.new",
        "GET",
        "/actions/resolutions/{open_resolution}/new",
        ACTION_MANAGERS,
        404,
    ),
    Route(
        "actions.new",
        "POST",
        "/actions/resolutions/{closed_resolution}/new",
        ACTION_MANAGERS,
        303,
        {"title": "Train the offices", "owner_team": "Training", "due_on": "{due}"},
    ),
    Route("actions.edit", "GET", "/actions/{action}/edit", ACTION_MANAGERS),
    Route(
        "actions.edit",
        "POST",
        "/actions/{action}/edit",
        ACTION_MANAGERS,
        303,
        {"title": "Renamed", "owner_team": "Training", "due_on": "{due}"},
    ),
    # The member owns the action: they report on it too.
    Route(
        "actions.report",
        "POST",
        "/actions/{action}/updates",
        ACTION_MANAGERS | {"member"},
        303,
        {"body": "Started."},
    ),
    Route("actions.follow", "POST", "/actions/{action}/follow", MEMBER_AREA, 303),
    Route("actions.unfollow", "POST", "/actions/{action}/unfollow", MEMBER_AREA, 303),
    Route("actions.cycle_dashboard", "GET", "/actions/cycles/{cycle}", EVERYONE),
    Route("actions.dashboard_json", "GET", "/actions/cycles/{cycle}/dashboard.json", EVERYONE),
    Route("actions.dashboard_csv", "GET", "/actions/cycles/{cycle}/dashboard.csv", EVERYONE),
    Route("actions.actions_csv", "GET", "/actions/cycles/{cycle}/actions.csv", EVERYONE),
    # No public recommendation cites this thread: members only, and a 404 for the others.
    Route(
        "actions.trace",
        "GET",
        "/actions/trace/thread/{thread}",
        MEMBER_AREA,
        refused=404,
        anonymous=404,
    ),
    # payroll: each member their own rows (another's is a 404); payroll officers see all
    Route("payroll.index", "GET", "/payroll/", MEMBER_AREA),
    Route(
        "payroll.create_activity",
        "POST",
        "/payroll/activities",
        MEMBER_AREA,
        303,
        {"name": "Music"},
    ),
    Route(
        "payroll.activity", "GET", "/payroll/activities/{activity}", OWNER_OR_OFFICER, **NOT_YOURS
    ),
    Route("payroll.clients", "GET", "/payroll/clients", MEMBER_AREA),
    Route("payroll.clients", "POST", "/payroll/clients", MEMBER_AREA, 303, {"name": "A client"}),
    Route("payroll.declare", "GET", "/payroll/contracts/new", MEMBER_AREA),
    # Only the member has this activity and client: the others are told to choose theirs.
    Route(
        "payroll.declare",
        "POST",
        "/payroll/contracts/new",
        MEMBER_AREA,
        422,
        {
            "activity": "{activity}",
            "client": "{client}",
            "starts_on": "{yesterday}",
            "ends_on": "{yesterday}",
            "days_worked": "1",
            "description": "Work",
            "amount": "100.00",
        },
        statuses={"member": 303},
    ),
    Route(
        "payroll.contract", "GET", "/payroll/contracts/{contract}", OWNER_OR_OFFICER, **NOT_YOURS
    ),
    # Only a returned declaration is corrected: this one is validated.
    Route(
        "payroll.edit_contract",
        "GET",
        "/payroll/contracts/{contract}/edit",
        frozenset(),
        **NOT_YOURS,
    ),
    Route(
        "payroll.validate_contract", "POST", "/payroll/contracts/{declared}/validate", OFFICERS, 303
    ),
    Route(
        "payroll.return_contract",
        "POST",
        "/payroll/contracts/{declared}/return",
        OFFICERS,
        303,
        {"reason": "The address is missing."},
    ),
    Route(
        "payroll.new_invoice", "GET", "/payroll/contracts/{contract}/invoice", OWNER, **NOT_YOURS
    ),
    Route("payroll.edit_invoice", "GET", "/payroll/invoices/{invoice}/edit", OWNER, **NOT_YOURS),
    Route("payroll.invoice", "GET", "/payroll/invoices/{invoice}", OWNER_OR_OFFICER, **NOT_YOURS),
    Route(
        "payroll.issue_invoice",
        "POST",
        "/payroll/invoices/{invoice}/issue",
        OWNER,
        303,
        {"due_in_days": "30"},
        **NOT_YOURS,
    ),
    Route(
        "payroll.discard_draft",
        "POST",
        "/payroll/invoices/{invoice}/discard",
        OWNER,
        303,
        **NOT_YOURS,
    ),
    # A draft is not cancelled (there is nothing to credit): 422 for those who see it.
    Route(
        "payroll.cancel_invoice",
        "POST",
        "/payroll/invoices/{invoice}/cancel",
        OWNER_OR_OFFICER,
        422,
        {"reason": "Mistake."},
        **NOT_YOURS,
    ),
    Route(
        "payroll.mark_paid",
        "POST",
        "/payroll/invoices/{invoice}/paid",
        OFFICERS,
        422,
        {"paid_on": "{yesterday}", "amount": "1210.00"},
    ),
    Route("payroll.office", "GET", "/payroll/office", OFFICERS),
    Route("payroll.new_expense", "GET", "/payroll/expenses/new", MEMBER_AREA),
    # Without a receipt: refused with its message, whoever asks.
    Route(
        "payroll.new_expense",
        "POST",
        "/payroll/expenses/new",
        MEMBER_AREA,
        422,
        {
            "activity": "{activity}",
            "spent_on": "{yesterday}",
            "description": "Taxi",
            "category": "travel",
            "amount": "20.00",
        },
    ),
    Route("payroll.expense", "GET", "/payroll/expenses/{expense}", OWNER_OR_OFFICER, **NOT_YOURS),
    Route(
        "payroll.receipt",
        "GET",
        "/payroll/expenses/{expense}/receipt",
        OWNER_OR_OFFICER,
        **NOT_YOURS,
    ),
    Route("payroll.accept_expense", "POST", "/payroll/expenses/{expense}/accept", OFFICERS, 303),
    Route(
        "payroll.refuse_expense",
        "POST",
        "/payroll/expenses/{expense}/refuse",
        OFFICERS,
        303,
        {"reason": "No receipt."},
    ),
    Route("payroll.new_salary", "GET", "/payroll/salaries/new", MEMBER_AREA),
    # The preview: only the member has this activity; the others are told to choose theirs.
    Route(
        "payroll.new_salary",
        "POST",
        "/payroll/salaries/new",
        MEMBER_AREA,
        422,
        {
            "activity": "{activity}",
            "budget": "50.00",
            "work_starts_on": "{yesterday}",
            "work_ends_on": "{yesterday}",
        },
        statuses={"member": 200},
    ),
    Route("payroll.salary", "GET", "/payroll/salaries/{salary}", OWNER_OR_OFFICER, **NOT_YOURS),
    Route("payroll.validate_salary", "POST", "/payroll/salaries/{salary}/validate", OFFICERS, 303),
    Route(
        "payroll.refuse_salary",
        "POST",
        "/payroll/salaries/{salary}/refuse",
        OFFICERS,
        303,
        {"reason": "Too early."},
    ),
    # A requested salary is not paid before it is validated: 422 for the officers.
    Route(
        "payroll.salary_paid",
        "POST",
        "/payroll/salaries/{salary}/paid",
        OFFICERS,
        422,
        {"paid_on": "{yesterday}"},
    ),
    Route("payroll.guarantee_fund", "GET", "/payroll/office/fund", OFFICERS),
    Route("payroll.salary_queue", "GET", "/payroll/office/salaries", OFFICERS),
    # The first post shows what would be validated; the confirmed one validates.
    Route(
        "payroll.validate_salaries",
        "POST",
        "/payroll/office/salaries/validate",
        OFFICERS,
        200,
        {"scope": "all"},
    ),
    Route(
        "payroll.validate_salaries",
        "POST",
        "/payroll/office/salaries/validate",
        OFFICERS,
        200,
        {"scope": "selected", "salary": "{salary}", "confirm": "1"},
    ),
    Route("payroll.rates", "GET", "/payroll/rates", RATES),
    Route(
        "payroll.rates",
        "POST",
        "/payroll/rates",
        RATES,
        303,
        {
            "valid_from": "{due}",
            "contribution": "7",
            "employer_ssc": "25",
            "employee_ssc": "13.07",
            "vat_rates": "21 6 0",
            "bracket-0-up_to": "1000",
            "bracket-0-rate": "10",
            "bracket-1-rate": "40",
            "guarantee_days": "7",
        },
    ),
    Route("payroll.withdraw_rates", "POST", "/payroll/rates/{future_rates}/withdraw", RATES, 303),
    # notifications: each member their own
    Route("notifications.index", "GET", "/notifications/", LOGGED_IN),
    Route("notifications.read_all", "POST", "/notifications/read", LOGGED_IN, 303),
    Route(
        "notifications.open_",
        "POST",
        "/notifications/{notification}/open",
        frozenset({"member"}),
        303,
        refused=404,
    ),
    Route("notifications.preferences", "GET", "/notifications/preferences", LOGGED_IN),
    Route(
        "notifications.preferences",
        "POST",
        "/notifications/preferences",
        LOGGED_IN,
        303,
        {"channel-forum.reply": "digest"},
    ),
    # The link of an email works logged out (a signed token); a bad one is refused for all.
    Route("notifications.unsubscribe", "GET", "/notifications/unsubscribe/{unsubscribe}", EVERYONE),
    Route(
        "notifications.unsubscribe", "POST", "/notifications/unsubscribe/{unsubscribe}", EVERYONE
    ),
    Route(
        "notifications.unsubscribe", "GET", "/notifications/unsubscribe/not-a-token", EVERYONE, 400
    ),
    # questionnaires: members answer; results after answering, organisers always
    Route("surveys.index", "GET", "/surveys/", LOGGED_IN),
    Route("surveys.answer", "GET", "/surveys/{survey}/answer", MEMBER_AREA),
    Route(
        "surveys.answer",
        "POST",
        "/surveys/{survey}/answer",
        MEMBER_AREA,
        303,
        {"q{survey_question}": "8", "submit": "1"},
    ),
    Route("surveys.results_page", "GET", "/surveys/{survey}/results", GROUP_MANAGERS),
    Route(
        "surveys.texts",
        "GET",
        "/surveys/{survey}/questions/{survey_question}/texts",
        GROUP_MANAGERS,
    ),
    Route("surveys.new", "GET", "/surveys/new", GROUP_MANAGERS),
    Route("surveys.new", "GET", "/surveys/new?group={group}", CONTRIBUTORS),
    Route(
        "surveys.new",
        "POST",
        "/surveys/new",
        GROUP_MANAGERS,
        303,
        {"title": "Tools", "audience": "all", "results_visibility": "after_close"},
    ),
    Route("surveys.edit", "GET", "/surveys/{survey}/edit", GROUP_MANAGERS),
    Route(
        "surveys.settings",
        "POST",
        "/surveys/{survey}/settings",
        GROUP_MANAGERS,
        303,
        {"title": "Services", "audience": "all", "results_visibility": "after_answer"},
    ),
    Route(
        "surveys.add_section",
        "POST",
        "/surveys/{survey}/sections",
        GROUP_MANAGERS,
        303,
        {"title": "About you"},
    ),
    Route(
        "surveys.add_question",
        "POST",
        "/surveys/{survey}/questions",
        GROUP_MANAGERS,
        303,
        {"kind": "short_text", "text": "A word?", "section": "0", "condition": "0"},
    ),
    Route(
        "surveys.move_question",
        "POST",
        "/surveys/{survey}/questions/{survey_question}/down",
        GROUP_MANAGERS,
        303,
    ),
    Route(
        "surveys.reorder_questions",
        "POST",
        "/surveys/{survey}/questions/order",
        GROUP_MANAGERS,
        303,
        {"order": "{survey_option_question},{survey_question}"},
    ),
    Route(
        "surveys.move_option",
        "POST",
        "/surveys/{survey}/questions/{survey_option_question}/options/{survey_option}/down",
        GROUP_MANAGERS,
        303,
    ),
    Route(
        "surveys.reorder_options",
        "POST",
        "/surveys/{survey}/questions/{survey_option_question}/options/order",
        GROUP_MANAGERS,
        303,
        {"order": "{survey_option_other},{survey_option}"},
    ),
    Route(
        "surveys.delete_question",
        "POST",
        "/surveys/{survey}/questions/{survey_question}/delete",
        GROUP_MANAGERS,
        303,
    ),
    Route(
        "surveys.correct_texts",
        "POST",
        "/surveys/{survey}/questions/{survey_question}/texts",
        GROUP_MANAGERS,
        303,
        {"text": "Would you recommend us?"},
    ),
    Route("surveys.publish", "POST", "/surveys/{survey}/publish", GROUP_MANAGERS, 422),
    Route("surveys.new_version", "POST", "/surveys/{survey}/version", GROUP_MANAGERS, 303),
    Route("surveys.export_responses", "GET", "/surveys/{survey}/responses.csv", GROUP_MANAGERS),
    Route("surveys.export_summary", "GET", "/surveys/{survey}/summary.csv", GROUP_MANAGERS),
    Route("admin.index", "GET", "/admin/", ADMIN),
    Route("admin.audit", "GET", "/admin/audit", ADMIN),
]

ROLE_EMAILS = {role: f"{role}@test.example" for role in LOGGED_IN}


def _ids(world) -> dict[str, int]:
    from datetime import timedelta

    from sip.db import local_today
    from sip.notifications.services import unsubscribe_token

    return {
        "cycle": world.cycle.id,
        "topic": world.topic.id,
        "deadline": (local_today() + timedelta(days=100)).isoformat(),
        "group": world.group.id,
        "other_group": world.other_group.id,
        "public_group": world.public_group.id,
        "request": world.request.id,
        "other_request": world.other_request.id,
        "community": world.group.membership_of(world.group_member).id,
        "future_meeting": world.future_meeting.id,
        "past_meeting": world.past_meeting.id,
        "small_talk": world.small_talk.id,
        "document": world.document.id,
        "specialist": world.specialist.id,
        "draft": world.draft.id,
        "submitted": world.submitted.id,
        "evidence": world.evidence.id,
        "member": world.member.id,
        "applicant": world.applicant.id,
        "moderator": world.moderator.id,
        "chair": world.chair.id,
        "college_a": world.colleges["A"].id,
        "office_ant": world.offices["ANT"].id,
        "users_group": world.users_seats.id,
        "general": world.general.id,
        "announcements": world.announcements.id,
        "empty_category": world.empty_category.id,
        "group_category": world.group_category.id,
        "forming_category": world.forming_category.id,
        "thread": world.thread.id,
        "group_thread": world.group_thread.id,
        "pending_thread": world.pending_thread.id,
        "public_thread": world.public_thread.id,
        "own_post": world.own_post.id,
        "reply": world.reply.id,
        "member_reply": world.member_reply.id,
        "old_post": world.old_post.id,
        "hidden_post": world.hidden_post.id,
        "group_pending": world.group_pending.id,
        "suspension": world.suspension.id,
        "notification": world.notification.id,
        "unsubscribe": unsubscribe_token(world.member.id, "forum.reply"),
        "survey": world.survey.id,
        "survey_question": world.survey_question.id,
        "survey_option": world.survey_option.id,
        "survey_option_question": world.survey_option.question_id,
        "survey_option_other": world.survey_option.question.choices[1].id,
        "vacant_seat": world.users_seats.seats[2].id,
        "observer": world.observer.member_id,
        "board_meeting": world.board_meeting.id,
        "board_member": world.board.id,
        "board2": world.board2.id,
        "returned": world.returned.id,
        "draft_assembly": world.draft_assembly.id,
        "draft_document": world.draft_document.id,
        "draft_resolution": world.draft_resolution.id,
        "assembly": world.assembly.id,
        "proxy": world.proxy.id,
        "live_assembly": world.live_assembly.id,
        "open_resolution": world.open_resolution.id,
        "pending_resolution": world.pending_resolution.id,
        "closed_resolution": world.closed_resolution.id,
        "done_assembly": world.done_assembly.id,
        "filled_seat": world.users_seats.seats[0].id,
        "action": getattr(getattr(world, "action", None), "id", 0),
        "activity": getattr(getattr(world, "activity", None), "id", 0),
        "client": getattr(getattr(world, "client", None), "id", 0),
        "contract": getattr(getattr(world, "contract", None), "id", 0),
        "declared": getattr(getattr(world, "declared", None), "id", 0),
        "invoice": getattr(getattr(world, "invoice", None), "id", 0),
        "expense": getattr(getattr(world, "expense", None), "id", 0),
        "salary": getattr(getattr(world, "salary", None), "id", 0),
        "future_rates": getattr(getattr(world, "future_rates", None), "id", 0),
        "yesterday": (local_today() - timedelta(days=1)).isoformat(),
        "due": (local_today() + timedelta(days=30)).isoformat(),
    }


def _world_of(route: Route) -> str:
    """The world a route is tried on: with the member's action, or their payroll rows."""
    if "{action}" in route.url:
        return "access_action_world"
    if route.endpoint.startswith("payroll."):
        return "access_payroll_world"
    return "full_world"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "route",
    [pytest.param(r, marks=pytest.mark.world(_world_of(r))) for r in ROUTES],
    ids=lambda r: f"{r.method} {r.url}",
)
def test_role_gets_expected_status(request, client, auth, full_world, route: Route, role: str):
    world = full_world
    cache = world_cache(request)  # the ids are the world's: read once per world and worker
    if "ids" not in cache:
        cache["ids"] = {k: str(v) for k, v in _ids(world).items()}
    ids = cache["ids"]
    if role != "anonymous":
        login = auth.login(ROLE_EMAILS[role])
        assert login.status_code == 303, login.get_data(as_text=True)[:500]
    url = route.url.format(**ids)
    data = {k.format(**ids): v.format(**ids) for k, v in route.data.items()}
    response = client.open(url, method=route.method, data=data)
    assert response.status_code == route.expected(role), (
        f"{role} {route.method} {url}: {response.status_code}\n"
        f"{response.get_data(as_text=True)[:800]}"
    )
    if response.status_code == 302 and role == "anonymous":
        assert "/auth/login" in response.headers["Location"]


def test_every_route_is_in_the_table(app):
    """A new route without a line in ROUTES fails here: permissions are never forgotten."""
    listed = {r.endpoint for r in ROUTES}
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routed - listed == set()
    assert listed - routed == set()
