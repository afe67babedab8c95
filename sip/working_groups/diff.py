"""Word-level diff of two texts, for comparing versions. Pure: no Flask, no database."""

import difflib
import re

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|[^\s]+")


def tokens(text: str) -> list[str]:
    """Words and the white space between them, so that joining them gives the text back."""
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op in "equal", "delete", "insert"; a replacement is a delete then an insert."""
    a, b = tokens(old), tokens(new)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", "".join(b[j1:j2])))
    return out


def render_diff(old: str, new: str) -> Markup:
    """The diff as escaped HTML: removed words in <del>, added words in <ins>."""
    parts = []
    for op, text in word_diff(old, new):
        if op == "equal":
            parts.append(escape(text))
        elif op == "delete":
            parts.append(Markup("<del>%s</del>") % text)
        else:
            parts.append(Markup("<ins>%s</ins>") % text)
    return Markup("").join(parts)


def render_sides(old: str, new: str) -> tuple[Markup, Markup]:
    """The two texts side by side as escaped HTML: the old one with its removed words in
    <del>, the new one with its added words in <ins>."""
    left, right = [], []
    for op, text in word_diff(old, new):
        if op == "equal":
            left.append(escape(text))
            right.append(escape(text))
        elif op == "delete":
            left.append(Markup("<del>%s</del>") % text)
        else:
            right.append(Markup("<ins>%s</ins>") % text)
    return Markup("").join(left), Markup("").join(right)
