"""CJK line breaking (nkrefugees_letters/cjk.py): kinsoku at both ends of a line, for any
text and any width, and Latin words inside Chinese or Japanese text kept whole."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nkrefugees_letters.pdf import fonts, layout

CLOSING_MARKS = "，。、；：！？）》」』”’〉】〕"
OPENING_MARKS = "（《「『“‘〈【〔"


def lines_of(text: str, width: float) -> list[str]:
    style = layout.styles_for("ja")["body_first"]
    paragraph = layout.paragraph(fonts.to_markup(text, cjk=True), style)
    paragraph.wrap(width, 100_000)
    return ["".join(word.text for word in line.words) for line in paragraph.blPara.lines]


HAN_TEXT = st.text(
    alphabet=st.sampled_from(
        list("漢字仮名交じり文北朝鮮難民あいうアイウ" + CLOSING_MARKS + OPENING_MARKS)
    ),
    min_size=1,
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(text=HAN_TEXT, width=st.integers(min_value=25, max_value=220))
def test_kinsoku_holds_for_any_text_and_width(text: str, width: int) -> None:
    lines = lines_of(text, width)
    assert "".join(lines) == fonts.clean(text)
    for before, after in itertools.pairwise(lines):
        # Where a line of marks alone could not be broken otherwise, the break stands.
        if not set(before) <= set(CLOSING_MARKS + OPENING_MARKS):
            assert after[0] not in CLOSING_MARKS, (before, after)
            assert before[-1] not in OPENING_MARKS, (before, after)


def test_a_latin_word_inside_cjk_text_stays_whole() -> None:
    text = "中国にいる北朝鮮の人々への国連難民高等弁務官事務所UNHCRの接触を認めること" * 3
    for width in range(60, 300, 7):
        lines = lines_of(text, width)
        assert not [
            line for line in lines if re.search(r"[A-Z]$", line) and not line.endswith("UNHCR")
        ]


def test_an_opening_mark_goes_to_the_next_line_with_what_it_opens() -> None:
    # Eleven characters fit a 115 pt line at 10 pt: 「 would be the line's last.
    lines = lines_of("あいうえおかきくけこ「さしすせそ」たちつてと", 115)
    assert lines[0] == "あいうえおかきくけこ"
    assert lines[1].startswith("「さ")


def test_a_closing_mark_never_starts_a_line() -> None:
    lines = lines_of("あいうえおかきくけこさ。しすせそ", 115)
    assert lines[0].endswith("さ。") or not lines[1].startswith("。")
    assert not [line for line in lines if line[0] in CLOSING_MARKS]
