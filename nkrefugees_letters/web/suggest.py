"""Suggestions: town and city names as the user types, from the directory and the gazetteer.

The directory's cities are there at once. The gazetteer's towns (those of
:data:`MIN_POPULATION` people or more) take a few seconds to read, so they are read once,
in the background, as the server starts (or the first time someone types); until then
only the directory answers.
"""

from __future__ import annotations

import bisect
import threading

from .. import places
from ..missions import Directory, normalise

MIN_POPULATION = 15_000
LIMIT = 8


class Suggestions:
    """Names starting with what was typed: mission cities first, then the largest towns."""

    def __init__(self, directory: Directory) -> None:
        cities = {m.city_name: m for m in directory if m.is_open}
        self.cities = sorted((normalise(name), name) for name in cities)
        self._towns: list[tuple[str, int, str]] | None = None
        self._loading = threading.Lock()
        self._started = False

    def load_towns(self) -> None:
        """Read the gazetteer's towns (blocking); later calls do nothing."""
        with self._loading:
            if self._towns is not None:
                return
            towns = []
            for name, label, population in places.towns(MIN_POPULATION):
                towns.append((normalise(name), -population, label))
            towns.sort()
            self._towns = towns

    @property
    def complete(self) -> bool:
        """True once the gazetteer's towns are in (before, only the directory answers)."""
        return self._towns is not None

    def start(self) -> None:
        """Read the gazetteer's towns in a background thread (once)."""
        if not self._started:
            self._started = True
            threading.Thread(target=self.load_towns, name="gazetteer", daemon=True).start()

    def __call__(self, typed: str, limit: int = LIMIT) -> list[str]:
        """Up to ``limit`` names that start like ``typed`` (any case and accents)."""
        key = normalise(typed)
        if len(key) < 2:
            return []
        found = [name for norm, name in self.cities if norm.startswith(key)]
        towns = self._towns
        if towns is None:
            self.start()
        else:
            start = bisect.bisect_left(towns, (key,))
            matches = []
            for norm, population, label in towns[start : start + 400]:
                if not norm.startswith(key):
                    break
                matches.append((population, label))
            seen = {normalise(name) for name in found}
            for _, label in sorted(matches):
                # The largest town of a mission city's name is that city: "Chicago" says it.
                name = normalise(label.rsplit(",", 1)[0])
                if name in seen:
                    seen.discard(name)
                    continue
                found.append(label)
        return list(dict.fromkeys(found))[:limit]


__all__ = ["Suggestions"]
