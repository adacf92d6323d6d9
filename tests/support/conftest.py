"""The support tests' tiny dataset, written once for the package."""

import pytest
from tiny import write_tiny

from support.helpers import build


@pytest.fixture(scope="package")
def folder(tmp_path_factory):
    return write_tiny(tmp_path_factory.mktemp("support") / "tiny", tables=build())
