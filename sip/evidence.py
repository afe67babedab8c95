"""Evidence: what a recommendation cites. A generic (kind, id) link that features register into.

Working groups register meetings (their minutes) and documents; the forum registers
threads and surveys their results. Each kind says how to load its targets in one
query, which targets a recommendation may cite, and the target's page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString


@dataclass(frozen=True)
class EvidenceKind:
    name: str
    label: LazyString | str
    #: ids -> {id: (title, url)} for the targets that exist, in one query.
    load: Callable[[Iterable[int]], dict[int, tuple[str, str]]]
    #: recommendation -> [(id, title)] the recommendation's group may cite.
    choices: Callable[[Any], list[tuple[int, str]]]


_KINDS: dict[str, EvidenceKind] = {}


def register(kind: EvidenceKind) -> None:
    _KINDS[kind.name] = kind


def kinds() -> dict[str, EvidenceKind]:
    return dict(_KINDS)


def resolve(links: Iterable[Any]) -> list[tuple[Any, str, str, str]]:
    """(link, kind label, title, url) for each link whose target still exists; one query a kind."""
    links = list(links)
    by_kind: dict[str, list[int]] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link.target_id)
    loaded = {k: _KINDS[k].load(ids) for k, ids in by_kind.items() if k in _KINDS}
    out = []
    for link in links:
        target = loaded.get(link.kind, {}).get(link.target_id)
        if target is not None:
            out.append((link, _KINDS[link.kind].label, target[0], target[1]))
    return out
