"""Languages (nkrefugees_letters/i18n.py): dates as each language and country writes them, and a
mission's name and care-of line in the letter's language."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from nkrefugees_letters import i18n, letters, missions
from nkrefugees_letters.profile import Profile

DIRECTORY = missions.load()
WHEN = date(2026, 9, 24)


def with_names(mission_id: str, **names: str) -> missions.Mission:
    return dataclasses.replace(DIRECTORY.get(mission_id), names=tuple(names.items()))


def test_the_missions_own_name_in_a_language_wins() -> None:
    mission = with_names("jp-tokyo", ja="中華人民共和国駐日本国大使館")
    assert i18n.mission_name(mission, "ja") == "中華人民共和国駐日本国大使館"
    assert i18n.care_of(mission, "ja") == "中華人民共和国駐日本国大使館気付"
    letter = letters.compose(mission, Profile(), letters.LetterOptions(language="ja", when=WHEN))
    assert "中華人民共和国駐日本国大使館気付" in letter.recipient_lines
    assert "中華人民共和国駐日本国大使館にお願いいたしました" in letter.text.plain_text()


@pytest.mark.parametrize(
    ("mission", "language", "expected"),
    [
        # No name in that language: built from the city (a consulate) or the country
        # (an embassy), in the same form as the names the missions use.
        ("kr-gwangju", "ko", "중화인민공화국 주광주총영사관"),
        ("kr-busan", "ko", "중화인민공화국 주부산총영사관"),
        ("us-chicago", "ja", "中華人民共和国駐シカゴ総領事館"),
        ("us-chicago", "ko", "중화인민공화국 주시카고총영사관"),
        ("ca-calgary", "ko", "중화인민공화국 주 Calgary 총영사관"),
        ("kr-gwangju", "zh", "中华人民共和国驻Gwangju总领事馆"),
        ("mx-tijuana", "es", "Consulado General de la República Popular China en Tijuana"),
        ("us-washington", "es", "Embajada de la República Popular China en los Estados Unidos"),
        (
            "za-johannesburg",
            "es",
            "Consulado General de la República Popular China en Johannesburgo",
        ),
        ("ca-calgary", "zh", "中华人民共和国驻Calgary总领事馆"),
    ],
)
def test_a_mission_without_a_name_in_the_language_gets_one_from_its_city(
    mission: str, language: str, expected: str
) -> None:
    assert i18n.mission_name(DIRECTORY.get(mission), language) == expected


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
