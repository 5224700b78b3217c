"""Locale: dates, ordinals, paper sizes and country names by language and country (Babel)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from . import localecache
from .errors import BadCountry, LettersError
from .lazyimport import lazy_module

if TYPE_CHECKING:
    import babel
    import babel.dates
    from babel import Locale
else:  # loaded on the first question the locale cache cannot answer
    babel = lazy_module("babel")
    lazy_module("babel.dates")

ACCESSION_DATE = date(1982, 9, 24)
"""The PRC acceded to the 1951 Refugee Convention and its 1967 Protocol on this day."""

CAT_RATIFICATION_DATE = date(1988, 10, 4)
"""China ratified the Convention against Torture on this day (docs/languages.md)."""

ROK_SUPREME_COURT_RULING_DATE = date(1996, 11, 12)
"""The Supreme Court of Korea's judgment 96Nu1221 (docs/languages.md)."""

LANGUAGES = ("en", "zh", "ko", "ja", "es")
"""Languages the built-in appeal is written in."""

LETTER_PAPER_COUNTRIES = frozenset({"US", "CA", "MX"})
"""Countries where US Letter is the norm; everywhere else uses A4."""

CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})

LANGUAGE_ALIASES = {"cn": "zh", "jp": "ja", "kr": "ko", "sp": "es"}
"""Country codes or old habits people type for a language code."""


def language_spelling(text: str) -> str:
    """``EN+CN`` → ``en+zh``: the code a profile or option means, in any case (whether
    nkletters writes in it is for the template lookup to say)."""
    parts = (part.strip().lower() for part in text.split("+"))
    return "+".join(LANGUAGE_ALIASES.get(part, part) for part in parts)


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
        return babel.Locale.parse(f"{language}_{country.upper()}")
    except (babel.UnknownLocaleError, ValueError):
        pass
    try:
        return babel.Locale.parse("en_GB" if language == "en" else language)
    except (babel.UnknownLocaleError, ValueError):
        raise LettersError(
            f"unknown language {language!r}",
            hint="use a code such as " + ", ".join(LANGUAGES),
        ) from None


def long_date(when: date, language: str, country: str) -> str:
    """The date as a letter writes it: "September 24, 2026", "2026年9月24日"…"""
    return localecache.remember(
        ("long_date", when.isoformat(), language, country),
        lambda: babel.dates.format_date(when, format="long", locale=locale_for(language, country)),
    )


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
    return localecache.remember(
        ("country_name", code, language), lambda: _country_name(code, language)
    )


def _country_name(code: str, language: str) -> str:
    try:
        names = babel.Locale.parse(language).territories
    except (babel.UnknownLocaleError, ValueError):
        names = babel.Locale.parse("en").territories
    return str(names.get(code.upper(), code.upper()))


NOT_COUNTRIES = frozenset(
    {"AC", "CP", "DG", "EA", "EU", "EZ", "FX", "IC", "QO", "SU", "TA", "UK", "UN", "XA", "XB", "ZZ"}
)
"""Two-letter codes Babel names that are no ISO 3166-1 country: the exceptionally
reserved ones (EU, UN, Ascension's AC…), pseudo-locales and "unknown region" (ZZ)."""

COUNTRY_ALIASES = {"UK": "GB"}
"""What people write for a code that is spelt otherwise: the UK is GB in ISO 3166-1."""


def is_country_code(code: str) -> bool:
    """True for a two-letter ISO 3166-1 code that Babel knows as a country."""
    if len(code) != 2 or not code.isalpha() or not code.isupper() or code in NOT_COUNTRIES:
        return False
    # Every profile with a country asks this: kept, so that a letter need not load Babel.
    known = localecache.remember(
        ("is_country", code), lambda: "yes" if code in babel.Locale("en").territories else ""
    )
    return bool(known)


def country_code(text: str) -> str:
    """``uk`` → ``GB``, `` us `` → ``US``: the ISO code a user means (checked by the caller)."""
    code = text.strip().upper()
    return COUNTRY_ALIASES.get(code, code)


