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
from typing import Any

import pdfplumber
import pytest
from click.testing import Result
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from nkrefugees_letters import i18n, letters, missions
from nkrefugees_letters.pdf import fonts, layout
from nkrefugees_letters.profile import Organisation, Profile, Signatory
from nkrefugees_letters.resources import templates_dir
from nkrefugees_letters.text import templates
from nkrefugees_letters.text.lettertext import LetterText

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
    ("en", "us-washington"): (
        "September 24, 2026",
        "On the 44th anniversary",
        "Your Excellency,",
        "c/o Embassy of the People’s Republic of China in the United States of America",
        "on account of race, religion, nationality, membership of a particular social group "
        "or political opinion",
        "ratified by China on October 4, 1988",
        "Supreme Court held on November 12, 1996",
        "allow UNHCR access",
    ),
    ("zh", "us-washington"): (
        "2026年9月24日",
        "尊敬的习近平主席阁下：",
        "中华人民共和国主席习近平阁下",
        "中华人民共和国驻美利坚合众国大使馆转呈",
        "加入《关于难民地位的公约》44周年之际",
        "1982年9月24日，中华人民共和国加入了",
        "中国于1988年10月4日批准的《禁止酷刑公约》",
        "朝鲜公民",
        "职权范围",
        "谨致崇高的敬意！",
    ),
    ("ko", "kr-seoul"): (
        "2026년 9월 24일",
        "가입 제44주년을 맞이하여",
        "중화인민공화국 국가주석 시진핑 각하",
        "존경하는 시진핑 국가주석 각하",
        "중화인민공화국 주대한민국대사관",
        "1982년 9월 24일에",
        "1996년 11월 12일",
        "구금",
        "깊은 경의를 표합니다.",
    ),
    ("ja", "jp-tokyo"): (
        "2026年9月24日",
        "難民条約加入44周年",
        "中華人民共和国国家主席",
        "習近平閣下",
        "〒106-0046",
        "元麻布3丁目4番地33号",
        "気付",
        "拝啓　閣下には",
        "国連難民高等弁務官事務所（UNHCR）",
        "人身取引",
        "敬具",
    ),
    ("es", "mx-mexico-city"): (
        "24 de septiembre de 2026",
        "Al adherirse el 24 de septiembre de 1982",
        "44.º aniversario",
        "Excelentísimo Señor Presidente:",
        "Embajada de la República Popular China en México",
        "que China ratificó el 4 de octubre de 1988",
        "libere a los detenidos con ese fin",
        "cumplirían su promesa",
    ),
    # Peru writes "setiembre" (CLDR es_PE, Peruvian official usage): see docs/languages.md.
    ("es", "pe-lima"): ("24 de setiembre de 2026", "Al adherirse el 24 de setiembre de 1982"),
    ("en+zh", "gb-london"): (
        "24 September 2026",
        "2026年9月24日",
        "On the 44th anniversary",
        "恳请停止强制遣返朝鲜难民",
        "中华人民共和国驻大不列颠及北爱尔兰联合王国大使馆",
        "where the two differ, the English text prevails",
        "以英语文本为准",
    ),
}

PARTNER_MISSIONS = (
    "us-washington",
    "ca-ottawa",
    "mx-mexico-city",
    "gb-london",
    "au-canberra",
    "fi-helsinki",
    "jp-tokyo",
    "kr-seoul",
    "nl-the-hague",
    "pe-lima",
    "za-pretoria",
    "mw-lilongwe",
)
"""The embassies in the countries whose partners deliver the letters."""

LANGUAGES = ("en", "zh", "ko", "ja", "es")


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


# --- the recipient block and the mission's name in the letter's language -------------

ADDRESSEE = {
    "en": "His Excellency Xi Jinping",
    "zh": "中华人民共和国主席习近平阁下",
    "ko": "중화인민공화국 국가주석 시진핑 각하",
    "ja": "習近平閣下",
    "es": "Excelentísimo Señor Xi Jinping",
}
CARE_OF = {
    "en": r"c/o (Embassy of the People’s Republic of China in|Chinese Embassy in) .+",
    "zh": r"(中华人民共和国|中国)驻\S+大使馆转呈",
    "ko": r"중화인민공화국 주\S+대사관",
    "ja": r"中華人民共和国駐\S+大使館気付",
    "es": r"Por conducto de la Embajada de la República Popular China en \S.+",
}
"""The care-of line as each language writes it (an embassy: every partner mission is one)."""


