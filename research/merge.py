"""Build data/embassies.yaml from the research files, then add the gazetteer's fields.

    python research/merge.py

The research files in research/sources/ are what each research round found, with the
pages they read (see BRIEF.md for the rules every round followed). This script joins
them in a fixed order, applies the official confirmations (verify.yaml) and the reviewed
corrections (patches.yaml), and writes the directory; scripts/enrich_data.py then adds
positions, city names and namesakes from the gazetteer. Edit the sources, never the
output: the next merge would undo a hand edit of data/embassies.yaml.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from nkrefugees_letters.missions import MISSION_FIELDS

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
OUTPUT = HERE.parent / "data" / "embassies.yaml"

ROUNDS = (
    "us.yaml",
    "ca-mx.yaml",
    "jp-kr-au.yaml",
    "eu-af-pe.yaml",
    "world.yaml",
    "round7/world2.yaml",
    "round7/world3.yaml",
)
"""Research files in the order they were made; the first to list a mission wins."""

LEFT_OUT = {
    # Address only in a script the country's post would not read, or that no bundled font
    # prints (Tehran: Persian only, and two secondary sources disagree).
    "ir-tehran",
    "mv-male",
    "vn-da-nang",
    "pk-islamabad",
    "kp-chongjin",
    # A possibly machine-written source.
    "mg-antananarivo",
    # Closed consulates with no address and no sourced successor.
    "mg-toamasina",
    "ye-aden",
    # A travel blog only.
    "hr-zagreb",
    # The embassy may have moved to a new complex (Bulgarian MFA, 2014); the page is older.
    "bg-sofia",
    # Soviet-era postal codes on old pages.
    "uz-tashkent",
    "ge-tbilisi",
    # A post-office box and a misspelt commune from an old scrape.
    "pf-papeete",
}
"""Missions a round found that review rejected, kept here so they are not re-added."""

# The directory's own fields, less those scripts/enrich_data.py writes.
FIELDS = tuple(f for f in MISSION_FIELDS if f not in ("coordinates", "namesakes"))
OFFICIAL = ("mission", "mfa", "host-government")


def load(name: str) -> list[dict[str, Any]]:
    """A research file; every scalar stays a string, as nkletters itself reads them."""
    path = SOURCES / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=yaml.BaseLoader) or []  # BaseLoader: no tags, no objects


def confirm(mission: dict[str, Any], confirmed: dict[str, Any]) -> None:
    """Take the address (and phone) from an official confirmation in verify.yaml."""
    mission["address"] = confirmed["address"]
    if confirmed.get("phone"):
        mission["phone"] = confirmed["phone"]
    mission["source"] = confirmed["source"]
    mission["source_date"] = confirmed["source_date"]
    mission.pop("source_date_kind", None)
    if confirmed.get("source_date_kind"):
        mission["source_date_kind"] = confirmed["source_date_kind"]
    official = confirmed.get("kind_of_source") in OFFICIAL
    mission["verified"] = "true" if official else "false"
    lead = (
        "Address confirmed: "
        if official
        else "Street address from an official local-government page "
        "(not the mission's own or a protocol list): "
    )
    evidence = " ".join(confirmed["evidence"].split())
    mission["note"] = f"{lead}{evidence} {mission.get('note', '')}"


def patch(mission: dict[str, Any], change: dict[str, Any]) -> None:
    """Apply a reviewed correction from patches.yaml."""
    mission.update(change.get("set", {}))
    if "address_fields" in change:
        mission["address"].update(change["address_fields"])
    if "source_date" in change.get("set", {}) and "source_date_kind" not in change["set"]:
        mission.pop("source_date_kind", None)
    if change.get("note"):
        # A note that said the street address or its source was missing is out of date
        # once they are found.
        old = re.sub(
            r"^(ADDRESS MISSING:[^.]*\. |NO STREET ADDRESS CONFIRMED\. "
            r"|Source given by the researcher was not a web address \(.*?\)\)\. )",
            "",
            mission.get("note", ""),
        )
        mission["note"] = " ".join(change["note"].split()) + " " + old


def tidy(mission: dict[str, Any]) -> None:
    """What every round's output needs before it goes in: web addresses and strings."""
    if "source" in mission and not re.match(r"^https?://\S+$", mission["source"]):
        mission["note"] = (
            f"Source given by the researcher was not a web address ({mission['source']}). "
            + mission.get("note", "")
        )
        mission.pop("source")
        mission.pop("source_date", None)
        mission["verified"] = "false"
    if mission.get("website") and not re.match(r"^https?://", mission["website"]):
        mission["website"] = "http://" + mission["website"]  # the source gave the domain only


def merge() -> list[dict[str, Any]]:
    """Every mission, in research order, confirmed and corrected."""
    confirmations = {entry["id"]: entry for entry in load("verify.yaml")}
    patches = {entry["id"]: entry for entry in load("patches.yaml")}
    missions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in ROUNDS:
        for mission in load(name):
            if mission["id"] in LEFT_OUT or mission["id"] in seen:
                continue
            seen.add(mission["id"])
            unknown = set(mission) - set(FIELDS)
            if unknown:
                print(f"{mission['id']}: fields left out: {sorted(unknown)}", file=sys.stderr)
            tidy(mission)
            if mission["id"] in confirmations:
                confirm(mission, confirmations[mission["id"]])
            if mission["id"] in patches:
                patch(mission, patches[mission["id"]])
            missions.append({key: mission[key] for key in FIELDS if key in mission})
    return missions


def main() -> None:
    missions = merge()
    header = (SOURCES / "header.txt").read_text(encoding="utf-8")
    body = yaml.safe_dump(
        {"schema_version": "1", "missions": missions},
        allow_unicode=True,
        sort_keys=False,
        width=110,
        default_flow_style=None,
    )
    OUTPUT.write_text(header + body, encoding="utf-8")
    print(f"{OUTPUT}: {len(missions)} missions")
    enrich = HERE.parent / "scripts" / "enrich_data.py"
    subprocess.run([sys.executable, str(enrich)], check=True)


if __name__ == "__main__":
    main()
