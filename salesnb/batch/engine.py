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
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .memory import allocator_env, death_reason, kernel_memory_limit

KERNEL_NAME = "python3"
START_ATTEMPTS = 3  # a kernel whose ports were taken before it bound them (jupyter_client#487) starts again
LOG_TAIL_LINES = 5  # of a dead kernel's own log, quoted in its report's error
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


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``).

    Called in a kernel (before it runs) and in each worker: a run killed with SIGKILL has no chance to
    clean up, and a kernel left behind would hold its memory on a shared machine. Elsewhere a no-op; the
    kernel's own parent poller and the workers' orphan watch remain.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(sig), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


def _leave_signals_to_the_runner(*args: Any) -> None:
    raise RuntimeError("signals are handled by the salesnb runner")  # nbclient skips its handlers on this error


class WarmKernel:
    """One ``python3`` kernel reused for many notebooks; start lazily, restart if it dies or a cell times out.

    ``timeout`` is the longest a cell may run, in seconds (``salesnb run --cell-timeout``). When ``env`` sets
    :data:`~salesnb.batch.memory.MEMORY_ENV`, the kernel enforces that memory limit itself (``--kernel-memory``).
    """

    def __init__(self, cwd: Path, *, timeout: int = 600, env: dict[str, str] | None = None):
        self.cwd = Path(cwd)
        self.timeout = timeout
        self.env = env
        self.loop = asyncio.new_event_loop()
        # nbclient would catch Ctrl-C and SIGTERM itself, shut the kernel down and let the batch go on (and then
        # reset the handlers to the defaults): the runner stops the whole run instead (batch/stopping.py)
        self.loop.add_signal_handler = _leave_signals_to_the_runner
        self.loop.remove_signal_handler = lambda sig: False
        self.km = None
        self.kc = None
        self.notebooks_run = 0
        self.cell_index: int | None = None  # the cell being executed, for the error page of a dead kernel
        self._pid: int | None = None
        self._log = None  # the kernel's stderr: a file of its own, not the run's terminal

    # -- lifecycle -------------------------------------------------------------------------------------
    async def _start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        env = {**allocator_env(), **os.environ, **(self.env or {})}  # Arrow's allocator, unless the user chose one
        env |= {"PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": INLINE}
        # a kernel logs to its stderr, e.g. tornado's traceback for a message cut short when Ctrl-C stops the
        # run half way through sending it: the run's terminal shows the runner's one line, not the kernel's log
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _stop, kept while the kernel runs
        await self.km.start_kernel(
            cwd=str(self.cwd),
            env=env,
            stderr=self._log,
            preexec_fn=die_with_parent,  # jupyter_client starts it in a session of its own: Ctrl-C does not reach it
            extra_arguments=[
                "--HistoryManager.hist_file=:memory:",
                "--InteractiveShell.cache_size=0",  # no Out[n]: a cell's panel is shown, then let go
                "--log-level=ERROR",
            ],
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        self._pid = self.kernel_pid
        await self.kc.wait_for_ready(timeout=120)
        limit = kernel_memory_limit(self.env)
        if limit:
            await self._run_silent(f"__import__('salesnb.batch.memory', fromlist=['watch']).watch({limit})")

    async def _stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            await self.km.shutdown_kernel(now=True)
        self.km = self.kc = None
        self._pid = None
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def kernel_pid(self) -> int | None:
        """The kernel's process id while it runs (for a last-resort kill), else ``None``."""
        return getattr(getattr(self.km, "provisioner", None), "pid", None)

    def start(self) -> None:
        """Start the kernel unless it runs; a start that fails is cleaned up and tried again on fresh ports.

        Two kernels starting at once can be given the same free port; the loser dies before it replies
        (``Kernel died before replying to kernel_info``, the log showing ``Address already in use``). Left as
        it was, that report failed and the next one ran on the dead kernel and failed too.
        """
        for attempt in range(START_ATTEMPTS):
            if self.km is not None:
                return
            try:
                self.loop.run_until_complete(self._start())
            except Exception as exc:
                tail = self.log_tail()
                if tail:
                    exc.add_note(f"the kernel's log ended with:\n{tail}")
                self._restart()  # nothing of the failed start is kept: the next attempt starts clean
                if attempt == START_ATTEMPTS - 1:
                    raise
                time.sleep(0.5 + random.random())  # noqa: S311 - spreads the retries, not security

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last ``lines`` lines the running (or just dead) kernel wrote to its stderr, for an error message."""
        if self._log is None or self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0, os.SEEK_END)
        self._log.seek(max(0, self._log.tell() - 4096))
        text = self._log.read().decode("utf-8", "replace")
        return "\n".join(text.strip().splitlines()[-lines:])

    def kill(self) -> None:
        """Kill the kernel and anything it started at once (its own process group), without asking it."""
        pid, self._pid = self._pid, None
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def shutdown(self) -> None:
        """Stop the kernel; kill it if a polite shutdown fails (an interrupted run, a loop left half way)."""
        if self.loop.is_closed():
            return
        try:
            left = asyncio.all_tasks(self.loop)  # an execution interrupted half way: end it quietly
            for task in left:
                task.cancel()
            self.loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            self.loop.run_until_complete(asyncio.wait_for(self._stop(), 30))
        except Exception:  # noqa: S110 - the kill below is the fallback
            pass
        finally:
            self.kill()
            self.loop.close()

    def _restart(self) -> None:
        """Kill a kernel that is dead or still busy with a timed-out cell; the next report starts a new one."""
        self.kill()
        self.loop.run_until_complete(self._stop())
        self.notebooks_run = 0

    def __enter__(self) -> WarmKernel:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- execution -------------------------------------------------------------------------------------
    async def _reset(self) -> None:
        await self._run_silent(RESET_CODE)

    async def _run_silent(self, code: str) -> None:
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        reply = await self.kc.get_shell_msg(timeout=self.timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = await self.kc.get_shell_msg(timeout=self.timeout)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not prepare the kernel for a report: {reply['content'].get('evalue')}")

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
        client.on_cell_start = self._on_cell_start
        self.cell_index = None
        self.notebooks_run += 1
        return await client.async_execute()

    def _on_cell_start(self, cell: nbformat.NotebookNode, cell_index: int) -> None:
        self.cell_index = cell_index

    def execute(self, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Run every cell of ``nb`` (in place) and return it; raise :class:`NotebookFailed` on an error."""
        self.start()
        try:
            return self.loop.run_until_complete(self._execute(nb))
        except CellExecutionError as exc:
            index = _failing_cell(nb)
            raise NotebookFailed(nb, index, exc.ename, exc.evalue, str(exc)) from None
        except CellTimeoutError:
            self._restart()
            message = f"the cell ran longer than {self.timeout} s (salesnb run --cell-timeout) and was stopped"
            raise self._failed(nb, "CellTimeoutError", message) from None
        except DeadKernelError as exc:
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            exit_code = process.poll() if process is not None else None
            tail = self.log_tail()
            self._restart()
            message = death_reason(exit_code, kernel_memory_limit(self.env), str(exc))
            if tail:
                message += f"\nthe kernel's log ended with:\n{tail}"
            raise self._failed(nb, "DeadKernelError", message) from None

    def _failed(self, nb: nbformat.NotebookNode, ename: str, evalue: str) -> NotebookFailed:
        """A failure no cell reported itself: record it as the running cell's error output, as a raise would."""
        index = self.cell_index
        if index is not None and nb.cells[index].cell_type == "code":
            error = nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
            nb.cells[index].setdefault("outputs", []).append(error)
        return NotebookFailed(nb, index, ename, evalue, f"{ename}: {evalue}")


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
