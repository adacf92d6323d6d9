"""Fixtures of the demo tests: the default generation (the bundled sample's arguments), written and read back.

Generated once for the whole ``tests/demo`` package; tests only read them.
"""

import pandas as pd
import pytest

from salesnb.data.contract import TABLES
from salesnb.demo import generate_dataset, write_dataset


@pytest.fixture(scope="package")
def generated():
    """The bundled sample's arguments (all defaults)."""
    return generate_dataset()


@pytest.fixture(scope="package")
def tables(generated):
    return generated[0]


@pytest.fixture(scope="package")
def planted(generated):
    return generated[1]


@pytest.fixture(scope="package")
def written(generated, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    write_dataset(*generated, folder)
    return folder


@pytest.fixture(scope="package")
def csv(written):
    """Every written table read back as text, exactly as a user's loader would see the cells."""
    return {name: pd.read_csv(written / f"{name}.csv", dtype=str, keep_default_na=False) for name in TABLES}
