"""Locale: dates, ordinals, paper sizes and country names by language and country (Babel)."""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from .errors import LettersError

ACCESSION_DATE = date(1982, 9, 24)
"""The PRC acceded to the 1951 Refugee Convention and its 1967 Protocol on this day."""

LANGUAGES = ("en", "zh", "ko", "ja", "es")
"""Languages the built-in appeal is written in."""

LETTER_PAPER_COUNTRIES = frozenset({"US", "CA", "MX"})
"""Countries where US Letter is the norm; everywhere else uses A4."""

CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})


def anniversary(when: date) -> int:
    """The anniversary of accession observed in ``when``'s year (2026 → 44).

    Letters are written for 24 September, often weeks ahead, so a letter dated in
    any month of a year speaks of that year's anniversary.
    """
    return when.year - ACCESSION_DATE.year


def paper_for_country(country: str) -> str:
    """``letter`` for the US, Canada and Mexico, ``a4`` elsewhere."""
    return "letter" if country.upper() in LETTER_PAPER_COUNTRIES else "a4"


@cache
def locale_for(language: str, country: str) -> Locale:
    """The Babel locale for a letter in ``language`` to a mission in ``country``.

    English follows the host country's convention where Babel knows it (en_US writes
    "September 24, 2026", en_AU "24 September 2026"); elsewhere British English,
    the convention of A4 countries. Other languages use their own default.
    """
    try:
        return Locale.parse(f"{language}_{country.upper()}")
    except (UnknownLocaleError, ValueError):
        pass
    try:
        return Locale.parse("en_GB" if language == "en" else language)
    except (UnknownLocaleError, ValueError):
        raise LettersError(
            f"unknown language {language!r}",
            hint="use a code such as " + ", ".join(LANGUAGES),
        ) from None


def long_date(when: date, language: str, country: str) -> str:
    """The date as a letter writes it: "September 24, 2026", "2026年9月24日"…"""
    return format_date(when, format="long", locale=locale_for(language, country))


def ordinal(number: int, language: str) -> str:
    """An ordinal number in ``language``: 44th, 第44, 제44, 44.º; plain digits elsewhere."""
    base = language.split("_")[0].split("-")[0]
    if base == "en":
        if 10 <= number % 100 <= 20:
            suffix = "th"
        else:
            suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix}"
    if base in ("zh", "ja"):
        return f"第{number}"
    if base == "ko":
        return f"제{number}"
    if base in ("es", "pt", "it"):
        return f"{number}.º"
    if base == "fr":
        return f"{number}{'er' if number == 1 else 'e'}"
    return f"{number}."


def country_name(code: str, language: str = "en") -> str:
    """The country's name in ``language``, or the code itself when Babel does not know it."""
    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse("en").territories
    return str(names.get(code.upper(), code.upper()))


# Babel's territories include codes that name no country: "ZZ" (Unknown Region), "EU",
# "UN", pseudo-locales (XA, XB) and ISO's exceptionally reserved codes (AC, IC, TA…).
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)


def is_country_code(code: str) -> bool:
    """True for a two-letter ISO 3166-1 code that Babel knows as a country."""
    return (
        len(code) == 2
        and code.isalpha()
        and code.isupper()
        and code not in _NOT_COUNTRIES
        and code in Locale("en").territories
    )


_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "signature": "Signature",
        "name_in_capitals": "Name in capitals",
        "from": "FROM",
        "your_name": "Your name",
        "street": "Street address",
        "city": "City, postal code",
        "contact": "Email or phone",
        "page": "Page {number} of {total}",
        "cosigned": "Co-signed by:",
    },
    "zh": {
        "signature": "签名",
        "name_in_capitals": "姓名（正楷）",
        "from": "寄信人",
        "your_name": "姓名",
        "street": "街道地址",
        "city": "城市、邮政编码",
        "contact": "电子邮件或电话",
        "page": "第{number}页，共{total}页",
        "cosigned": "联署组织：",
    },
    "ko": {
        "signature": "서명",
        "name_in_capitals": "성명(정자)",
        "from": "보내는 사람",
        "your_name": "성명",
        "street": "주소",
        "city": "도시, 우편번호",
        "contact": "이메일 또는 전화",
        "page": "{total}쪽 중 {number}쪽",
        "cosigned": "공동 서명 단체:",
    },
    "ja": {
        "signature": "署名",
        "name_in_capitals": "氏名（楷書）",
        "from": "差出人",
        "your_name": "氏名",
        "street": "住所",
        "city": "市区町村・郵便番号",
        "contact": "メールアドレスまたは電話番号",
        "page": "{number} / {total} ページ",
        "cosigned": "共同署名団体：",
    },
    "es": {
        "signature": "Firma",
        "name_in_capitals": "Nombre en mayúsculas",
        "from": "REMITENTE",
        "your_name": "Nombre",
        "street": "Dirección",
        "city": "Ciudad y código postal",
        "contact": "Correo electrónico o teléfono",
        "page": "Página {number} de {total}",
        "cosigned": "Firman también:",
    },
}


def label(key: str, language: str, **values: object) -> str:
    """A word printed by the layout itself (captions, page numbers) in the letter's
    language; English where the language has no table."""
    base = language.split("+")[0].split("_")[0].split("-")[0]
    return _LABELS.get(base, _LABELS["en"])[key].format(**values)