def window_lines(pdf: bytes, paper: layout.Paper) -> list[str]:
    """The lines of text that show through the envelope window."""
    window = paper.window
    box = tuple(v * 72 / 25.4 for v in (window.left, window.top))
    size = tuple(v * 72 / 25.4 for v in (window.width, window.height))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        area = page.crop((box[0], box[1], box[0] + size[0], box[1] + size[1]))
        text = area.extract_text() or ""
    return [fonts.clean(line).strip() for line in text.splitlines()]


@pytest.mark.parametrize("mission", PARTNER_MISSIONS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_recipient_block_is_in_the_letters_language(language: str, mission: str) -> None:
    letter = compose(language, mission, Profile())
    full = letter.recipient_lines
    care_of = [line for line in full if re.fullmatch(CARE_OF[language], fonts.clean(line))]
    assert len(care_of) == 1, full
    assert ADDRESSEE[language] in full
    pdf = layout.render_pdf(letter)
    printed = squash("".join(window_lines(pdf.data, pdf.paper)))
    shown = layout.window_lines(letter)
    # The window shows the whole block, or (a long address in a small window) a shorter
    # form that keeps the mission; either way every line in the letter's language.
    assert [line for line in shown if squash(line) not in printed] == []
    name = i18n.mission_name(DIRECTORY.get(mission), language)
    assert [line for line in shown if line == care_of[0] or squash(line) == squash(name)]
    if len(shown) == len(full):
        assert squash(ADDRESSEE[language]) in printed
    if language != "en":
        # Neither the English care-of nor the mission's English name in a letter in
        # another language; and never a placeholder for "the local mission".
        assert "c/o" not in printed
        assert squash(DIRECTORY.get(mission).name) not in printed
    assert "当地" not in printed


@pytest.mark.parametrize(
    ("language", "mission", "lines"),
    [
        # Japanese and Korean addresses in their own script come first, then the
        # mission, then the person; elsewhere the person first, as the country writes.
        ("ja", "jp-tokyo", ("〒106-0046", "東京都港区元麻布3丁目4番地33号", "気付", "習近平閣下")),
        ("ko", "kr-seoul", ("서울특별시 중구 명동2길 27", "주대한민국대사관", "시진핑 각하")),
        ("en", "jp-tokyo", ("His Excellency", "c/o Embassy", "〒106-0046")),
        ("es", "pe-lima", ("Excelentísimo Señor", "Por conducto", "San Isidro")),
    ],
)
def test_recipient_lines_run_in_the_order_of_the_address(
    language: str, mission: str, lines: tuple[str, ...]
) -> None:
    recipient = compose(language, mission, Profile()).recipient_lines
    positions = [next(i for i, line in enumerate(recipient) if part in line) for part in lines]
    assert positions == sorted(positions)


def test_spanish_goes_through_the_mission_without_c_o() -> None:
    consulate = DIRECTORY.get("mx-tijuana")
    assert i18n.care_of(consulate, "es") == (
        "Por conducto del Consulado General de la República Popular China en Tijuana"
    )
    text = compose("es", "mx-tijuana", Profile()).text.plain_text()
    assert "He pedido al Consulado General de la República Popular China en Tijuana" in text


NAMES_FILE = Path(__file__).resolve().parents[1] / "research" / "sources" / "names.yaml"
SCRIPTS = {
    "ja": re.compile(r"^[\u3040-\u30ff\u4e00-\u9fff]+$"),
    "ko": re.compile(r"^[\uac00-\ud7af ]+$"),
    "es": re.compile(r"^[A-Za-zÁÉÍÓÚÑáéíóúñü ]+$"),
}


def test_research_names_are_sourced_and_in_their_script() -> None:
    import yaml

    entries = yaml.safe_load(NAMES_FILE.read_text(encoding="utf-8"))
    assert len(entries) >= 10
    for entry in entries:
        DIRECTORY.get(entry["id"])  # raises for an unknown mission
        assert re.match(r"^https?://\S+$", entry["source"])
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", str(entry["source_date"]))
        for language, name in entry["names"].items():
            assert SCRIPTS[language].match(name), (entry["id"], name)


@pytest.mark.parametrize(
    ("language", "personal_phrase", "organisation_phrase"),
    [
        ("en", "I ask you to fulfil them", "On behalf of Friends of North Korean Refugees, we ask"),
        ("zh", "我谨致函阁下", "我们谨代表Friends of North Korean Refugees致函阁下"),
        ("ko", "저는 중국으로 피신한", "저희 Friends of North Korean Refugees 일동은"),
        ("ja", "私は、中国に逃れた", "私ども「Friends of North Korean Refugees」は"),
        ("es", "pido a Su\u00a0Excelencia que", "en nombre de Friends of North Korean Refugees"),
    ],
)
def test_personal_and_organisation_letters_speak_differently(
    language: str, personal_phrase: str, organisation_phrase: str
) -> None:
    personal = compose(language, "us-washington", Profile()).text.plain_text()
    organisation = compose(language, "us-washington").text.plain_text()
    assert personal_phrase in personal and organisation_phrase not in personal
    assert organisation_phrase in organisation and personal_phrase not in organisation


def test_su_excelencia_never_breaks_across_lines() -> None:
    letter = compose("es", "us-washington")
    sentence = next(b.plain for b in letter.text.blocks if "Su\u00a0Excelencia" in b.plain)
    style = layout.styles_for("es")["body"]
    for width in range(120, 460, 3):
        paragraph = layout.paragraph(fonts.to_markup(sentence), style)
        paragraph.wrap(width, 10_000)
        lines = [" ".join(words) for _extra, words in paragraph.blPara.lines]
        assert not [line for line in lines if line.endswith(" Su") or line == "Su"], width


# --- facts and dates ---------------------------------------------------------------------

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    "|noviembre|diciembre"
)
TYPED_DATE = re.compile(
    rf"\b\d{{1,2}} (?:de )?(?:{MONTHS})\b|\b(?:{MONTHS}) \d{{1,2}}\b|\d+月\d+日|\d+월 \d+일"
)


