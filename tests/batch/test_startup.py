"""The batch's processes read notebooks without compiling rfc3987_syntax's grammars (seconds per process)."""

import json
import subprocess
import sys

from salesnb.batch.runner import NOTEBOOK_DIR

PROBE = """
import json, sys
import salesnb.batch.jobs  # what a worker imports first
import nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
bad = nbformat.from_dict({**nb, "cells": [{"cell_type": "code", "source": "1", "metadata": {}}]})
try:
    nbformat.validate(bad)
    invalid_rejected = False
except nbformat.ValidationError:
    invalid_rejected = True
print(json.dumps({"lark": "lark" in sys.modules, "invalid_rejected": invalid_rejected}))
"""


def test_notebooks_validate_without_the_iri_grammars():
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(NOTEBOOK_DIR / "market.ipynb")], capture_output=True, text=True, check=True
    ).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen == {"lark": False, "invalid_rejected": True}  # validation still works, its grammars were not built
