"""What a batch reuses across letters (nkrefugees_letters/pdf/reuse.py): recorded pages
replayed into the print file, paragraphs drawn from memory."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from reportlab.platypus import Paragraph

from nkrefugees_letters import batch, letters, missions, signers
from nkrefugees_letters.batch import planning
from nkrefugees_letters.pdf import fonts, layout, reuse
from nkrefugees_letters.pdf.printfile import PrintFile
from nkrefugees_letters.profile import Profile
from tests.batch.helpers import compose_job
from tests.pdf.helpers import ORG, compose, long_letter, make_png


def _contents(data: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_print_file_from_recorded_pages_matches_laying_out_again() -> None:
    directory = missions.load()
    options = letters.LetterOptions(when=date(2026, 9, 24))
    chosen = [
        batch.Job(n, directory.get(m), "x.pdf", (signers.Signer(n + 2, name, "Volunteer"),))
        for n, (m, name) in enumerate(
            [("us-chicago", "Zoë Ångström"), ("kr-seoul", "김민준"), ("jp-tokyo", "山田 花子")]
        )
    ]
    plan = planning.encoding(chosen, Profile(), options)
    composed = [compose_job(job, Profile(), options) for job in chosen]
    rendered = [layout.render_pdf(letter, plan) for letter in composed]
    assert all(pdf.page_records is not None for pdf in rendered)
    replayed, laid_out = io.BytesIO(), io.BytesIO()
    first, second = (
        PrintFile(replayed, duplex=True, plan=plan),
        PrintFile(laid_out, duplex=True, plan=plan),
    )
    for letter, pdf in zip(composed, rendered, strict=True):
        assert pdf.page_records is not None
        assert first.add_pages(pdf.page_records) == second.add(letter) == pdf.pages
    assert first.close() == second.close()
    assert _contents(replayed.getvalue()) == _contents(laid_out.getvalue())
    text = " ".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(replayed.getvalue())).pages
    )
    for name in ("Zoë Ångström", "김민준", "山田"):
        assert name in text


def test_recorded_pages_with_logo_signatures_languages_and_page_breaks(tmp_path: Path) -> None:
    import dataclasses

    from tests.pdf.helpers import ORG, compose, long_letter, make_png

    assert ORG.organisation is not None
    signed = tuple(
        dataclasses.replace(person, signature_image=make_png(tmp_path / f"s{n}.png", 90, 30))
        for n, person in enumerate(ORG.signatories)
    )
    profile = dataclasses.replace(
        ORG,
        organisation=dataclasses.replace(ORG.organisation, logo=make_png(tmp_path / "logo.png")),
        signatories=signed,
    )
    samples = [
        compose("us-chicago", profile),
        compose("gb-london", profile, language="en+zh"),
        compose("pe-lima", profile, language="es"),
        compose("kr-seoul", profile, language="ko"),
        long_letter(),
    ]
    plan = fonts.encoding_plan(s for x in samples for s in layout.printed_strings(x))
    replayed, laid_out = io.BytesIO(), io.BytesIO()
    first, second = PrintFile(replayed, plan=plan), PrintFile(laid_out, plan=plan)
    for letter in samples:
        records = layout.render_pdf(letter, plan).page_records
        assert records is not None
        assert first.add_pages(records) == second.add(letter)
    first.close()
    second.close()
    ours, theirs = (pypdf.PdfReader(io.BytesIO(b.getvalue())) for b in (replayed, laid_out))
    assert len(ours.pages) == len(theirs.pages) > len(samples)
    for mine, other in zip(ours.pages, theirs.pages, strict=True):
        assert mine.get_contents().get_data() == other.get_contents().get_data()
        assert sorted(mine["/Resources"]["/Font"]) == sorted(other["/Resources"]["/Font"])
        assert sorted(mine["/Resources"].get("/XObject", {})) == sorted(
            other["/Resources"].get("/XObject", {})
        )


def _page_streams(data: bytes) -> list[tuple[bytes, list[str]]]:
    """Each page's drawing operators and the fonts its resources name."""
    return [
        (page.get_contents().get_data(), sorted(page["/Resources"]["/Font"]))
        for page in pypdf.PdfReader(io.BytesIO(data)).pages
    ]


def test_paragraphs_drawn_from_memory_match_drawing_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logo = make_png(tmp_path / "logo.png")
    profile = dataclasses.replace(
        ORG, organisation=dataclasses.replace(ORG.organisation, logo=logo)
    )
    samples = [
        compose("us-chicago", profile),
        compose("kr-seoul", profile, language="ko"),
        compose("jp-tokyo", Profile(), language="ja"),
        compose("pe-lima", profile, language="es"),
        compose("gb-london", profile, language="en+zh"),
        long_letter(),
    ]
    texts = [s for letter in samples for s in layout.printed_strings(letter)]
    plan = fonts.encoding_plan(texts)
    # Twice each: the second time every shared paragraph is drawn from memory.
    remembered = [layout.render_pdf(letter, plan).data for letter in samples * 2]
    monkeypatch.setattr(reuse.SettledParagraph, "draw", Paragraph.draw)
    afresh = [layout.render_pdf(letter, plan).data for letter in samples * 2]
    for ours, theirs in zip(remembered, afresh, strict=True):
        assert _page_streams(ours) == _page_streams(theirs)


