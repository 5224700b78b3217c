"""cliopts: what --lang and --country accept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nkrefugees_letters import cliopts, i18n


@pytest.mark.parametrize(
    ("text", "code"),
    [("EN", "en"), ("cn", "zh"), ("zh_CN", "zh"), ("zh-Hans", "zh"), (" Ko ", "ko"),
     ("jp", "ja"), ("EN+CN", "en+zh"), ("es+en", "es+en")],
)  # fmt: skip
def test_the_obvious_spellings_of_a_language(text: str, code: str) -> None:
    assert cliopts.language_code(text) == code


@pytest.mark.parametrize("text", ["fr", "", "en+en", "en+", "+zh", "en+zh+ko", "english"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        cliopts.language_code(text)


@given(st.text(max_size=12))
def test_a_language_is_known_or_refused(text: str) -> None:
    try:
        code = cliopts.language_code(text)
    except ValueError:
        return
    assert all(part in cliopts.languages() for part in code.split("+"))


@pytest.mark.parametrize(("text", "code"), [("uk", "GB"), (" us ", "US"), ("Gb", "GB")])
def test_country_codes_in_any_case(text: str, code: str) -> None:
    assert i18n.country_code(text) == code and i18n.is_country_code(code)


@pytest.mark.parametrize("code", ["EU", "UN", "ZZ", "XA", "QO", "AC"])
def test_codes_that_are_no_country(code: str) -> None:
    assert not i18n.is_country_code(code)