@pytest.mark.parametrize("name", [*(f"appeal.{code}" for code in LANGUAGES), "cover-note.en"])
def test_no_template_types_a_date_into_its_text(name: str) -> None:
    template = templates.load_template(templates_dir() / f"{name}.md")
    for key, (source, _line) in template.sources.items():
        assert not TYPED_DATE.search(source), (key, TYPED_DATE.search(source))


@pytest.mark.parametrize(
    ("mission", "expected"),
    [
        ("us-washington", ("on September 24, 1982", "on October 4, 1988", "on November 12, 1996")),
        ("gb-london", ("on 24 September 1982", "on 4 October 1988", "on 12 November 1996")),
    ],
)
def test_dates_in_the_text_follow_the_letters_date_style(
    mission: str, expected: tuple[str, ...]
) -> None:
    text = compose("en", mission).text.plain_text()
    for phrase in expected:
        assert phrase in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_states_the_grounds_the_torture_convention_and_the_ruling(
    language: str,
) -> None:
    text = compose(language, "gb-london").text.plain_text()
    grounds = {
        "en": ("race", "religion", "nationality", "particular social group", "political opinion"),
        "zh": ("种族", "宗教", "国籍", "社会团体", "政治见解"),
        "ko": ("인종", "종교", "국적", "사회집단", "정치적 의견"),
        "ja": ("人種", "宗教", "国籍", "社会的集団", "政治的意見"),
        "es": ("raza", "religión", "nacionalidad", "grupo social", "opiniones políticas"),
    }[language]
    for word in grounds:
        assert word in text, word
    torture = {
        "en": "Convention against Torture",
        "zh": "禁止酷刑公约",
        "ko": "고문방지협약",
        "ja": "拷問等禁止条約",
        "es": "Convención contra la Tortura",
    }[language]
    assert torture in text
    assert i18n.long_date(i18n.CAT_RATIFICATION_DATE, language, "GB") in text
    assert i18n.long_date(i18n.ROK_SUPREME_COURT_RULING_DATE, language, "GB") in text
    # The old overstatements are gone.
    for claim in (
        "Articles 2 and 3",
        "第二条和第三条",
        "제2조와 제3조",
        "第2条および第3条",
        "artículos 2 y 3",
        "every person",
    ):
        assert claim not in text


# --- bilingual ---------------------------------------------------------------------


