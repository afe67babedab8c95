"""Every string a person reads exists in French and Dutch."""

import subprocess
import sys

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sip import ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_ids() -> set[str]:
    method_map = [
        ("sip/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    for path in (ROOT / "templates" / "_macros").glob("*.html"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(path.parent), [("*.html", "jinja2")], keywords=KEYWORDS
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_string_is_translated(lang):
    with (ROOT / "sip" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and m.string and "fuzzy" not in m.flags
    }
    missing = sorted(extracted_ids() - translated)
    assert missing == [], (
        f"untranslated in {lang} (run `make messages` and fill the .po): {missing}"
    )


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_placeholders_are_kept(lang):
    import re

    with (ROOT / "sip" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)

    def names(text: str) -> list[str]:
        return sorted(re.findall(r"%\(\w+\)\w", text))

    for m in catalog:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for text in strings:
            assert names(text) == names(ids[-1]), m.id


def test_catalogues_compile():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "compile",
            "--statistics",
            "-d",
            str(ROOT / "sip" / "translations"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
