"""Letters in every language of the built-in appeal, and English with Chinese side by side.

For each language the letter is generated, its text extracted, and every sentence of
the rendered template found in it; every character is checked against the font that
draws it (tests/glyphs.py). ``NKLETTERS_UPDATE_DOCS=1 python -m pytest
tests/test_languages.py`` also writes docs/letter-zh.png, letter-ko.png, letter-en-zh.png.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from click.testing import Result

from nkrefugees_letters import fonts, i18n, layout, letters, missions, render
from nkrefugees_letters.profile import Organisation, Profile, Signatory
from nkrefugees_letters.render import LetterText

from . import glyphs
from .conftest import FIXED_DATE, pdf_pages, pdf_text, written_path

Run = Callable[..., Result]
DOCS = Path(__file__).resolve().parents[1] / "docs"
DIRECTORY = missions.load()
WHEN = date(2026, 9, 24)
REVIEW = "A native speaker should review this text before it is sent."

PROFILE_YAML = """
    organisation:
      name: Friends of North Korean Refugees
      address: ["12 Harbour Road", "Cape Town 8001"]
      email: info@example.org
    signatories:
      - name: Jane Doe
        title: Chair
      - name: Kim Ji-hye 김지혜
        title: Director
"""
ORGANISATION = Profile(
    organisation=Organisation(
        name="Friends of North Korean Refugees",
        address=("12 Harbour Road", "Cape Town 8001"),
        email="info@example.org",
    ),
    signatories=(Signatory("Jane Doe", "Chair"), Signatory("Kim Ji-hye 김지혜", "Director")),
)

# Language, mission, and what a reader must see, written out by hand so that the test
# does not only compare nkletters with itself.
CASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "us-washington"): ("September 24, 2026", "44th anniversary", "Your Excellency,"),
    ("zh", "us-washington"): (
        "2026年9月24日",
        "尊敬的习近平主席阁下：",
        "中华人民共和国主席习近平阁下",
        "c/o Embassy of the People’s Republic of China in the United States of America",
        "中华人民共和国驻美利坚合众国大使馆",
        "加入《关于难民地位的公约》44周年之际",
        "1982年9月24日，中华人民共和国加入了",
        "谨致崇高的敬意！",
    ),
    ("ko", "kr-seoul"): (
        "2026년 9월 24일",
        "가입 제44주년에 즈음한 호소",
        "존경하는 시진핑 주석 각하께",
        "c/o Embassy of the People’s Republic of China in the Republic of Korea",
        "1982년 9월 24일에",
        "주대한민국 중화인민공화국 대사관에 부탁드리며",
    ),
    ("ja", "jp-tokyo"): (
        "2026年9月24日",
        "難民条約加入44周年",
        "習近平国家主席閣下",
        "元麻布3丁目4番地33号",
        "駐日本国中華人民共和国大使館にお願いいたしました",
        "敬具",
    ),
    ("es", "mx-mexico-city"): (
        "24 de septiembre de 2026",
        "El 24 de septiembre de 1982, la República Popular China se adhirió",
        "44.º aniversario",
        "Excelentísimo Señor Presidente:",
        "a la Embajada de la República Popular China que le haga llegar esta carta",
    ),
    # Peru writes "setiembre" (CLDR es_PE, Peruvian official usage): see docs/languages.md.
    ("es", "pe-lima"): ("24 de setiembre de 2026", "El 24 de setiembre de 1982"),
    ("en+zh", "gb-london"): (
        "24 September 2026",
        "2026年9月24日",
        "Appeal on the 44th anniversary",
        "恳请停止强制遣返朝鲜难民",
        "中华人民共和国驻大不列颠及北爱尔兰联合王国大使馆",
    ),
}


def squash(text: str) -> str:
    """Text without white space, as printed: line breaks fall anywhere in CJK text."""
    return re.sub(r"\s+", "", fonts.clean(text))


def sentences(text: LetterText) -> list[str]:
    """Every sentence (or clause ending in ; or :) of the letter, in all its languages.
    The envelope window holds the first language's recipient lines only."""
    found = [text.subject, text.salutation, text.closing]
    for block in text.blocks:
        found += re.split(r"(?<=[.。!?！？;；:：])\s*", block.plain)
    if text.translation is not None:
        found += sentences(text.translation)
    return [s for s in found if s.strip()]


def generate(run: Run, language: str, mission: str, *extra: str) -> Result:
    result = run("generate", "--mission", mission, "--lang", language, "--date", FIXED_DATE, *extra)
    assert result.exit_code == 0, result.stderr
    return result


def compose(language: str, mission: str, profile: Profile = ORGANISATION) -> layout.Letter:
    options = letters.LetterOptions(language=language, when=WHEN)
    return letters.compose(DIRECTORY.get(mission), profile, options)


