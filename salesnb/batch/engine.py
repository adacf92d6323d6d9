"""Execute notebooks in a kernel that stays warm between reports, with a clean namespace for each.

A plain ``papermill`` loop starts a new Python kernel per notebook and pays for it every time: process
start, importing pandas, matplotlib, scikit-learn and salesnb, loading the data. ``WarmKernel`` starts one
kernel and runs notebook after notebook in it. Between two notebooks it resets the IPython session
(variables, history, execution count), closes every figure and restores the plotting style, so a report
sees exactly what a fresh kernel would; what stays are imported modules and caches keyed by every input
they depend on (the validated dataset by its source signature, findings by the report scope).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

KERNEL_NAME = "python3"
INLINE = "module://matplotlib_inline.backend_inline"  # a kernel shows figures inline, whatever the caller uses
RESET_CODE = """\
import salesnb.batch.session as _salesnb_session
_salesnb_session.between_reports()
del _salesnb_session
get_ipython().reset(new_session=True, aggressive=False)
__import__("salesnb.batch.session", fromlist=["release_memory"]).release_memory()
"""


class NotebookFailed(Exception):
    """A cell raised: carries the partly executed notebook, the failing cell's index and the error text."""

    def __init__(self, nb: nbformat.NotebookNode, cell_index: int | None, ename: str, evalue: str, traceback: str):
        super().__init__(f"{ename}: {evalue}")
        self.nb, self.cell_index, self.ename, self.evalue, self.traceback = nb, cell_index, ename, evalue, traceback


class WarmKernel:
    """One ``python3`` kernel reused for many notebooks; start lazily, restart if it dies."""

    def __init__(self, cwd: Path, *, timeout: int = 600, env: dict[str, str] | None = None):
        self.cwd = Path(cwd)
        self.timeout = timeout
        self.env = env
        self.loop = asyncio.new_event_loop()
        self.km = None
        self.kc = None
        self.notebooks_run = 0

    # -- lifecycle -------------------------------------------------------------------------------------
    async def _start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        env = {**os.environ, **(self.env or {}), "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": INLINE}
        await self.km.start_kernel(
            cwd=str(self.cwd),
            env=env,
            extra_arguments=[
                "--HistoryManager.hist_file=:memory:",
                "--InteractiveShell.cache_size=0",  # no Out[n]: a cell's panel is shown, then let go
                "--log-level=ERROR",
            ],
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=120)

    async def _stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            await self.km.shutdown_kernel(now=True)
        self.km = self.kc = None

    @property
    def kernel_pid(self) -> int | None:
        """The kernel's process id while it runs (for a last-resort kill), else ``None``."""
        return getattr(getattr(self.km, "provisioner", None), "pid", None)

    def start(self) -> None:
        if self.km is None:
            self.loop.run_until_complete(self._start())

    def shutdown(self) -> None:
        if not self.loop.is_closed():
            self.loop.run_until_complete(self._stop())
            self.loop.close()

    def __enter__(self) -> WarmKernel:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- execution -------------------------------------------------------------------------------------
    async def _reset(self) -> None:
        msg_id = self.kc.execute(RESET_CODE, silent=True, store_history=False)
        reply = await self.kc.get_shell_msg(timeout=self.timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = await self.kc.get_shell_msg(timeout=self.timeout)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel between reports: {reply['content'].get('evalue')}")

    async def _execute(self, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
        if self.notebooks_run:
            await self._reset()
        client = NotebookClient(
            nb,
            km=self.km,
            kernel_name=KERNEL_NAME,
            timeout=self.timeout,
            resources={"metadata": {"path": str(self.cwd)}},
        )
        client.kc = self.kc
        self.notebooks_run += 1
        return await client.async_execute()

    def execute(self, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Run every cell of ``nb`` (in place) and return it; raise :class:`NotebookFailed` on an error."""
        self.start()
        try:
            return self.loop.run_until_complete(self._execute(nb))
        except CellExecutionError as exc:
            index = _failing_cell(nb)
            raise NotebookFailed(nb, index, exc.ename, exc.evalue, str(exc)) from None
        except DeadKernelError as exc:
            self.loop.run_until_complete(self._stop())
            self.notebooks_run = 0
            raise NotebookFailed(nb, _failing_cell(nb), "DeadKernelError", str(exc), str(exc)) from None


def _failing_cell(nb: nbformat.NotebookNode) -> int | None:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index
    return None


def parameterize(notebook: Path, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    """Read ``notebook`` and inject ``parameters`` after its ``parameters`` cell, as papermill does."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(notebook))  # also gives every cell the metadata papermill expects
    return parameterize_notebook(nb, parameters, kernel_name=KERNEL_NAME, language="python")