def test_a_font_read_from_the_cache_prints_the_same_bytes(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from datetime import date\n"
        "from nkrefugees_letters import letters, missions\n"
        "from nkrefugees_letters.pdf import layout\n"
        "from nkrefugees_letters.profile import Profile\n"
        "options = letters.LetterOptions(language='ko', when=date(2026, 9, 24))\n"
        "letter = letters.compose(missions.load().get('kr-seoul'), Profile(), options)\n"
        "sys.stdout.buffer.write(layout.render_pdf(letter).data)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first, second = (
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)
        for _ in range(2)
    )
    assert list((tmp_path / "nkletters" / "fonts").glob("NanumMyeongjo-*.marshal"))
    assert first.stdout == second.stdout and first.stdout.startswith(b"%PDF")


def _parsed_and_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, font_file: str
) -> tuple[str, Any, Any]:
    """A bundled font's path, its face as reportlab parses it, and as read from a cache
    (the first BatchFont parses the file and keeps it, the second reads it back)."""
    from reportlab.pdfbase.ttfonts import TTFont

    from nkrefugees_letters.pdf.embedding import BatchFont
    from nkrefugees_letters.resources import fonts_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = str(fonts_dir() / font_file)
    parsed = TTFont("Parsed", path).face
    BatchFont(f"First {font_file}", path, "NK98")
    return path, parsed, BatchFont(f"Second {font_file}", path, "NK99").face


def test_a_cached_face_reads_its_glyph_map_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nkrefugees_letters.pdf.embedding import BatchFont

    path, parsed, cached = _parsed_and_cached(tmp_path, monkeypatch, "NanumMyeongjo.ttf")
    assert "glyphToChar" not in vars(cached)
    assert cached.charToGlyph == parsed.charToGlyph and cached.charWidths == parsed.charWidths
    assert cached.glyphToChar == parsed.glyphToChar
    (entry,) = (tmp_path / "nkletters" / "fonts").glob("NanumMyeongjo-*-glyphs.marshal")
    entry.write_bytes(b"damaged")
    again = BatchFont("Third", path, "NK97").face
    assert again.glyphToChar == parsed.glyphToChar
    assert list(again.hmetrics) == parsed.hmetrics and list(again.glyphPos) == parsed.glyphPos


def test_a_cached_face_subsets_the_font_as_a_parsed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its glyph metrics and positions are arrays, not reportlab's lists of numbers.
    _, parsed, cached = _parsed_and_cached(tmp_path, monkeypatch, "DroidSansFallbackFull.ttf")
    assert not isinstance(cached.hmetrics, list)
    assert len(cached.hmetrics) == len(parsed.hmetrics)
    assert cached.hmetrics[len(parsed.hmetrics) - 1] == parsed.hmetrics[-1]
    with pytest.raises(IndexError):
        cached.hmetrics[len(parsed.hmetrics)]
    codes = [0, *map(ord, "北朝鮮難民を救え 救援 ABC, 123")]
    assert cached.makeSubset(codes) == parsed.makeSubset(codes)


def test_a_font_entry_of_another_version_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    from nkrefugees_letters import usercache
    from nkrefugees_letters.pdf.embedding import BatchFont
    from nkrefugees_letters.resources import fonts_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = str(fonts_dir() / "NanumMyeongjo.ttf")
    BatchFont("First", path, "NK94")
    (entry,) = (tmp_path / "nkletters" / "fonts").glob("NanumMyeongjo-*-3.marshal")
    kept = usercache.read_marshal(f"fonts/{entry.name}")
    assert isinstance(kept, dict)
    del kept["nkletters hmetrics"]
    usercache.write_marshal(f"fonts/{entry.name}", kept)
    again = BatchFont("Second", path, "NK93").face
    assert again.hmetrics == TTFont("Parsed", path).face.hmetrics


def test_keeping_a_font_removes_what_earlier_installs_kept_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each install (a new file time) or reportlab used to add megabytes of its own.
    from nkrefugees_letters.pdf.embedding import BatchFont
    from nkrefugees_letters.resources import fonts_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fonts = tmp_path / "nkletters" / "fonts"
    fonts.mkdir(parents=True)
    older = [
        "NanumMyeongjo-3839464-1796117165678496160-rl5.1.0-2.marshal",
        "NanumMyeongjo-3839464-1796117165678496160-rl5.1.0-2-glyphs.marshal",
        "NanumMyeongjo-3839000-1796143590000000000-rl4.4.0-little-3.marshal",
    ]
    others = [
        "NanumMyeongjoBold-4183592-1796117165694496160-rl5.1.0-little-3.marshal",
        "NanumMyeongjo-notes.txt",
    ]
    for name in older + others:
        (fonts / name).write_bytes(b"x")
    BatchFont("Kept", str(fonts_dir() / "NanumMyeongjo.ttf"), "NK92")
    left = {p.name for p in fonts.iterdir()}
    assert not left & set(older)
    assert left - set(others) == {
        p.name for p in fonts.glob("NanumMyeongjo-*.marshal")
    }  # this install's entry and its glyph map
    assert len(left) == len(others) + 2
