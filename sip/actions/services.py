"""Every change to an action: create, edit, report (status, progress, a dated update),
follow. The recommendation behind an action moves to in progress and done with it."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from sip import audit
from sip.actions.models import (
    ACTION_STATUS_LABELS,
    ACTION_TRANSITIONS,
    Action,
    ActionFollow,
    ActionStatus,
    ActionUpdate,
)
from sip.assembly.models import Outcome, Resolution, ResolutionKind, ResolutionState
from sip.db import local_zone, lock_row, utcnow
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import Member, MemberStatus
from sip.members.services import find_by_email


def adopted(resolution: Resolution) -> bool:
    """Actions follow adopted resolutions only (not elections, not rejected ones)."""
    return (
        resolution.state == ResolutionState.CLOSED
        and resolution.outcome == Outcome.ADOPTED
        and resolution.kind != ResolutionKind.BOARD_ELECTION
    )


def adopted_on(resolution: Resolution) -> date:
    """The day the assembly adopted it, in the co-operative's time zone."""
    return resolution.closed_at.astimezone(local_zone()).date()


def _owner(owner_email: str | None, owner_team: str | None) -> tuple[Member | None, str]:
    owner_email = (owner_email or "").strip()
    owner_team = (owner_team or "").strip()
    if bool(owner_email) == bool(owner_team):
        raise ServiceError(
            _l("Give the owner: a member's email or a team, one of the two."), "owner_email"
        )
    if not owner_team:
        member = find_by_email(owner_email)
        if member is None or member.status != MemberStatus.ACTIVE:
            raise ServiceError(
                _l("No active member has the email %(email)s.", email=owner_email), "owner_email"
            )
        return member, ""
    if len(owner_team) > 120:
        raise ServiceError(_l("At most %(max)d characters.", max=120), "owner_team")
    return None, owner_team


def _check_due(resolution: Resolution, due_on: date | None) -> None:
    if due_on is None:
        raise ServiceError(_l("This field is required."), "due_on")
    if due_on < adopted_on(resolution):
        raise ServiceError(
            _l(
                "The due date cannot be before the resolution was adopted (%(day)s).",
                day=adopted_on(resolution).isoformat(),
            ),
            "due_on",
        )


def _checked(
    resolution: Resolution,
    title: str | None,
    owner_email: str | None,
    owner_team: str | None,
    due_on: date | None,
) -> tuple[str, Member | None, str]:
    """The title, the owner (a member, or a team's name) and the due date, checked."""
    title = (title or "").strip()
    if not title:
        raise ServiceError(_l("This field is required."), "title")
    if len(title) > 200:
        raise ServiceError(_l("At most %(max)d characters.", max=200), "title")
    owner, team = _owner(owner_email, owner_team)
    _check_due(resolution, due_on)
    return title, owner, team


def create_action(
    resolution: Resolution,
    actor: Member,
    *,
    title: str,
    description: str = "",
    owner_email: str | None = None,
    owner_team: str | None = None,
    due_on: date | None = None,
) -> Action:
    """A new planned action for an adopted resolution; its creator follows it."""
    if not adopted(resolution):
        raise ServiceError(_l("Actions follow resolutions the assembly adopted."))
    title, owner, team = _checked(resolution, title, owner_email, owner_team, due_on)
    action = Action(
        resolution=resolution,
        title=title,
        description=(description or "").strip(),
        owner=owner,
        owner_team=team,
        due_on=due_on,
        created_by_id=actor.id,
    )
    db.session.add(action)
    db.session.flush()
    _follow(action, actor)
    if owner is not None:
        _follow(action, owner)
    audit.record(
        "action.created",
        action,
        actor=actor,
        resolution=resolution.id,
        owner=owner.id if owner else team,
        due_on=due_on,
    )
    return action


def edit_action(
    action: Action,
    actor: Member,
    *,
    title: str,
    description: str = "",
    owner_email: str | None = None,
    owner_team: str | None = None,
    due_on: date | None = None,
) -> None:
    """Change what the action is, who owns it and when it is due; the log keeps the before."""
    title, owner, team = _checked(action.resolution, title, owner_email, owner_team, due_on)
    before = {
        "title": action.title,
        "owner": action.owner_id or action.owner_team,
        "due_on": action.due_on,
    }
    action.title = title
    action.description = (description or "").strip()
    action.owner = owner
    action.owner_team = team
    action.due_on = due_on
    action.updated_at = utcnow()
    if owner is not None:
        _follow(action, owner)
    audit.record(
        "action.edited",
        action,
        actor=actor,
        before=before,
        after={"title": title, "owner": owner.id if owner else team, "due_on": due_on},
    )


