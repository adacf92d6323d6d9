"""Fixtures of the market tests: the tiny hand-made dataset and a clean generated one."""

from __future__ import annotations

import pytest
from tiny import write_tiny

from salesnb.demo import generate_dataset, write_dataset


@pytest.fixture
def tiny(tmp_path):
    return write_tiny(tmp_path / "tiny")


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean_market")
    tables, planted = generate_dataset(seed=11, scale=0.5, plant=False)
    write_dataset(tables, planted, folder)
    return folder
