"""Fixtures of the integration tests: a temporary PostgreSQL server (see :mod:`tests.integration.postgres`)."""

from __future__ import annotations

import pytest

from .postgres import Cluster, require_server_bin, temporary_cluster


@pytest.fixture(scope="session")
def postgres() -> Cluster:
    """A PostgreSQL server on 127.0.0.1 for the session; skips (or fails in CI) without server binaries."""
    with temporary_cluster(require_server_bin()) as cluster:
        yield cluster
