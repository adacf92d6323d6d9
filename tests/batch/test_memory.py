"""--kernel-memory: the limit is enforced inside the kernel, the report gets an error, the next report runs."""

import nbformat
import pytest

from salesnb.batch.engine import NotebookFailed, WarmKernel
from salesnb.batch.memory import EXIT_CODE, MEMORY_ENV, death_reason, kernel_memory_limit, memory_env
from salesnb.errors import ParameterError


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_limit_travels_in_the_kernel_environment():
    assert memory_env(None) == {}
    assert memory_env(512) == {MEMORY_ENV: "512"}
    assert kernel_memory_limit(memory_env(512)) == 512
    assert kernel_memory_limit({MEMORY_ENV: "lots"}) is None
    with pytest.raises(ParameterError, match="--kernel-memory"):
        memory_env(0)


def test_death_reason_names_the_limit_only_when_the_watchdog_ended_the_kernel():
    assert "300 MiB" in death_reason(EXIT_CODE, 300, "dead")
    assert "out of memory, or killed): dead" in death_reason(-9, 300, "dead")
    assert "out of memory, or killed" in death_reason(EXIT_CODE, None, "dead")


def test_a_report_past_the_limit_fails_and_the_next_one_runs(tmp_path):
    with WarmKernel(tmp_path, env=memory_env(400), timeout=120) as kernel:
        with pytest.raises(NotebookFailed) as failure:
            kernel.execute(_notebook("x = 1", "big = b'x' * (900 * 2**20)", "y = 2"))
        assert failure.value.cell_index == 1
        assert "kernel memory limit of 400 MiB" in str(failure.value)
        nb = kernel.execute(_notebook("small = b'x' * (50 * 2**20)", "print(len(small) // 2**20)"))
        assert nb.cells[1].outputs[0]["text"] == "50\n"


@pytest.mark.parametrize("chosen", [None, "system"])
def test_kernels_allocate_arrow_memory_from_an_allocator_that_hands_it_back(tmp_path, monkeypatch, chosen):
    import pyarrow as pa

    from salesnb.batch.memory import ARROW_POOL_ENV, allocator_env

    monkeypatch.delenv(ARROW_POOL_ENV, raising=False)
    if chosen:  # the user's own choice is kept
        monkeypatch.setenv(ARROW_POOL_ENV, chosen)
    try:
        pa.jemalloc_memory_pool()
        built = "jemalloc"
    except NotImplementedError:
        built = "system"
    assert allocator_env() == {ARROW_POOL_ENV: built}
    with WarmKernel(tmp_path, timeout=120) as kernel:
        nb = kernel.execute(_notebook("import pyarrow as pa", "print(pa.default_memory_pool().backend_name)"))
    assert nb.cells[1].outputs[0]["text"] == f"{chosen or built}\n"  # not mimalloc, pyarrow's default
