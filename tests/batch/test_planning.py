"""Planning a batch (nkrefugees_letters/batch/planning.py): file names and the encoding plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from nkrefugees_letters import batch, letters, missions, signers
from nkrefugees_letters.batch import planning
from nkrefugees_letters.profile import Profile

WHEN = date(2026, 9, 24)


def test_long_names_alike_in_their_first_words_get_different_files(tmp_path: Path) -> None:
    # The number once went inside the shortened part, and the loop never ended.
    directory = missions.load()
    names = planning.FileNames(WHEN)
    london = directory.get("gb-london")
    taken = [names.take(london, "A" * 50 + tail) for tail in "xyz"]
    assert len(set(taken)) == 3
    assert taken[1] == taken[0].replace(".pdf", "-2.pdf")


def test_the_encoding_plan_holds_every_signer_and_mission_character() -> None:
    directory = missions.load()
    options = letters.LetterOptions(when=WHEN)
    jobs = [
        batch.Job(0, directory.get("us-chicago"), "a.pdf", (signers.Signer(2, "Zoë", "Ms"),)),
        batch.Job(1, directory.get("kr-seoul"), "b.pdf", (signers.Signer(3, "김민준", ""),)),
    ]
    plan = planning.encoding(jobs, Profile(), options)
    assert "ë" in plan.for_font("NotoSerif") and "ë" in plan.for_font("NotoSerif-Bold")
    assert set("김민준") <= set(plan.for_font("NanumMyeongjo"))
    # The same batch, the same plan: every worker and the print file agree.
    assert planning.encoding(jobs, Profile(), options) == plan
