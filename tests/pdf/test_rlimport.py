"""reportlab's import (nkrefugees_letters/pdf/rlimport.py): its web-address pattern is not
compiled at start, nor by a letter; when reportlab does use it, it matches and breaks a
line as the compiled pattern does; every other pattern is compiled as before."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import reportlab.platypus
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as rl_paragraph

from nkrefugees_letters.pdf import rlimport

ROOT = Path(__file__).resolve().parents[2]
URI_SOURCE = rl_paragraph.uri_pat.pattern


def test_a_letter_neither_compiles_the_pattern_nor_changes_re() -> None:
    script = textwrap.dedent(
        """
        import re
        real = re.compile
        from datetime import date
        from nkrefugees_letters import letters, missions
        from nkrefugees_letters.pdf import layout, rlimport
        from nkrefugees_letters.profile import Profile
        from reportlab.platypus import paragraph
        mission = missions.load().get("us-chicago")
        letter = letters.compose(mission, Profile(), letters.LetterOptions(when=date(2026, 9, 24)))
        assert layout.render_pdf(letter).pages == 1
        print(type(paragraph.uri_pat).__name__, "compiled" in vars(paragraph.uri_pat))
        print(re.compile is real, type(re.compile("a+b", re.I)).__name__)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["LazyPattern False", "True Pattern"]


def test_other_patterns_are_compiled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fresh copy of the module, put away again after the test, as is the package's
    # name for it (which importing it rebinds).
    monkeypatch.delitem(sys.modules, "reportlab.platypus.paragraph")
    monkeypatch.setattr(reportlab.platypus, "paragraph", rl_paragraph)
    seen: list[object] = []
    real = re.compile

    def spy(pattern: object, flags: int = 0) -> object:
        seen.append(pattern)
        return real(pattern, flags)  # type: ignore[call-overload]

    monkeypatch.setattr(re, "compile", spy)
    rlimport.install()
    fresh = importlib.import_module("reportlab.platypus.paragraph")
    assert isinstance(fresh.uri_pat, rlimport.LazyPattern)
    assert re.compile is spy  # put back as it was found
    assert URI_SOURCE not in seen  # not compiled
    assert len(seen) > 3  # reportlab's other patterns were
    assert not [f for f in sys.meta_path if type(f).__module__ == rlimport.__name__]  # once
    assert fresh.Paragraph.__module__ == rlimport.PARAGRAPH


ADDRESSES = st.builds(
    "{}://{}{}{}".format,
    st.sampled_from(["http", "https", "ftp", "HTTPS", "web+x", ""]),
    st.sampled_from(["", "user:pw@"]),
    st.one_of(
        st.from_regex(r"[a-z0-9]{1,12}(\.[a-zé0-9-]{1,10}){0,3}\.[a-z]{2,6}", fullmatch=True),
        st.sampled_from(["localhost", "127.0.0.1", "[::1]", "例子.中国", "-bad-.com"]),
    ),
    st.from_regex(r"(:[0-9]{2,5})?(/[a-zA-Z0-9._~%-]{0,12}){0,4}[?#]?", fullmatch=True),
)


@given(st.one_of(ADDRESSES, st.text(max_size=60)))
def test_the_lazy_pattern_matches_as_the_compiled_one(text: str) -> None:
    lazy = rlimport.LazyPattern(URI_SOURCE, re.I)
    compiled = re.compile(URI_SOURCE, re.I)
    found, expected = lazy.match(text), compiled.match(text)
    assert (found and found.groups()) == (expected and expected.groups())


def test_a_long_address_breaks_as_with_the_compiled_pattern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # reportlab uses the pattern only to break a web address (uriWasteReduce), which our
    # styles do not ask for; when it is asked for, the lazy pattern breaks it the same.
    style = ParagraphStyle("uri", fontSize=10, leading=12, uriWasteReduce=0.3)
    text = "See https://www.example.org/campaigns/save-north-korean-refugees/2026/letters now"

    def lines(pattern: object) -> list[tuple[str, ...]]:
        monkeypatch.setattr(rl_paragraph, "uri_pat", pattern)
        laid = Paragraph(text, style)
        laid.wrap(120, 1000)
        assert laid.blPara.kind == 0  # one font: each line is (space left, its words)
        return [tuple(words) for _, words in laid.blPara.lines]

    compiled = lines(re.compile(URI_SOURCE, re.I))
    assert len(compiled) > 2  # the address was broken
    assert lines(rlimport.LazyPattern(URI_SOURCE, re.I)) == compiled
