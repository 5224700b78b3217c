"""Add what the gazetteer knows to the mission directory: positions, city names, namesakes.

    python scripts/enrich_data.py [data/embassies.yaml]

For each mission it finds the gazetteer city it is in (places.mission_place) and writes:

- ``latitude``/``longitude`` with ``coordinates: city`` (the city centre) unless a source
  page gave the position (``coordinates: source``, kept as it is);
- the gazetteer's name of the city first in ``aliases`` when the postal locality differs
  (Sydney for a mission in Camperdown, Tokyo for 港区), so ``--city Sydney`` works and
  messages say "the Consulate-General in Sydney";
- ``namesakes``: other notable places of that name, so that a bare ``--city London``
  asks which London without loading the gazetteer.

Nothing else is touched, and running it twice changes nothing. It is run by research/merge.py
after every update; tests/missions/test_missions.py fails when the file needs it again.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from nkrefugees_letters import missions, places

ROOT = Path(__file__).resolve().parents[1]


def _header(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#") or not line.strip():
            lines.append(line)
        else:
            break
    return "".join(lines)


def enrich(raw: dict[str, Any], mission: missions.Mission) -> dict[str, Any]:
    """The raw YAML mapping of one mission with the gazetteer's fields filled in."""
    place = places.mission_place(mission)
    if place is None:
        print(f"{mission.id}: not in the gazetteer; no position, no namesakes", file=sys.stderr)
        return raw
    if mission.coordinates != "source":
        raw["latitude"] = f"{place.latitude:.4f}"
        raw["longitude"] = f"{place.longitude:.4f}"
        raw["coordinates"] = "city"
    # The locality is the city's name unless it is a ward or suburb (港区, Camperdown):
    # the id names the city, so compare with that.
    locality = missions.compact(mission.city)
    aliases = [a for a in raw.get("aliases", []) if a != place.name]
    # A locality the source wrote in capitals (KUALA LUMPUR) is shown as the gazetteer
    # writes the city.
    if (
        locality not in (missions.compact(place.name), missions.compact(mission.id[3:]))
        or mission.city.isupper()
    ):
        aliases.insert(0, place.name)
    raw.pop("aliases", None)
    if aliases:
        raw["aliases"] = aliases
    raw.pop("namesakes", None)
    if mission.is_open:
        others = places.namesakes(place)
        if others:
            raw["namesakes"] = others
    return {key: raw[key] for key in missions.MISSION_FIELDS if key in raw}


def main(argv: list[str]) -> int:
    """Enrich the file named on the command line (default: the built-in directory)."""
    path = Path(argv[1]) if len(argv) > 1 else ROOT / "data" / "embassies.yaml"
    text = path.read_text(encoding="utf-8")
    loaded = {m.id: m for m in missions.load_file(path)}
    data = yaml.load(text, Loader=yaml.BaseLoader)
    data["missions"] = [enrich(raw, loaded[raw["id"].lower()]) for raw in data["missions"]]
    body = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=None
    )
    path.write_text(_header(text) + body, encoding="utf-8")
    print(f"{path}: {len(data['missions'])} missions enriched", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
