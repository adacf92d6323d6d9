"""JupyterLab, as the analyst opens it: the server starts headless, serves the app and every notebook, and the
overview notebook runs top to bottom in a kernel started through the server's REST API and driven over its
websocket (the same path the browser takes), with no cell error.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
import requests

websocket = pytest.importorskip("websocket")  # websocket-client, a dependency of jupyter_server

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
START_SECONDS = 90
CELL_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A running JupyterLab server: its base URL and token, and a requests session carrying the token."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.url}{path}", timeout=30)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free port with a random token, rooted at the repository; stopped (and waited for) after."""
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter-home")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")])),
        "MPLBACKEND": "Agg",
        # the user's own settings and workspaces stay out of the test, and the test writes nothing into them
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    log = (home / "server.log").open("w")
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={REPO}",
        "--LabApp.extension_manager=readonly",  # no extension index is queried
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    server = Lab(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert process.poll() is None, f"JupyterLab exited: {(home / 'server.log').read_text()[-2000:]}"
            try:
                if server.get("/api/status").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, f"JupyterLab did not start in {START_SECONDS} s"
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()  # SIGTERM: the server shuts its kernels down before it exits
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        server.http.close()


def test_lab_serves_the_application(lab):
    page = lab.get("/lab")
    assert page.status_code == 200
    assert "JupyterLab" in page.text and "jupyter-config-data" in page.text


def test_lab_refuses_a_request_without_the_token(lab):
    assert requests.get(f"{lab.url}/api/contents/notebooks", timeout=30).status_code == 403


def test_every_notebook_opens_through_the_server(lab):
    assert len(NOTEBOOKS) == 7  # the six angles and the monthly review pack
    for name in NOTEBOOKS:
        reply = lab.get(f"/api/contents/notebooks/{name}?content=1")
        assert reply.status_code == 200, name
        model = reply.json()
        assert model["type"] == "notebook" and model["name"] == name
        cells = model["content"]["cells"]
        assert cells and any("parameters" in c["metadata"].get("tags", []) for c in cells), name


def _run_cell(ws, session: str, code: str) -> list[dict]:
    """Send one execute_request over the kernel websocket; return its iopub messages up to idle and the reply."""
    msg_id = uuid.uuid4().hex
    ws.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": session,
                    "version": "5.3",
                    "date": "",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "store_history": True, "allow_stdin": False},
                "buffers": [],
                "channel": "shell",
            }
        )
    )
    messages, idle, reply = [], False, None
    deadline = time.monotonic() + CELL_SECONDS
    while not (idle and reply):
        assert time.monotonic() < deadline, f"cell did not finish in {CELL_SECONDS} s:\n{code}"
        message = json.loads(ws.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if message["channel"] == "shell" and message["msg_type"] == "execute_reply":
            reply = message
        elif message["channel"] == "iopub":
            messages.append(message)
            idle = message["msg_type"] == "status" and message["content"]["execution_state"] == "idle"
    return [*messages, reply]


def test_overview_notebook_runs_through_the_server(lab):
    path = "notebooks/overview.ipynb"
    created = lab.http.post(
        f"{lab.url}/api/sessions",
        json={"path": path, "name": "overview.ipynb", "type": "notebook", "kernel": {"name": "python3"}},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    session_id, kernel_id = created.json()["id"], created.json()["kernel"]["id"]
    ws = websocket.create_connection(
        f"ws://{lab.url.removeprefix('http://')}/api/kernels/{kernel_id}/channels?token={lab.token}",
        timeout=CELL_SECONDS,
    )
    try:
        nb = nbformat.read(REPO / path, as_version=4)
        code_cells = [c.source for c in nb.cells if c.cell_type == "code"]
        assert len(code_cells) > 5
        outputs = []
        for source in code_cells:
            messages = _run_cell(ws, uuid.uuid4().hex, source)
            errors = [m["content"] for m in messages if m["msg_type"] == "error"]
            assert not errors, f"cell failed:\n{source}\n{errors[0]['ename']}: {errors[0]['evalue']}"
            assert messages[-1]["content"]["status"] == "ok", source
            outputs += [m for m in messages if m["msg_type"] in ("display_data", "execute_result")]
        # the sections drew something: charts (SVG) and tables (HTML) came back over the websocket
        kinds = {kind for m in outputs for kind in m["content"].get("data", {})}
        assert {"image/svg+xml", "text/html"} <= kinds
    finally:
        ws.close()
        assert lab.http.delete(f"{lab.url}/api/sessions/{session_id}", timeout=60).status_code == 204
    assert kernel_id not in {k["id"] for k in lab.get("/api/kernels").json()}
