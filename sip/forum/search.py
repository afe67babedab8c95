"""Full-text search of the forum: one function, PostgreSQL or SQLite underneath.

PostgreSQL: ``websearch_to_tsquery('simple', ...)`` against GIN indexes on the post body and
the thread title, ranked by ``ts_rank``, highlighted by ``ts_headline``. SQLite: the FTS5
table of migration ``0003`` (accents folded), ranked by ``bm25`` with the title weighing
more, highlighted by ``snippet``. Both return only published posts of published threads in
categories the member reads, one page per query (no count of every match).
"""

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup, escape

from sip.extensions import db
from sip.forum.models import Category, Post, PostStatus, Thread, ThreadStatus
from sip.forum.permissions import readable_categories

#: Highlight markers: control characters, which clean_text removes from what people write.
START, STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    post_id: int
    thread_id: int
    category: Category
    author_name: str
    created_at: datetime
    title: Markup
    excerpt: Markup


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    page: int
    has_next: bool


def highlighted(text: str) -> Markup:
    """Escape ``text``, then turn the markers around matched words into ``<mark>``."""
    safe = str(escape(text or ""))
    # Safe: the text is escaped above; only our own <mark> tags are added.
    return Markup(safe.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704


def search(user, text: str, page: int = 1, per_page: int = 20) -> Results:
    """Posts ``user`` may read that match ``text``, best first; ``page`` counts from 1."""
    words = _WORD.findall(text or "")
    if not words:
        return Results([], page, False)
    query = _postgres(text) if db.engine.dialect.name == "postgresql" else _sqlite(words)
    query = (
        query.join(Thread, Thread.id == Post.thread_id)
        .join(Category, Category.id == Thread.category_id)
        .where(
            Post.status == PostStatus.PUBLISHED,
            Thread.status == ThreadStatus.PUBLISHED,
            readable_categories(user),
        )
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    rows = db.session.execute(query).all()
    categories = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Category).where(Category.id.in_({r.category_id for r in rows}))
        )
    }
    hits = [
        Hit(
            post_id=r.post_id,
            thread_id=r.thread_id,
            category=categories[r.category_id],
            author_name=r.author_name,
            created_at=r.created_at,
            title=highlighted(r.title_html) if r.title_html else escape(r.title),
            excerpt=highlighted(r.excerpt),
        )
        for r in rows[:per_page]
    ]
    return Results(hits, page, len(rows) > per_page)


def _columns():
    from sip.members.models import Member

    author = sa.select(Member.name).where(Member.id == Post.author_id).scalar_subquery()
    return (
        Post.id.label("post_id"),
        Post.thread_id,
        Thread.category_id,
        Thread.title,
        Post.created_at,
        author.label("author_name"),
    )


def _postgres(text: str):
    # The configuration as a literal, so that the expressions match the GIN indexes.
    simple = sa.literal_column("'simple'::regconfig")
    query = sa.func.websearch_to_tsquery(simple, text)
    body = sa.func.to_tsvector(simple, Post.body)
    title = sa.func.to_tsvector(simple, Thread.title)
    title_options = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
    options = f"StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=15, MaxFragments=2"
    rank = sa.func.ts_rank(body, query) + sa.case(
        (Post.is_first, sa.func.ts_rank(title, query) * 2), else_=0
    )
    # Two index scans (bodies, titles) joined by UNION: an OR across the two tables would
    # compute every post's tsvector instead.
    matching = sa.union(
        sa.select(Post.id.label("id")).where(body.op("@@")(query)),
        sa.select(Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.is_first, title.op("@@")(query)),
    ).subquery()
    return (
        sa.select(
            *_columns(),
            sa.func.ts_headline(simple, Thread.title, query, title_options).label("title_html"),
            sa.func.ts_headline(simple, Post.body, query, options).label("excerpt"),
        )
        .select_from(Post)
        .join(matching, matching.c.id == Post.id)
        .order_by(rank.desc(), Post.id.desc())
    )


def _fts_query(words: list[str]) -> str:
    """Each word a quoted FTS5 string (no operators from the visitor), the last one a prefix."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _sqlite(words: list[str]):
    fts = sa.table("forum_post_fts", sa.column("rowid"), sa.column("title"), sa.column("body"))
    match = sa.text("forum_post_fts MATCH :q").bindparams(q=_fts_query(words))
    rank = sa.literal_column("bm25(forum_post_fts, 4.0, 1.0)")
    return (
        sa.select(
            *_columns(),
            sa.literal_column("highlight(forum_post_fts, 0, char(2), char(3))").label("title_html"),
            sa.literal_column("snippet(forum_post_fts, 1, char(2), char(3), '…', 32)").label(
                "excerpt"
            ),
        )
        .select_from(fts)
        .join(Post, Post.id == fts.c.rowid)
        .where(match)
        .order_by(rank, Post.id.desc())
    )
