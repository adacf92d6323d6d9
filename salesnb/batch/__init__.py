"""The batch: notebooks run for every region and month in warm kernels, rendered into pages and JSON.

Every process of a batch (the command line, each worker) reads notebooks with nbformat, which validates them with
jsonschema. jsonschema's format checkers import the optional ``rfc3987_syntax`` when it is installed (JupyterLab's
dependencies bring it), and that package compiles about 35 Earley grammars at import: 4-7 s in each of those
processes (python-jsonschema/jsonschema#1428), for the ``iri`` formats that no notebook schema uses. The batch's
processes therefore go without it: importing it fails, as if it were not installed, and jsonschema skips the two
formats. A process that imported jsonschema before keeps what it has.
"""

import sys

if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
