"""Writing files: atomic, never over a file nkletters did not write, clear when impossible."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from nkrefugees_letters import output
from nkrefugees_letters.errors import OutputError

OURS = b"%PDF-1.4\n1 0 obj << /Creator (nkletters 1.0) >> endobj\n%%EOF\n"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_creates_folders_and_replaces_its_own_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "letter.pdf"
    assert output.write_atomic(target, OURS) == target
    assert target.read_bytes() == OURS
    output.write_atomic(target, OURS + b"% again\n")
    assert target.read_bytes().endswith(b"% again\n")
    assert leftovers(target.parent) == ["letter.pdf"]


def test_a_file_not_ours_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    target.write_bytes(b"%PDF-1.4 someone else's contract")
    with pytest.raises(OutputError) as caught:
        output.write_atomic(target, OURS)
    assert str(caught.value) == (
        f"{str(target)!r} exists and was not written by nkletters — "
        "move it away, choose another --out folder, or pass --force"
    )
    assert target.read_bytes() == b"%PDF-1.4 someone else's contract"
    output.write_atomic(target, OURS, force=True)
    assert target.read_bytes() == OURS


def test_a_folder_in_the_way_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").mkdir()
    with pytest.raises(OutputError, match="exists and was not written by nkletters"):
        output.write_atomic(tmp_path / "letter.pdf", OURS)
    with pytest.raises(OutputError, match="cannot write"):
        output.write_atomic(tmp_path / "letter.pdf", OURS, force=True)
    assert (tmp_path / "letter.pdf").is_dir()


def test_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(OURS)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "letter.pdf").symlink_to(outside)
    output.write_atomic(folder / "letter.pdf", OURS + b"% new\n")
    assert outside.read_bytes() == OURS
    assert not (folder / "letter.pdf").is_symlink()


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError(28, "No space left")])
def test_interrupted_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes half the data, then is interrupted (Ctrl-C, a full disk)."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def flush(self) -> None:
            self.handle.flush()

        def close(self) -> None:
            self.handle.close()

        def write(self, data: bytes) -> None:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise interruption

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    target = tmp_path / "letter.pdf"
    expected = KeyboardInterrupt if interruption is KeyboardInterrupt else OutputError
    with pytest.raises(expected):
        output.write_atomic(target, OURS * 1000)
    assert leftovers(tmp_path) == []


def test_interrupted_overwrite_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "letter.pdf"
    output.write_atomic(target, OURS)

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, OURS + b"% new\n")
    assert target.read_bytes() == OURS
    assert leftovers(tmp_path) == ["letter.pdf"]


def test_unwritable_folder_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    with pytest.raises(OutputError) as caught:
        output.write_atomic(tmp_path / "letter.pdf", OURS)
    assert str(caught.value) == (
        f"cannot write in {str(tmp_path)!r}: Permission denied — "
        "check the folder's permissions or choose another --out"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="Permission denied"):
            output.write_atomic(folder / "letter.pdf", OURS)
    finally:
        folder.chmod(0o700)


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "letters").write_text("a file")
    with pytest.raises(OutputError) as caught:
        output.ensure_dir(tmp_path / "letters")
    assert str(caught.value) == (
        f"{str(tmp_path / 'letters')!r} is a file, not a folder — choose another folder with --out"
    )


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Jane Doe", "jane-doe"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("김지혜", "gimjihye"),
        ("张伟", "zhang-wei"),
        ("\u200b", "x"),
        ("Ñandú  O'Neil", "nandu-o-neil"),
        ("", "x"),
    ],
)
def test_safe_name_cannot_leave_the_folder(text: str, slug: str) -> None:
    assert output.safe_name(text) == slug
