"""Fonts: the right bundled font for every character, and no glyph ever missing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from click.testing import Result
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from nkrefugees_letters.errors import LayoutError
from nkrefugees_letters.pdf import fonts
from tests import glyphs
from tests.conftest import FIXED_DATE, pdf_text, written_path

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("Asociación Ñandú — Perú", "Asociación Ñandú — Perú"),
        ("Kim Ji-hye 김지혜", 'Kim Ji-hye <font face="NanumMyeongjo">김지혜</font>'),
        ("习近平", '<font face="DroidSansFallback">习近平</font>'),
        ("東京都港区", '<font face="DroidSansFallback">東京都港区</font>'),
        ("ひらがな・カタカナ", '<font face="DroidSansFallback">ひらがな・カタカナ</font>'),
        ("Smith & Sons <Relief>", "Smith &amp; Sons &lt;Relief&gt;"),
    ],
)
def test_each_script_gets_a_font_that_has_it(text: str, markup: str) -> None:
    assert fonts.to_markup(text) == markup


def test_bold_and_italic_reach_inside_font_tags() -> None:
    # A <font face> tag names one face: a bold paragraph style does not make it bold.
    assert fonts.to_markup("김지혜 東京", bold=True) == (
        '<font face="NanumMyeongjo-Bold">김지혜 </font>'
        '<font face="DroidSansFallback-Bold">東京</font>'
    )
    assert fonts.to_markup("김지혜", italic=True) == (
        '<font face="NanumMyeongjo-Italic">김지혜</font>'
    )


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        # Latin letters among Han characters: Noto Sans, a quarter em from the Han.
        (
            "联合国UNHCR难民署",
            '<font face="DroidSansFallback">联合国</font>'
            '<font face="NotoSans">\u2005UNHCR\u2005</font>'
            '<font face="DroidSansFallback">难民署</font>',
        ),
        # Digits are close-set: 2026年9月24日.
        (
            "2026年9月",
            '<font face="NotoSans">2026</font><font face="DroidSansFallback">年</font>'
            '<font face="NotoSans">9</font><font face="DroidSansFallback">月</font>',
        ),
        # Next to punctuation no space: 「Friends」.
        (
            "「NK」",
            '<font face="DroidSansFallback">「</font><font face="NotoSans">NK</font>'
            '<font face="DroidSansFallback">」</font>',
        ),
        # Text without Han characters keeps the serif, even in a Chinese letter.
        ("49 Portland Place", "49 Portland Place"),
    ],
)
def test_latin_inside_chinese_and_japanese_text_matches_the_han_font(
    text: str, markup: str
) -> None:
    assert fonts.to_markup(text, cjk=True) == markup


def test_chinese_and_japanese_bold_is_the_han_font_stroked() -> None:
    markup = fonts.to_markup("中文", bold=True, cjk=True)
    assert markup == '<font face="DroidSansFallback-Bold">中文</font>'
    bold = pdfmetrics.getFont("DroidSansFallback-Bold")
    regular = pdfmetrics.getFont("DroidSansFallback")
    canvas = Canvas(io.BytesIO())
    canvas.setFont("DroidSansFallback-Bold", 10)
    canvas.drawString(0, 0, "中文")
    canvas.setFont("DroidSansFallback", 10)
    canvas.drawString(0, 20, "中文")
    code = "\n".join(canvas._code)
    assert f"2 Tr {fonts.SYNTHETIC_BOLD_STROKE} w /NK" in code and "0 Tr /NK" in code
    # The same embedded font and numbering: bold adds no font to the PDF.
    assert bold.subset_name(0, canvas._doc) == regular.subset_name(0, canvas._doc)
    reader = pypdf.PdfReader(io.BytesIO(canvas.getpdfdata()))
    names = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert len([n for n in names if "DroidSansFallback" in n]) == 1


def test_a_character_no_font_has_is_a_clear_error() -> None:
    with pytest.raises(LayoutError) as caught:
        fonts.to_markup("Jane 😀", where="signatory name")
    assert str(caught.value) == (
        "signatory name contains '😀' (U+1F600 GRINNING FACE), which no bundled font can "
        "print — remove or replace that character"
    )


def test_clean_folds_spaces_but_keeps_the_ideographic_space() -> None:
    assert fonts.clean("拝啓\u3000時下 \n\t x") == "拝啓\u3000時下 x"


def test_the_glyph_check_notices_a_missing_glyph() -> None:
    # Drawn straight on a canvas, '習' in the Latin font becomes code 0: the check must see it.
    fonts.register(fonts.LATIN)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=fonts.BODY_FONT)
    canvas.setFont(fonts.BODY_FONT, 12)
    canvas.drawString(100, 100, "Xi 習")
    canvas.save()
    pdf = buffer.getvalue()
    assert glyphs.missing_from_bundled(glyphs.drawn_chars(pdf)) == [
        "'\\x00' drawn in NotoSerif-Regular: a character the font lacks"
    ]
    assert glyphs.embedded_problems(pdf) == ["AAAAAA+NotoSerif-Regular: '\\x00' has no glyph"]


MIXED_PROFILE = """
    organisation:
      name: Asociación Ñandú — Perú
      address: ["Jr. Ucayali 123", "Lima 15001"]
    signatories:
      - name: Kim Ji-hye 김지혜
        title: Coordinadora
      - name: José Núñez
        title: Presidente
"""


def test_english_letter_prints_korean_spanish_and_japanese_names(
    run: Run, write_yaml: Callable[[str, str], Path], tmp_path: Path
) -> None:
    profile = write_yaml("nkletters.yaml", MIXED_PROFILE)
    result = run(
        "generate", "--mission", "jp-tokyo", "--date", FIXED_DATE, "--profile", str(profile)
    )
    assert result.exit_code == 0, result.stderr
    path = tmp_path / written_path(result)
    text = pdf_text(path)
    for phrase in (
        "Asociación Ñandú — Perú",
        "Kim Ji-hye 김지혜",
        "José Núñez",
        "元麻布3丁目4番地33号",
        "東京都",
        "Your Excellency,",
    ):
        assert phrase in text
    assert glyphs.missing_from_bundled(glyphs.drawn_chars(path)) == []
    assert glyphs.embedded_problems(path) == []
    drawn = dict(glyphs.drawn_chars(path))
    assert drawn["김"] == "NanumMyeongjoBold"  # the signatory's name is bold
    assert drawn["麻"] == "DroidSansFallback"
    assert drawn["Ñ"].startswith("NotoSerif")


def test_one_message_for_a_character_no_font_prints() -> None:
    assert fonts.unprintable_error("name", "Ann Lee") is None
    error = fonts.unprintable_error("name", "Ann 😀")
    assert error is not None
    assert error.message == (
        "name contains '😀' (U+1F600 GRINNING FACE), which no bundled font can print"
    )
    assert error.hint == "remove or replace that character"