def report(
    action: Action,
    actor: Member,
    *,
    body: str,
    status: ActionStatus | str | None = None,
    progress: int | None = None,
    reason: str = "",
) -> ActionUpdate:
    """A dated update: what happened, with the status and progress it leaves the action in.

    Status moves follow ACTION_TRANSITIONS; done means 100 %; dropping needs a reason.
    Followers are notified; the recommendation behind it moves with its actions.
    """
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("Say what happened."), "body")
    try:
        target = ActionStatus(status) if status else action.status
    except ValueError:
        raise ServiceError(_l("Choose one of the options in the list."), "status") from None
    if progress is not None and not 0 <= progress <= 100:
        raise ServiceError(_l("Enter a whole number between 0 and 100."), "progress")
    lock_row(Action, action.id)
    db.session.refresh(action)
    if target != action.status and target not in ACTION_TRANSITIONS[action.status]:
        raise ServiceError(
            _l(
                "An action that is “%(current)s” cannot become “%(target)s”.",
                current=ACTION_STATUS_LABELS[action.status],
                target=ACTION_STATUS_LABELS[target],
            ),
            "status",
        )
    reason = (reason or "").strip()
    if target == ActionStatus.DROPPED and target != action.status and not reason:
        raise ServiceError(_l("Say why the action is dropped."), "reason")
    if target == ActionStatus.DONE:
        if progress is not None and progress != 100:
            raise ServiceError(_l("A done action has reached 100 percent."), "progress")
        progress = 100
    elif progress == 100 and target != ActionStatus.DROPPED:
        raise ServiceError(_l("At 100 percent, mark the action as done."), "progress")
    before = (action.status, action.progress)
    if progress is not None:
        action.progress = progress
    elif before[0] == ActionStatus.DONE and target != ActionStatus.DONE:
        action.progress = min(action.progress, 99)
    if target != action.status:
        action.status = target
        action.done_at = utcnow() if target == ActionStatus.DONE else None
        action.drop_reason = reason if target == ActionStatus.DROPPED else ""
    action.updated_at = utcnow()
    update = ActionUpdate(
        action=action,
        author_id=actor.id,
        body=body,
        status=action.status,
        progress=action.progress,
    )
    db.session.add(update)
    db.session.flush()
    audit.record(
        "action.reported",
        action,
        actor=actor,
        update=update.id,
        before={"status": before[0], "progress": before[1]},
        after={"status": action.status, "progress": action.progress},
    )
    _move_recommendation(action, actor)
    _notify_followers(action, actor)
    return update


def _move_recommendation(action: Action, actor: Member) -> None:
    """adopted → in progress when one of its actions starts; in progress → done when every
    action is done or dropped (one done at least); back to in progress when one reopens."""
    from sip.working_groups.models import RecommendationState as S
    from sip.working_groups.services import move_recommendation

    rec = action.resolution.recommendation
    if rec is None:
        return
    statuses = set(
        db.session.scalars(
            sa.select(Action.status).where(Action.resolution_id == action.resolution_id)
        )
    )
    started = bool(statuses & {ActionStatus.IN_PROGRESS, ActionStatus.DONE})
    finished = ActionStatus.DONE in statuses and statuses <= {
        ActionStatus.DONE,
        ActionStatus.DROPPED,
    }
    if rec.state == S.ADOPTED and started:
        move_recommendation(rec, S.IN_PROGRESS, actor, action_id=action.id)
    if rec.state == S.IN_PROGRESS and finished:
        move_recommendation(rec, S.DONE, actor, action_id=action.id)
    elif rec.state == S.DONE and not finished:
        move_recommendation(rec, S.IN_PROGRESS, actor, action_id=action.id)


def _notify_followers(action: Action, actor: Member) -> None:
    from sip.notifications.services import notify

    followers = sa.select(ActionFollow.member_id).where(
        ActionFollow.action_id == action.id, ActionFollow.member_id != actor.id
    )
    notify(followers, "action.updated", action, title=action.title, status=action.status.value)


def _follow(action: Action, member: Member) -> None:
    exists = db.session.get(ActionFollow, (action.id, member.id))
    if exists is None:
        db.session.add(ActionFollow(action_id=action.id, member_id=member.id))
        db.session.flush()


def follows(action: Action, member) -> bool:
    if not getattr(member, "is_authenticated", False):
        return False
    return db.session.get(ActionFollow, (action.id, member.id)) is not None


def follow(action: Action, member: Member) -> None:
    """Hear of the action's updates (following twice changes nothing)."""
    _follow(action, member)


def unfollow(action: Action, member: Member) -> None:
    db.session.execute(
        sa.delete(ActionFollow).where(
            ActionFollow.action_id == action.id, ActionFollow.member_id == member.id
        )
    )


def adoptable_resolutions(cycle_id: int | None = None) -> list[Resolution]:
    """Adopted resolutions, newest first, for the "new action" choices."""
    from sip.assembly.models import Assembly

    query = (
        sa.select(Resolution)
        .join(Assembly)
        .where(
            Resolution.state == ResolutionState.CLOSED,
            Resolution.outcome == Outcome.ADOPTED,
            Resolution.kind != ResolutionKind.BOARD_ELECTION,
        )
        .order_by(Resolution.closed_at.desc(), Resolution.position)
    )
    if cycle_id is not None:
        query = query.where(Assembly.cycle_id == cycle_id)
    return list(db.session.scalars(query))