def checked_country(text: str, *, required: bool = False) -> str:
    """The ISO code a user means, checked: ``uk`` → ``GB``, ``""`` → ``""`` (unless
    ``required``).

    The one check of a ``--country`` (the CLI's options, the web form, the library).

    Raises:
        BadCountry: when ``text`` is not a country's two-letter code.
    """
    code = country_code(text)
    if (code or required) and not is_country_code(code):
        raise BadCountry(
            f"{text!r} is not a two-letter ISO 3166 country code; use e.g. US, GB "
            "(or UK), CA, KR — 'nkletters missions list' shows every mission's country"
        )
    return code


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
        "prevails": (
            "This letter is given in {first} and in {second}; where the two differ, "
            "the {first} text prevails."
        ),
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
        "prevails": "本信以{first}和{second}写成，如两种文本有出入，以{first}文本为准。",
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
        "prevails": (
            "이 서한은 {first}와 {second}로 작성되었으며, "
            "두 본문이 다를 경우 {first} 본문을 따릅니다."
        ),
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
        "prevails": (
            "本書簡は{first}と{second}で作成しており、"
            "両文に相違がある場合は{first}の文面を優先します。"
        ),
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
        "prevails": (
            "Esta carta se presenta en {first} y en {second}; en caso de discrepancia, "
            "prevalece el texto en {first}."
        ),
    },
}


def label(key: str, language: str, **values: object) -> str:
    """A word printed by the layout itself (captions, page numbers) in the letter's
    language; English where the language has no table."""
    base = base_language(language)
    return _LABELS.get(base, _LABELS["en"])[key].format(**values)


def prevailing_text_note(first: str, second: str, language: str) -> str:
    """The sentence of a bilingual letter, in ``language``, that says the ``first``
    language's text prevails."""
    return label(
        "prevails",
        language,
        first=language_name(first, language),
        second=language_name(second, language),
    )


def base_language(language: str) -> str:
    """``zh`` for ``zh``, ``zh_CN``, ``zh-Hans`` or ``zh+en``."""
    return language.split("+")[0].split("_")[0].split("-")[0].lower()


def language_name(language: str, in_language: str | None = None) -> str:
    """The language's own name (日本語, Español), or its name in ``in_language``."""
    base = base_language(language)
    try:
        names = babel.Locale.parse(base_language(in_language or base)).languages
    except (babel.UnknownLocaleError, ValueError):
        names = babel.Locale.parse("en").languages
    name = str(names.get(base, base))
    # English capitalises the names of languages; Spanish and the rest do not.
    return name[:1].upper() + name[1:] if base_language(in_language or base) == "en" else name


def language_heading(language: str) -> str:
    """The heading of one language's part of a bilingual letter: the language's name
    in that language, as a heading writes it (English, 中文, Español)."""
    name = language_name(language)
    return name[:1].upper() + name[1:]


# --- the mission's name in the letter's language ----------------------------------

