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

import ministry  # type: ignore[import-not-found]  # research/ministry.py, beside this script
import yaml

from nkrefugees_letters import phones, postal
from nkrefugees_letters.missions import MISSION_FIELDS, SCHEMA_VERSION

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
    "round8/consulates.yaml",
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
    # Reported closed by a page the research round could not give a web address or a
    # date for: nothing to cite.
    "ro-constanta",
}
"""Missions a round found that review rejected, kept here so they are not re-added."""

# The directory's own fields, less those scripts/enrich_data.py writes.
FIELDS = tuple(f for f in MISSION_FIELDS if f not in ("coordinates", "namesakes"))
# What earlier rounds wrote that schema 2 says otherwise (see to_schema_2).
OLD_FIELDS = ("verified", "source_kind")
CJK_POSTS = ("JP", "KR", "CN", "TW", "HK", "MO")
"""Countries whose post reads an address in Chinese characters, kana or hangul."""
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
    mission["confidence"] = "official" if official else "single"
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
    update = dict(change.get("set", {}))
    if "verified" in update:
        # Reviewed in schema 1's words: an official page confirms it, or none does.
        mission.pop("confidence", None)
        mission["verified"] = update.pop("verified")
    mission.update(update)
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
        mission["confidence"] = "none" if not mission["address"].get("lines") else "single"
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
            unknown = set(mission) - set(FIELDS) - set(OLD_FIELDS)
            if unknown:
                print(f"{mission['id']}: fields left out: {sorted(unknown)}", file=sys.stderr)
            tidy(mission)
            if mission["id"] in confirmations:
                confirm(mission, confirmations[mission["id"]])
            if mission["id"] in patches:
                patch(mission, patches[mission["id"]])
            to_schema_2(mission)
            missions.append({key: mission[key] for key in FIELDS if key in mission})
    return with_ministry_list(missions)


def to_schema_2(mission: dict[str, Any]) -> None:
    """Say how well the address is known, where earlier rounds only said yes or no."""
    if "confidence" not in mission:
        if mission.pop("verified", "true") == "true" and mission.get("source"):
            mission["confidence"] = "official"
        else:
            mission["confidence"] = "single" if mission["address"].get("lines") else "none"
    mission.pop("verified", None)
    if mission["confidence"] != "none" and not mission.get("source"):
        mission["confidence"] = "none"
    mission.pop("source_kind", None)  # the round's own word; confidence already says it
    if mission["confidence"] == "none" and not mission.get("source"):
        mission.pop("source_date", None)
        mission.pop("source_date_kind", None)
    if mission.get("name_zh"):
        # A Korean or Hong Kong page may write the mission's name in Traditional characters;
        # the mission writes it in Simplified ones.
        mission["name_zh"] = ministry.to_simplified(mission["name_zh"])
    address = mission["address"]
    if address["country"] not in CJK_POSTS and postal.is_cjk(" ".join(address.get("lines", []))):
        mission["note"] = (
            f"The source gives the street only in Chinese ({' '.join(address['lines'])}), which "
            "the local post does not read; left out until a page gives it in the local script. "
            + mission.get("note", "")
        )
        del address["lines"]
        mission["confidence"] = "none"
    if mission.get("phone"):
        number = mission["phone"]
        if phones.problem(number, mission["address"]["country"]):
            mission["note"] = (
                f"Phone {number!r} from the source is not a valid number now; left out. "
                + mission.get("note", "")
            )
            del mission["phone"]
        else:
            mission["phone"] = phones.international(number, mission["address"]["country"])


def with_ministry_list(missions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every embassy of the Foreign Ministry's list joined in (research/ministry.py)."""
    by_id = {m["id"]: m for m in missions}
    decisions = ministry.review()
    for entry in ministry.entries():
        joined = ministry.join(by_id.get(entry["id"]), entry, decisions.get(entry["id"], {}))
        joined = {key: joined[key] for key in FIELDS if key in joined}
        if entry["id"] in by_id:
            missions[missions.index(by_id[entry["id"]])] = joined
        else:
            missions.append(joined)
        by_id[entry["id"]] = joined
    ministry.confirm_from_copies(missions)
    names = {entry["id"]: entry for entry in load("names.yaml")}
    for mission in missions:
        if mission["id"] in names and names[mission["id"]].get("names"):
            mission["names"] = names[mission["id"]]["names"]
    return [{key: m[key] for key in FIELDS if key in m} for m in missions]


def main() -> None:
    missions = merge()
    header = (SOURCES / "header.txt").read_text(encoding="utf-8")
    body = yaml.safe_dump(
        {"schema_version": SCHEMA_VERSION, "missions": missions},
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
