"""The one way user-written text reaches a page: Markdown, then nh3 with an allow-list."""

import markdown as md
import nh3
from markupsafe import Markup

#: Tags a member's Markdown may produce. No forms, media, frames, SVG, scripts or styles.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre",
        "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
#: Attributes per tag; no event handlers, styles, ids or hx-* attributes get through.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to safe HTML; links get ``rel="nofollow noopener"``."""
    if not text:
        return Markup("")
    html = md.markdown(text, extensions=_EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above
