"""A throw-away PostgreSQL server for tests: ``initdb`` into a temporary folder, ``pg_ctl start`` on 127.0.0.1.

PostgreSQL refuses to run as root, so under root the cluster belongs to the ``postgres`` user (Debian's package
creates it; else a system user ``salesnb-pg`` is created) and every server command runs as that user. The
cluster asks for a password over TCP (scram-sha-256), so a wrong password is a real error. Without server
binaries the tests skip, unless ``SALESNB_REQUIRE_POSTGRES=1`` (``.ci/run`` sets it): then they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "analyst", "s3cret-pg"


@dataclass(frozen=True)
class Cluster:
    """A running server: its port, and URLs of its databases."""

    port: int

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"


def server_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


def require_server_bin() -> Path:
    """The server binaries, or skip (fail under ``SALESNB_REQUIRE_POSTGRES=1``) when there are none."""
    folder = server_bin()
    if folder is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's postgresql"
        if os.environ.get("SALESNB_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (SALESNB_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    return folder


def _owner() -> pwd.struct_passwd | None:
    """The user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "salesnb-pg"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "salesnb-pg"], check=True)
    return pwd.getpwnam("salesnb-pg")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def temporary_cluster(bin_dir: Path) -> Iterator[Cluster]:
    """Start a fresh cluster owned by a non-root user; stop it and delete its folder at the end."""
    owner = _owner()
    root = Path(tempfile.mkdtemp(prefix="salesnb-pg-"))
    as_owner = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []} if owner else {}
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PGTZ": "UTC"}
    if owner:
        os.chown(root, owner.pw_uid, owner.pw_gid)
        env["HOME"] = str(root)
    data, log, pwfile = root / "data", root / "server.log", root / "pwfile"
    pwfile.write_text(PASSWORD + "\n")
    if owner:
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    port = _free_port()

    def run(*args: str) -> None:
        done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, **as_owner)
        if done.returncode:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}\n{tail}")

    server_options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={pwfile}", "-E", "UTF8",
            "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--no-instructions")  # fmt: skip
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", server_options, "-w", "-t", "60", "start")
        try:
            yield Cluster(port)
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
