"""Phones: checks a mission's phone number and writes it in one international form.

The directory stores numbers as ``+1 312-803-0095`` (the ITU international format that
the ``phonenumbers`` package writes from Google's libphonenumber data), whatever form
the source page used (``001-312-8030095``, ``(312) 803-0095``, ``0093-20-2102548``).
"""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["international", "problem"]


def _parse(number: str, country: str) -> phonenumbers.PhoneNumber | None:
    # Chinese pages write the international prefix as dialled from China: 0061-8-…
    number = re.sub(r"^\s*00(?=[1-9])", "+", number)
    try:
        return phonenumbers.parse(number, country.upper())
    except phonenumbers.NumberParseException:
        return None


def problem(number: str, country: str) -> str:
    """Why ``number`` is not a valid phone number in ``country``, or '' when it is."""
    parsed = _parse(number, country)
    if parsed is None:
        return "is not a phone number"
    if not phonenumbers.is_valid_number(parsed):
        return "is not a valid phone number"
    region = phonenumbers.region_code_for_number(parsed)
    if region and region != country.upper():
        return f"is a number in {region}, not in {country.upper()}"
    return ""


def international(number: str, country: str) -> str:
    """``number`` in international form (``+1 312-803-0095``); unchanged if it cannot parse."""
    parsed = _parse(number, country)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
