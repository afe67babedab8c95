"""render_markdown: Markdown in, sanitised HTML out. No payload survives."""

import re

import pytest

from sip.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<img/src=x/onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#97;script:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x]( javascript:alert(1) )",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" onmouseover=alert(1)>x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="expression(alert(1))">x</p>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<input onfocus=alert(1) autofocus>",
    '<button formaction="javascript:alert(1)">x</button>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<div hx-get="/admin" hx-trigger="load">x</div>',
    '<div hx-post="/members/1/approve" hx-trigger="load" hx-swap="outerHTML">x</div>',
    '<span hx-on:click="alert(1)">x</span>',
    '<div data-hx-get="/admin" data-hx-trigger="load">x</div>',
    '<a href="/x" hx-boost="true" hx-headers=\'{"X":1}\'>x</a>',
    "<div hx-vals='js:{a: alert(1)}'>x</div>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<td onmouseover=alert(1)>x</td>",
    "<xss id=x tabindex=1 onfocus=alert(1)></xss>",
    '<a id="injected" name="x" href="#">x</a>',
    "*emphasis <em onclick=alert(1)>x</em>*",
    '<abbr title="x" onclick=alert(1)>x</abbr>',
]

DANGEROUS = [
    re.compile(
        r"<\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form|input|button|img|video|audio|template|details|marquee|body|noscript|xss)\b",
        re.I,
    ),
    re.compile(r"\son\w+\s*=", re.I),
    re.compile(r"(javascript|vbscript|data)\s*:", re.I),
    re.compile(r"\s(data-)?hx-[\w:-]*\s*=", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\sid\s*=", re.I),
]


def test_there_are_at_least_fifty_payloads():
    assert len(XSS_PAYLOADS) >= 50


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives(payload):
    html = str(render_markdown(payload))
    for pattern in DANGEROUS:
        match = pattern.search(html)
        # Escaped text (&lt;script&gt;) is fine: it is shown, not run.
        assert match is None, f"{pattern.pattern} survived in {html!r}"


def test_markdown_is_rendered():
    html = str(
        render_markdown(
            "# Title\n\n**bold** and *em*\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert "<li>one</li>" in html and "<td>1</td>" in html


def test_links_get_nofollow_noopener():
    html = str(render_markdown("[Smart](https://smart.coop/)"))
    assert html == '<p><a href="https://smart.coop/" rel="nofollow noopener">Smart</a></p>'
    assert 'href="mailto:a@b.org"' in str(render_markdown("[mail](mailto:a@b.org)"))


def test_code_is_shown_escaped():
    html = str(render_markdown("`<b>x</b>`"))
    assert "<code>&lt;b&gt;x&lt;/b&gt;</code>" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown(None) == ""