_KIND_WORDS: dict[str, dict[str, str]] = {
    "zh": {"embassy": "大使馆", "consulate-general": "总领事馆", "consulate": "领事馆"},
    "ja": {"embassy": "大使館", "consulate-general": "総領事館", "consulate": "領事館"},
    "ko": {"embassy": "대사관", "consulate-general": "총영사관", "consulate": "영사관"},
    "es": {
        "embassy": "Embajada",
        "consulate-general": "Consulado General",
        "consulate": "Consulado",
    },
}
_PRC = {
    "zh": "中华人民共和国",
    "ja": "中華人民共和国",
    "ko": "중화인민공화국",
    "es": "la República Popular China",
}
_TZ_AREAS = ("America", "Europe", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian")
_KR_REGION_SUFFIXES = ("특별자치도", "특별자치시", "특별시", "광역시", "도")
_JP_REGION_SUFFIXES = ("都", "府", "県")


def mission_name(mission: Any, language: str) -> str:
    """The mission's name in ``language``: its official name there where the directory
    has one (``Mission.names``; for Chinese also ``name_zh``), else one built from its
    kind and its country (an embassy) or city (a consulate); English: ``name``."""
    base = base_language(language)
    # Mission.names: (language, name) pairs, or a mapping
    names = dict(getattr(mission, "names", None) or ())
    if names.get(base):
        return str(names[base])
    if base == "zh" and mission.name_zh:
        return str(mission.name_zh)
    if base not in _KIND_WORDS:
        return str(mission.name)
    kind = _KIND_WORDS[base].get(mission.kind, _KIND_WORDS[base]["consulate"])
    place = (
        country_name(mission.country, base) if mission.kind == "embassy" else city_in(mission, base)
    )
    if base == "es" and mission.kind == "embassy":
        place = _ES_COUNTRY.get(mission.country, place)
    if base == "es":
        return f"{kind} de {_PRC[base]} en {place}"
    if base == "ko":
        # 주부산총영사관; a name in Latin letters stands apart: 주 Calgary 총영사관.
        place = place if _is_cjk(place) else f" {place} "
        return f"{_PRC[base]} 주{place}{kind}".replace("  ", " ")
    return f"{_PRC[base]}驻{place}{kind}" if base == "zh" else f"{_PRC[base]}駐{place}{kind}"


def city_in(mission: Any, language: str) -> str:
    """The mission's city as ``language`` writes it: from a Japanese or Korean address
    in that script, else CLDR's name for the city where it has one, else as the
    directory writes it."""
    base = base_language(language)
    address = mission.address
    if base == "ko" and mission.country == "KR" and _is_cjk(address.region):
        return _strip_suffix(address.region, _KR_REGION_SUFFIXES)
    if base == "ja" and mission.country == "JP" and _is_cjk(address.region):
        return _strip_suffix(address.region, _JP_REGION_SUFFIXES)
    city = str(mission.city_name)
    zones = babel.Locale.parse(base).time_zones
    for area in _TZ_AREAS:
        localised = zones.get(f"{area}/{city.replace(' ', '_')}", {}).get("city")
        if localised:
            return str(localised)
    return city


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _is_cjk(text: str) -> bool:
    return any(
        0x3040 <= ord(c) <= 0x30FF or 0x3400 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF
        for c in text
    )


_CARE_OF: dict[str, str] = {
    "en": "c/o {name}",
    "ja": "{name}気付",
    "zh": "{name}转呈",
    "ko": "{name}",
}
"""How each language writes "care of" on an envelope: Japanese 気付 after the name,
Chinese 转呈 ("to be handed on"); Korean puts the institution on the line above the
person, with no word for it. Spanish names the mission with "por conducto de" (see
:func:`care_of`); other languages use the English form."""

_ES_COUNTRY = {
    "US": "los Estados Unidos",
    "NL": "los Países Bajos",
    "GB": "el Reino Unido",
    "AE": "los Emiratos Árabes Unidos",
}
"""Countries that Spanish names with an article (en los Estados Unidos)."""


def care_of(mission: Any, language: str) -> str:
    """The envelope line that sends the letter through the mission, in ``language``:
    ``c/o Embassy of …``, ``中華人民共和国駐日本国大使館気付``, ``Por conducto de la
    Embajada …``."""
    base = base_language(language)
    name = mission_name(mission, language)
    if base == "es":
        article = "del " if name.startswith("Consulado") else "de la "
        return "Por conducto " + article + name
    return _CARE_OF.get(base, _CARE_OF["en"]).format(name=name)


def in_text(name: str, language: str) -> str:
    """An organisation's name as it stands inside a sentence in ``language``.

    A name in Latin letters inside Japanese text goes in 「」; Chinese and Korean
    print it as it is (the layout sets a quarter em between Han and Latin letters).
    """
    if base_language(language) == "ja" and name.strip() and not _is_cjk(name):
        return f"「{name}」"
    return name
