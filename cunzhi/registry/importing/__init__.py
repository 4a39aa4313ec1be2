"""Importing the household register from a spreadsheet (issue #3, part 6): ``registry_import``.

One row per resident; the rows of a household share its village code and household number, and
one of them is its head (户主). The import is the service for many households at once (DESIGN
rule 3), in two passes over the file:

1. **Check.** Every row is read, checked and turned into what the register will hold: the ID
   number's check character and birth date, sex and birth date agreeing with it, the village in
   the importer's scope, the group, the tags, each household with one head, each ID number once
   in the file and not in another village. Rows are checked against the register in chunks
   (preloaded villages, groups, tags and households; existing residents looked up by the
   indexed ``id_reversed``), and the rows to write are spooled to a temporary file, so memory
   holds the keys of the import, never its rows.
2. **Write**, only when no row has an error, in one transaction (``importing.writing``).

Re-importing updates, keyed by ID number: a resident already registered in the village gets the
file's non-empty cells (an empty cell never erases), a household its group and address. Nothing
is deleted, and a resident is never moved between households by an import.

The package, module by module: ``columns`` (the headers and words a file may use), ``reading``
and ``sheets`` (rows of text from CSV and .xlsx), ``checking`` (the check pass), ``plan`` (what
it hands on), ``writing`` (the write pass and its trace, over ``registry.bulk``), ``service``
(``registry_import``), ``output`` (the template and the error copy), ``jobs`` (the upload's
background job), ``forms`` and ``views`` (the upload pages).
"""

from cunzhi.registry.importing.plan import ImportOutcome, ImportRejected, RowError
from cunzhi.registry.importing.reading import FileProblem
from cunzhi.registry.importing.service import check_file, registry_import

__all__ = [
    "FileProblem",
    "ImportOutcome",
    "ImportRejected",
    "RowError",
    "check_file",
    "registry_import",
]