def test_bilingual_letter_is_english_then_chinese_with_one_signature() -> None:
    letter = compose("en+zh", "gb-london")
    assert letter.text.languages == ("en", "zh")
    assert letter.date_text == "24 September 2026"
    assert letter.second_date_text == "2026年9月24日"
    assert letter.text.translation is not None
    pdf = layout.render_pdf(letter)
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        pages = [squash(page.extract_text() or "") for page in document.pages]
    whole = "".join(pages)
    # Each part: its heading in its own language, its subject, salutation, text, closing.
    order = [
        "English",
        squash(letter.text.subject),
        "YourExcellency,",
        "Respectfullyyours,",
        "中文",
        squash(letter.text.translation.subject),
        "尊敬的习近平主席阁下：",
        "谨致崇高的敬意！",
        squash(i18n.prevailing_text_note("en", "zh", "en")),
        squash(i18n.prevailing_text_note("en", "zh", "zh")),
        "JaneDoe",
    ]
    positions = [whole.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert whole.count("JaneDoe") == 1
    assert whole.count("KimJi-hye김지혜") == 1
    assert whole.count(squash(letter.text.subject)) == 1


@pytest.mark.parametrize("mission", ["gb-london", "us-washington", "za-pretoria"])
@pytest.mark.parametrize("pair", ["en+zh", "zh+en", "en+ja", "ko+en", "en+es", "es+en"])
def test_page_one_of_a_bilingual_letter_never_ends_on_its_closing_alone(
    pair: str, mission: str
) -> None:
    letter = compose(pair, mission, Profile())
    pdf = layout.render_pdf(letter)
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        lines = [line for line in (document.pages[0].extract_text() or "").splitlines() if line]
        rules = [r for r in document.pages[0].lines + document.pages[0].rects if r["width"] > 300]
    closing = squash(letter.text.closing)
    assert squash(lines[-1]) == closing
    # The closing stands with the end of the text above it...
    assert squash(letter.text.blocks[-1].plain).endswith(squash(lines[-2])[-8:])
    # ...and no rule is left below it on the page with nothing after it.
    assert rules == []


def test_a_personal_bilingual_letter_captions_its_signature_lines_in_both_languages() -> None:
    pdf = layout.render_pdf(compose("en+zh", "gb-london", Profile()))
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        last = squash(document.pages[-1].extract_text() or "")
    assert "Signature/签名" in last
    assert "Nameincapitals/姓名（正楷）" in last


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
    mine.write_text(templates.find_template("appeal", "en").read_text(encoding="utf-8"))
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
    english = templates.load_template(templates.find_template("appeal", "en"))
    template = templates.load_template(templates.find_template("appeal", language))
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


# --- line breaking -----------------------------------------------------------------------

CLOSING_MARKS = "，。、；：！？）》」』”’〉】〕"
OPENING_MARKS = "（《「『“‘〈【〔"


@pytest.mark.parametrize(("language", "mission"), [("zh", "us-washington"), ("ja", "jp-tokyo")])
def test_chinese_and_japanese_lines_break_between_characters(language: str, mission: str) -> None:
    pdf = layout.render_pdf(compose(language, mission))
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        lines = (document.pages[0].extract_text() or "").splitlines()
    body = [line.strip() for line in lines if len(line.strip()) > 30]
    # Text without spaces fills the measure instead of overflowing or breaking at a space.
    assert len(body) >= 12


def pdf_lines(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    return [fonts.clean(line).strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("mission", PARTNER_MISSIONS)
@pytest.mark.parametrize("language", ["zh", "ja", "en+zh", "en+ja"])
def test_no_cjk_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(
    language: str, mission: str
) -> None:
    for profile in (Profile(), ORGANISATION):
        lines = pdf_lines(layout.render_pdf(compose(language, mission, profile)).data)
        assert [line for line in lines if line[0] in CLOSING_MARKS] == []
        assert [line for line in lines if line[-1] in OPENING_MARKS] == []


@pytest.mark.parametrize("mission", PARTNER_MISSIONS)
def test_japanese_closing_stands_flush_right_and_paragraphs_are_indented(mission: str) -> None:
    letter = compose("ja", mission)
    pdf = layout.render_pdf(letter)
    paper = pdf.paper
    right = (paper.width - paper.margin_right) * 72 / 25.4
    left = paper.margin_left * 72 / 25.4
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        chars = document.pages[0].chars
    closing = [c for c in chars if c["text"] in "敬具"]
    closing = [c for c in closing if abs(c["top"] - closing[-1]["top"]) < 1]
    assert "".join(c["text"] for c in closing) == "敬具"
    assert abs(closing[-1]["x1"] - right) < 1.5
    assert closing[0]["x0"] > left + 300
    # 拝啓 at the margin; the next paragraph (難民条約…) one character in.
    opening = next(c for c in chars if c["text"] == "拝")
    assert abs(opening["x0"] - left) < 1
    second = next(c for c in chars if c["text"] == "難" and c["top"] > opening["top"] + 40)
    assert abs(second["x0"] - (left + layout.BODY_SIZE)) < 1
    # The full-width space after 拝啓 stays full width.
    assert "拝啓\u3000" in letter.text.blocks[0].plain


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


# --- running headers and bold ---------------------------------------------------------


@pytest.mark.parametrize("mission", PARTNER_MISSIONS)
@pytest.mark.parametrize("pair", ["en+zh", "zh+en", "en+ja", "ja+en", "en+ko", "ko+en", "es+en"])
def test_the_running_header_is_one_line(pair: str, mission: str) -> None:
    pdf = layout.render_pdf(compose(pair, mission))
    assert pdf.pages == 2
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        page = document.pages[1]
        header = [c for c in page.chars if c["top"] < 20 * 72 / 25.4]
    assert header
    assert max(c["top"] for c in header) - min(c["top"] for c in header) < 2
    text = "".join(c["text"] for c in header)
    assert (
        "2 / 2" in text or "2 of 2" in text or "第2页" in text or "2쪽" in text or "2 de 2" in text
    )


class _RenderModes(PDFPageAggregator):  # type: ignore[misc]
    """Collects the characters drawn with text render mode 2 (filled and stroked)."""

    def __init__(self, manager: PDFResourceManager) -> None:
        super().__init__(manager, laparams=None)
        self.stroked: list[str] = []

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        before = len(self.cur_item._objs)
        super().render_string(textstate, seq, ncs, graphicstate)
        if textstate.render == 2:
            self.stroked += [o.get_text() for o in self.cur_item._objs[before:]]


def stroked_text(pdf: bytes) -> str:
    manager = PDFResourceManager()
    device = _RenderModes(manager)
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
    return "".join(device.stroked)


@pytest.mark.parametrize("mission", ["us-washington", "jp-tokyo", "kr-seoul"])
@pytest.mark.parametrize("language", ["zh", "ja"])
def test_chinese_and_japanese_subjects_are_bold(language: str, mission: str) -> None:
    letter = compose(language, mission)
    pdf = layout.render_pdf(letter)
    stroked = stroked_text(pdf.data)
    han = "".join(c for c in letter.text.subject if fonts.family_for(c) is fonts.HAN)
    assert han and stroked.startswith(han)
    # Only bold text is stroked: the salutation and the body are not.
    assert squash(letter.text.salutation) not in stroked
    assert letter.text.blocks[0].plain[:12] not in stroked
    # Digits and Latin letters in the subject are in the bold of the matching sans serif.
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        fours = {c["fontname"].split("+")[-1] for c in document.pages[0].chars if c["text"] == "4"}
    # The 44 of the subject in bold, the dates and the body in regular weight.
    assert fours == {"NotoSans-Bold", "NotoSans-Regular"}


def test_korean_subject_is_in_the_bold_face() -> None:
    pdf = layout.render_pdf(compose("ko", "kr-seoul"))
    with pdfplumber.open(io.BytesIO(pdf.data)) as document:
        chars = document.pages[0].chars
    subject = [c for c in chars if c["text"] == "맞"]
    assert subject and subject[0]["fontname"].endswith("NanumMyeongjoBold")
    assert stroked_text(pdf.data) == ""


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
        ("ja", "jp-tokyo", "letter-ja"),
        ("es", "pe-lima", "letter-es"),
        ("en+zh", "gb-london", "letter-en-zh"),
    ],
)
def test_sample_pictures(language: str, mission: str, name: str) -> None:
    pdf = layout.render_pdf(compose(language, mission))
    save_png(pdf.data, name)
    assert (DOCS / f"{name}.png").is_file()


def test_readme_picture() -> None:
    """docs/letter-chicago.png at the top of the README: a personal letter to Chicago."""
    pdf = layout.render_pdf(compose("en", "us-chicago", Profile()))
    save_png(pdf.data, "letter-chicago")
    assert (DOCS / "letter-chicago.png").is_file()
