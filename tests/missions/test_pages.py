"""Pages: a page's bytes read as text by its charset, and HTML read as a reader sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkrefugees_letters.missions import pages

FIXTURES = Path(__file__).parents[1] / "fixtures" / "verify"


def test_latin1_without_any_charset_decodes_as_written() -> None:
    body = (FIXTURES / "latin1.html").read_bytes()
    text = pages.page_text(body, "text/html")
    assert "Musterstraße 12" in text and "Calle Ñandú 7" in text and "señora Núñez" in text


def test_big5_text_is_decoded() -> None:
    for name in ("big5.html", "big5-undeclared.txt"):
        text = pages.page_text((FIXTURES / name).read_bytes(), "")
        assert "中華人民共和國駐芝加哥總領事館" in text, name


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Grüße".encode("cp1252"), "text/plain; charset=windows-1252", "Grüße"),
        ("Grüße".encode(), "text/plain", "Grüße"),
        (b"\xef\xbb\xbfGr\xc3\xbc\xc3\x9fe", "text/plain; charset=iso-8859-1", "Grüße"),  # BOM wins
        ('<meta charset="koi8-r">Москва'.encode("koi8-r"), "text/html", "Москва"),
        ("Grüße".encode("cp1252"), "text/plain; charset=rot13", "Grüße"),  # not a text codec
    ],
)
def test_decode_honours_bom_header_and_meta(body: bytes, content_type: str, expected: str) -> None:
    assert expected in pages.decode(body, content_type)


def test_printable_drops_terminal_escapes_and_bidi_overrides() -> None:
    assert pages.printable("Erie\x1b[2J  Street \u202e\n60611") == "Erie [2J Street 60611"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=utf-8", True),
        ("", True),
        ("application/xhtml+xml", True),
        ("application/json", True),
        ("application/octet-stream", True),
        ("application/pdf", False),
        ("image/png", False),
    ],
)
def test_readable_content_types(content_type: str, expected: bool) -> None:
    assert pages.readable(content_type) is expected
