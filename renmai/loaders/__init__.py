"""Loading files into the graph: CSV, Excel, JSON, JSON Lines and YAML.

Every load reads all its files, checks everything against the schema, the
batch and the store, and then writes once — or, when anything is wrong,
raises :class:`LoadError` listing every problem with its file, line (or sheet
and cell) and field, having written nothing. See ``docs/loading.md``.
"""

from renmai.loaders.errors import LoadError, LoadWarning, LocatedProblem, Location
from renmai.loaders.files import FORMATS
from renmai.loaders.load import LoadOptions, LoadReport, load, validate
from renmai.loaders.mapping import MappingError, PairMapping
from renmai.loaders.progress import ProgressBars
from renmai.loaders.records import SEPARATOR
from renmai.loaders.reference import reference_data

__all__ = [
    "FORMATS",
    "SEPARATOR",
    "LoadError",
    "LoadOptions",
    "LoadReport",
    "LoadWarning",
    "LocatedProblem",
    "Location",
    "MappingError",
    "PairMapping",
    "ProgressBars",
    "load",
    "reference_data",
    "validate",
]