@pytest.mark.parametrize("personal", [True, False], ids=["personal", "organisation"])
@pytest.mark.parametrize(("language", "mission"), list(CASES))
def test_letter_prints_every_sentence_with_real_glyphs(
    run: Run,
    write_yaml: Callable[[str, str], Path],
    tmp_path: Path,
    language: str,
    mission: str,
    personal: bool,
) -> None:
    extra = () if personal else ("--profile", str(write_yaml("nkletters.yaml", PROFILE_YAML)))
    path = tmp_path / written_path(generate(run, language, mission, *extra))
    printed = squash(pdf_text(path))
    profile = Profile() if personal else ORGANISATION
    letter = compose(language, mission, profile)
    expected = [*layout.window_lines(letter), *sentences(letter.text)]
    assert len(expected) > 20
    missing = [s for s in expected if squash(s) not in printed]
    assert missing == []
    for phrase in CASES[(language, mission)]:
        assert squash(phrase) in printed, phrase
    assert glyphs.missing_from_bundled(glyphs.drawn_chars(path)) == []
    assert glyphs.embedded_problems(path) == []
    assert pdf_pages(path) == (2 if "+" in language else 1)


@pytest.mark.parametrize("personal", [True, False], ids=["personal", "organisation"])
@pytest.mark.parametrize("mission", ["us-washington", "gb-london"], ids=["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "zh", "ko", "ja", "es"])
def test_every_language_fits_one_page(language: str, mission: str, personal: bool) -> None:
    letter = compose(language, mission, Profile() if personal else ORGANISATION)
    assert layout.render_pdf(letter).pages == 1


def test_only_a_chinese_letter_names_the_mission_in_chinese() -> None:
    name_zh = DIRECTORY.get("jp-tokyo").name_zh
    assert name_zh
    for language in ("en", "ja", "ko", "es"):
        assert name_zh not in compose(language, "jp-tokyo").recipient_lines
    for language in ("zh", "en+zh"):
        lines = compose(language, "jp-tokyo").recipient_lines
        # The official English name stays; the Chinese one follows it.
        assert lines[lines.index(name_zh) - 1] == (
            "c/o Embassy of the People's Republic of China in Japan"
        )


def test_chinese_letter_without_a_chinese_mission_name_still_reads() -> None:
    assert DIRECTORY.get("kr-gwangju").name_zh == ""
    letter = compose("zh", "kr-gwangju")
    assert "我们恳请中国驻当地总领事馆将此信转呈阁下" in letter.text.blocks[-1].plain
    assert letter.extra_recipient_lines == ()


@pytest.mark.parametrize(
    ("language", "personal_phrase", "organisation_phrase"),
    [
        ("zh", "我谨致函阁下", "我们谨代表Friends of North Korean Refugees致函阁下"),
        ("ko", "저는 안전을 찾아", "저희 Friends of North Korean Refugees 일동은"),
        ("ja", "私は、安全を求めて", "私どもFriends of North Korean Refugeesは"),
        ("es", "me dirijo a Su Excelencia para", "en nombre de Friends of North Korean Refugees"),
    ],
)
def test_personal_and_organisation_letters_speak_differently(
    language: str, personal_phrase: str, organisation_phrase: str
) -> None:
    personal = compose(language, "us-washington", Profile()).text.plain_text()
    organisation = compose(language, "us-washington").text.plain_text()
    assert personal_phrase in personal and organisation_phrase not in personal
    assert organisation_phrase in organisation and personal_phrase not in organisation


# --- bilingual ---------------------------------------------------------------------


def test_bilingual_letter_is_english_then_chinese_with_one_signature() -> None:
    letter = compose("en+zh", "gb-london")
    assert letter.text.languages == ("en", "zh")
    assert letter.date_text == "24 September 2026"
    assert letter.second_date_text == "2026年9月24日"
    pdf = layout.render_pdf(letter)
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        pages = [squash(page.extract_text() or "") for page in document.pages]
    first, whole = pages[0], "".join(pages)
    # Both subject lines stand at the top, before the first salutation.
    english_subject = squash(letter.text.subject)
    assert letter.text.translation is not None
    chinese_subject = squash(letter.text.translation.subject)
    assert first.index(english_subject) < first.index(chinese_subject) < first.index("Your")
    order = [
        "YourExcellency,",
        "Respectfullyyours,",
        "尊敬的习近平主席阁下：",
        "谨致崇高的敬意！",
        "JaneDoe",
    ]
    positions = [whole.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert whole.count("JaneDoe") == 1
    assert whole.count("KimJi-hye김지혜") == 1


def test_profile_default_language_can_be_bilingual(
    run: Run, write_yaml: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write_yaml("nkletters.yaml", PROFILE_YAML + "    defaults:\n      language: en+zh\n")
    result = run("generate", "--mission", "us-washington", "--date", FIXED_DATE)
    assert result.exit_code == 0, result.stderr
    text = squash(pdf_text(tmp_path / written_path(result)))
    assert "YourExcellency," in text and "尊敬的习近平主席阁下：" in text


@pytest.mark.parametrize("value", ["en+en", "en+zh+ko", "en+", "+zh"])
def test_a_bad_language_pair_is_one_clear_line(run: Run, value: str) -> None:
    result = run("generate", "--mission", "us-washington", "--lang", value)
    assert result.exit_code == 2  # a usage error, found before anything is read
    assert result.stdout == ""
    assert result.stderr.endswith(
        f"Error: Invalid value for '--lang': {value!r}: give one language or two different "
        "ones joined by '+' (en+zh)\n"
    )


def test_bilingual_letter_needs_the_template_in_both_languages(run: Run, tmp_path: Path) -> None:
    mine = tmp_path / "mine.md"
    mine.write_text(render.find_template("appeal", "en").read_text(encoding="utf-8"))
    result = run(
        "generate", "--mission", "us-washington", "--lang", "en+zh", "--template", str(mine)
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {mine}: template 'mine' is in 'en', so it cannot be the 'zh' half of a "
        "bilingual letter — give a template name without a language (e.g. 'appeal') and "
        "add a 'zh' version of it\n"
    )


# --- the templates -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "ko", "ja", "es"])
def test_translations_have_the_english_fields_and_ask_for_review(language: str) -> None:
    english = render.load_template(render.find_template("appeal", "en"))
    template = render.load_template(render.find_template("appeal", language))
    assert template.language == language
    assert set(template.front) == set(english.front) | {"review"}
    assert template.front["review"] == REVIEW
    assert compose(language, "us-washington").text.review == REVIEW


def test_the_english_template_needs_no_review() -> None:
    assert compose("en", "us-washington").text.review == ""


@pytest.mark.parametrize("language", ["zh", "en+zh"])
def test_unreviewed_text_is_a_warning(run: Run, language: str) -> None:
    result = generate(run, language, "gb-london")
    assert f"warning: the 'zh' text: {REVIEW}\n" in result.stderr
    assert "the 'en' text" not in result.stderr


def test_english_letter_has_no_review_warning(run: Run) -> None:
    assert "native speaker" not in generate(run, "en", "gb-london").stderr


# --- dates and ordinals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("en", "US", "September 24, 2026"),
        ("en", "GB", "24 September 2026"),
        ("en", "KR", "24 September 2026"),
        ("zh", "US", "2026年9月24日"),
        ("ko", "KR", "2026년 9월 24일"),
        ("ja", "JP", "2026年9月24日"),
        ("es", "MX", "24 de septiembre de 2026"),
        ("es", "PE", "24 de setiembre de 2026"),
    ],
)
def test_dates_follow_the_language_and_country(language: str, country: str, expected: str) -> None:
    assert i18n.long_date(WHEN, language, country) == expected


# --- line breaking -----------------------------------------------------------------------

CANNOT_START_LINE = "，。、；：！？）》」』”’"


@pytest.mark.parametrize(("language", "mission"), [("zh", "us-washington"), ("ja", "jp-tokyo")])
def test_chinese_and_japanese_lines_break_between_characters(language: str, mission: str) -> None:
    pdf = layout.render_pdf(compose(language, mission))
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        lines = (document.pages[0].extract_text() or "").splitlines()
    body = [line.strip() for line in lines if len(line.strip()) > 30]
    # Text without spaces fills the measure instead of overflowing or breaking at a space.
    assert len(body) >= 12
    assert [line for line in body if line[0] in CANNOT_START_LINE] == []


def test_korean_lines_break_between_words() -> None:
    letter = compose("ko", "kr-seoul")
    words = set(fonts.clean(letter.text.plain_text()).split())
    words |= set(" ".join(letter.recipient_lines).split())
    words |= {w for p in letter.signatories for w in f"{p.name} {p.title}".split()}
    pdf = layout.render_pdf(letter)
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        page = document.pages[0]
        body = page.crop((0, page.height * 0.3, page.width, page.height * 0.9))
        lines = (body.extract_text() or "").splitlines()
    printed = [word for line in lines for word in line.split() if word != "•"]
    assert len(printed) > 150
    assert [word for word in printed if word not in words] == []


# --- pictures for the README ---------------------------------------------------------------


def save_png(pdf: bytes, name: str) -> None:
    """Write the letter as docs/NAME.png at 80 dpi, pages side by side, when asked."""
    if os.environ.get("NKLETTERS_UPDATE_DOCS") != "1":
        return
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(pdf)
    pages = [document[i].render(scale=80 / 72).to_pil() for i in range(len(document))]
    gap = 16
    sheet = Image.new(
        "RGB",
        (sum(p.width for p in pages) + gap * (len(pages) - 1), max(p.height for p in pages)),
        "#d0d0d0",
    )
    x = 0
    for page in pages:
        sheet.paste(page, (x, 0))
        x += page.width + gap
    sheet.save(DOCS / f"{name}.png", optimize=True)


@pytest.mark.parametrize(
    ("language", "mission", "name"),
    [
        ("zh", "us-washington", "letter-zh"),
        ("ko", "kr-seoul", "letter-ko"),
        ("en+zh", "gb-london", "letter-en-zh"),
    ],
)
def test_sample_pictures(language: str, mission: str, name: str) -> None:
    pdf = layout.render_pdf(compose(language, mission))
    save_png(pdf.data, name)
    assert (DOCS / f"{name}.png").is_file()
