"""A warm kernel whose first start fails (a port taken by another kernel meanwhile) starts again, cleanly."""

import nbformat
import pytest

from salesnb.batch import engine
from salesnb.batch.engine import WarmKernel


def test_a_kernel_that_dies_before_it_replies_is_started_again(tmp_path, monkeypatch):
    """The first start dies as a port collision does (after the manager exists); the second runs the report.

    Before, the report failed ('Kernel died before replying to kernel_info') and the next one ran on the dead
    kernel (DeadKernelError): two reports lost to one collision.
    """
    real, calls = WarmKernel._start, []

    async def flaky(self):
        calls.append(1)
        if len(calls) == 1:
            from jupyter_client.manager import AsyncKernelManager

            self.km = AsyncKernelManager(kernel_name=engine.KERNEL_NAME)  # half started, as a dead kernel leaves it
            raise RuntimeError("Kernel died before replying to kernel_info")
        await real(self)

    monkeypatch.setattr(WarmKernel, "_start", flaky)
    monkeypatch.setattr(engine.time, "sleep", lambda seconds: None)
    with WarmKernel(tmp_path, timeout=120) as kernel:
        nb = kernel.execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")]))
    assert len(calls) == 2 and nb.cells[0].outputs[0]["text"] == "42\n"


def test_a_kernel_that_never_starts_fails_after_its_attempts(tmp_path, monkeypatch):
    async def dead(self):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(WarmKernel, "_start", dead)
    monkeypatch.setattr(engine.time, "sleep", lambda seconds: None)
    kernel = WarmKernel(tmp_path, timeout=10)
    with pytest.raises(RuntimeError, match="kernel_info"):
        kernel.start()
    assert kernel.km is None
    kernel.shutdown()


def test_the_kernels_log_stays_off_the_runs_stderr_and_a_dead_kernel_quotes_its_last_lines(tmp_path, capfd):
    """A kernel's stderr (tornado's traceback for a message cut short by Ctrl-C) went to the run's terminal."""
    code = "import os, sys\nprint('kernel log: first', file=sys.__stderr__, flush=True)\nos._exit(3)"
    with WarmKernel(tmp_path, timeout=60) as kernel:
        quiet = kernel.execute(
            nbformat.v4.new_notebook(
                cells=[
                    nbformat.v4.new_code_cell("import sys\nprint('kernel log: quiet', file=sys.__stderr__, flush=True)")
                ]
            )
        )
        assert quiet.cells[0].outputs == []  # sys.__stderr__ is the process's own stream, not the cell's
        with pytest.raises(engine.NotebookFailed) as failed:
            kernel.execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]))
        nb = kernel.execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")]))
    assert failed.value.ename == "DeadKernelError"
    assert failed.value.evalue.endswith("the kernel's log ended with:\nkernel log: quiet\nkernel log: first")
    assert nb.cells[0].outputs[0]["text"] == "42\n"  # a new kernel, with a new log
    assert "kernel log" not in capfd.readouterr().err
