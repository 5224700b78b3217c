"""Pages: a web page's bytes as the text a reader sees (charset, then HTML without markup).

The one module that imports charset-normalizer. Nothing here raises on what a page holds:
bytes in no known encoding are decoded with replacement characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser

import charset_normalizer

__all__ = ["decode", "page_text", "printable", "readable"]

_DETECT_BYTES = 64 * 1024  # what charset detection reads: the whole of 5 MB would be slow

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels a page declares that browsers read as a wider encoding (the WHATWG Encoding
# standard): a page labelled Latin-1 is written in Windows-1252 in practice.
_WIDER = {
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "big5": "big5hkscs",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "utf_16": "utf-8",  # an HTML page cannot declare UTF-16 in a meta tag it can still read
}


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or None for an unknown or non-text one."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
        codec = _WIDER.get(name, name)
        "a".encode(codec)  # refuses 'rot13', 'base64' and the like: not text encodings
    except (LookupError, ValueError):
        return None
    return codec


def decode(body: bytes, content_type: str = "") -> str:
    """A page's bytes as text: by its byte-order mark, the HTTP charset, its ``<meta
    charset>``, UTF-8 if it decodes, else the encoding charset-normalizer detects."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    header = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    meta = _META_CHARSET.search(body[:8192])
    for label in (header[1] if header else None, meta[1].decode("ascii") if meta else None):
        declared = _codec(label)
        if declared:
            return body.decode(declared, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return body.decode(_detect(body[:_DETECT_BYTES]), errors="replace")


def _detect(sample: bytes) -> str:
    """The encoding charset-normalizer finds; Windows-1252 among equally good guesses.

    It ranks Central European cp1250 first for a Latin-1 page (they agree on ß and ä,
    not on ñ); an undeclared page is far more often Western (the Web's default legacy
    encoding, per the WHATWG Encoding standard).
    """
    matches = list(charset_normalizer.from_bytes(sample))
    if not matches:
        return "cp1252"
    best = matches[0]
    ties = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in m.could_be_from_charset for m in ties):
        return "cp1252"
    return _codec(best.encoding) or "cp1252"


_BLOCKS = frozenset(
    re.split(
        r"\s+",
        "address article aside blockquote br dd div dl dt footer form h1 h2 h3 h4 h5 h6 header "
        "hr li main nav ol p pre section table tbody td th thead tr ul",
    )
)
_HIDDEN = frozenset(("script", "style", "template"))


class _TextParser(HTMLParser):
    """Collects the text a reader sees: no scripts or styles, a line break per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(body: bytes, content_type: str = "") -> str:
    """The readable text of a page: HTML without its markup, or plain text as it is."""
    text = decode(body, content_type)
    mime = content_type.split(";", 1)[0].strip().lower()
    looks_html = re.search(r"<(?:!doctype|html|head|body|p|div|br|table)\b", text[:4096], re.I)
    if mime in ("text/html", "application/xhtml+xml") or (
        mime in ("", "application/octet-stream") and looks_html
    ):
        parser = _TextParser()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return text


def readable(content_type: str) -> bool:
    """True for a content type that may hold text to read (text, XML, JSON or unnamed)."""
    mime = content_type.split(";", 1)[0].strip().lower()
    return (
        not mime
        or mime.startswith("text/")
        or mime.endswith(("/xml", "+xml", "/json"))
        or mime == "application/octet-stream"
    )


def printable(text: str) -> str:
    """Page text made safe to print: no control or format characters (terminal escapes,
    bidi overrides), whitespace runs as one space."""
    kept = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)
    return " ".join(kept.split())
