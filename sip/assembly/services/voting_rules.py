"""The rules a resolution is voted by: the configured defaults, each resolution's own, and
their checks (majorities, quorum, weights)."""

from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from sip.assembly import rules
from sip.assembly.models import (
    Resolution,
    ResolutionKind,
)
from sip.assembly.rules import EmptyCollege, Majority, QuorumBasis, Scheme
from sip.errors import ServiceError
from sip.extensions import db
from sip.members.models import College

#: The majority each kind of resolution needs.
MAJORITIES = {
    ResolutionKind.RECOMMENDATION: Majority.SIMPLE,
    ResolutionKind.ORDINARY: Majority.SIMPLE,
    ResolutionKind.STATUTE_CHANGE: Majority.THREE_QUARTERS,
    ResolutionKind.CHANGE_OF_PURPOSE: Majority.FOUR_FIFTHS,
}
STATUTORY = frozenset({ResolutionKind.STATUTE_CHANGE, ResolutionKind.CHANGE_OF_PURPOSE})


def default_rules() -> dict:
    """The co-operative's default rules (config ``ASSEMBLY_*``), college weights by id."""
    cfg = current_app.config
    codes = {c.code: c.id for c in db.session.scalars(sa.select(College))}
    weights = {
        str(codes[code]): str(Decimal(str(w)))
        for code, w in (cfg["ASSEMBLY_COLLEGE_WEIGHTS"] or {}).items()
        if code in codes
    }
    fraction = cfg["ASSEMBLY_QUORUM_FRACTION"]
    return {
        "scheme": Scheme(cfg["ASSEMBLY_SCHEME"]),
        "college_weights": weights,
        "empty_college": EmptyCollege(cfg["ASSEMBLY_EMPTY_COLLEGE"]),
        "abstentions_count": bool(cfg["ASSEMBLY_ABSTENTIONS_COUNT"]),
        "share_cap": Decimal(str(cfg["ASSEMBLY_SHARE_CAP"])) if cfg["ASSEMBLY_SHARE_CAP"] else None,
        "quorum_basis": QuorumBasis(cfg["ASSEMBLY_QUORUM_BASIS"]),
        "quorum_fraction": Decimal(str(fraction)) if fraction not in (None, "") else None,
        "proxy_cap": int(cfg["ASSEMBLY_PROXY_CAP"]),
    }


def resolution_rules(resolution: Resolution) -> rules.Rules:
    a = resolution.assembly
    return rules.Rules(
        scheme=a.scheme,
        college_weights={int(k): Decimal(v) for k, v in (a.college_weights or {}).items()},
        empty_college=a.empty_college,
        share_cap=a.share_cap,
        abstentions_count=a.abstentions_count,
        majority=MAJORITIES.get(resolution.kind, Majority.SIMPLE),
    )


def quorum_rule(resolution: Resolution) -> tuple[QuorumBasis, Decimal | None]:
    """The quorum a resolution needs: none at a second convocation; statute changes and
    changes of purpose need ASSEMBLY_STATUTE_QUORUM_* (half of the shares) at a first."""
    a = resolution.assembly
    if a.second_convocation:
        return a.quorum_basis, None
    if resolution.kind in STATUTORY:
        cfg = current_app.config
        fraction = cfg["ASSEMBLY_STATUTE_QUORUM_FRACTION"]
        statutory = Decimal(str(fraction)) if fraction not in (None, "") else None
        fractions = [f for f in (statutory, a.quorum_fraction) if f is not None]
        basis = QuorumBasis(cfg["ASSEMBLY_STATUTE_QUORUM_BASIS"])
        return basis, max(fractions) if fractions else None
    return a.quorum_basis, a.quorum_fraction


def _fraction_value(value, field: str, message) -> Decimal | None:
    """A fraction as typed: finite, kept to four decimals (what the database stores)."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ServiceError(message, field) from None
    if not number.is_finite():
        raise ServiceError(message, field)
    number = number.quantize(Decimal("0.0001"))
    if not Decimal(0) <= number <= 1:
        raise ServiceError(message, field)
    return number


def _check_rules(values: dict) -> dict:
    """The rules, checked and normalised; refused with the field at fault."""
    out = dict(values)
    for key, enum in (
        ("scheme", Scheme),
        ("empty_college", EmptyCollege),
        ("quorum_basis", QuorumBasis),
    ):
        try:
            out[key] = enum(values[key])
        except (KeyError, ValueError):
            raise ServiceError(_l("Choose one of the options in the list."), key) from None
    values = out
    weights_message = _l(
        "Give each member category a weight between 0 and 1, with some weight in all."
    )
    if values.get("scheme") == Scheme.COLLEGE_WEIGHTED:
        colleges = {str(c) for c in db.session.scalars(sa.select(College.id))}
        given = values.get("college_weights") or {}
        if set(given) != colleges:
            raise ServiceError(weights_message, "college_weights")
        weights = {
            k: _fraction_value(v, "college_weights", weights_message) for k, v in given.items()
        }
        if any(w is None for w in weights.values()) or sum(weights.values()) <= 0:
            raise ServiceError(weights_message, "college_weights")
        out["college_weights"] = {k: str(w) for k, w in weights.items()}
    else:  # kept for a later switch to weighting; only sound values
        kept = {}
        for k, v in (values.get("college_weights") or {}).items():
            try:
                kept[k] = str(_fraction_value(v, "college_weights", weights_message))
            except ServiceError:
                continue
        out["college_weights"] = {k: v for k, v in kept.items() if v != "None"}
    cap_message = _l("Give the cap as a fraction between 0 and 1.")
    cap = _fraction_value(values.get("share_cap"), "share_cap", cap_message)
    if values.get("scheme") == Scheme.PER_SHARE_CAPPED and not cap:
        raise ServiceError(cap_message, "share_cap")
    out["share_cap"] = cap
    quorum_message = _l("Give the quorum as a fraction between 0 and 1.")
    fraction = _fraction_value(values.get("quorum_fraction"), "quorum_fraction", quorum_message)
    if fraction is not None and fraction <= 0:
        raise ServiceError(quorum_message, "quorum_fraction")
    out["quorum_fraction"] = fraction
    proxy_cap = values.get("proxy_cap", 1)
    if proxy_cap is None or not 0 <= int(proxy_cap) <= 20:
        raise ServiceError(_l("Between %(min)s and %(max)s.", min=0, max=20), "proxy_cap")
    return out
