"""salesnb run --scheduler: what is refused before any report runs (no cluster needed)."""

import pytest

from salesnb.batch import cluster, freshness
from salesnb.errors import ParameterError


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "10.0.0.5:8786", "tls://sched.example:8786", "local"])
def test_scheduler_addresses_accepted(address):
    cluster.check_scheduler(address)


@pytest.mark.parametrize("address", ["", "tcp://", "tcp://host:port", "http://a b:1", "/tmp/x"])
def test_scheduler_addresses_refused(address):
    with pytest.raises(ParameterError, match="--scheduler"):
        cluster.check_scheduler(address)


class FakeClient:
    """Answers ``run`` as two workers would: the second cannot read the data, or runs other code."""

    def __init__(self, missing=(), package=None):
        self.missing, self.package, self.asked = list(missing), package, []

    def wait_for_workers(self, n, timeout):
        pass

    def run(self, function, paths):
        self.asked = paths
        mine = freshness.package_fingerprint()
        return {"tcp://w1:1": ([], mine), "tcp://w2:1": (self.missing, self.package or mine)}


PARAMETERS = {"data": "/shared/sales", "config_path": "/shared/c.yaml", "mapping_path": "", "lang": "zh"}


def test_a_worker_that_cannot_read_the_data_is_named():
    client = FakeClient(missing=["/shared/sales"])
    with pytest.raises(ParameterError, match=r"tcp://w2:1 cannot read /shared/sales: .*every worker can reach"):
        cluster._check_workers(client, PARAMETERS, "tcp://s:8786")
    assert client.asked == ["/shared/sales", "/shared/c.yaml"]


def test_a_database_url_is_not_checked_as_a_path():
    client = FakeClient()
    cluster._check_workers(client, {**PARAMETERS, "data": "postgresql://db/sales"}, "tcp://s:8786")
    assert client.asked == ["/shared/c.yaml"]


def test_a_worker_with_another_salesnb_is_refused():
    with pytest.raises(ParameterError, match="tcp://w2:1 runs another version of salesnb"):
        cluster._check_workers(FakeClient(package="0" * 16), PARAMETERS, "tcp://s:8786")


def test_kernel_plugin_travels_without_a_kernel():
    import pickle

    plugin = pickle.loads(pickle.dumps(cluster.KernelPlugin("run1", {"A": "1"}, 60)))
    assert (plugin.run_id, plugin.env, plugin.timeout) == ("run1", {"A": "1"}, 60)
    assert plugin.kernel is None and plugin.thread is None


def test_cluster_refusals_are_said_in_the_readers_language(tmp_path, capsys):
    from salesnb.cli import main

    with pytest.raises(ParameterError) as caught:
        cluster._check_workers(FakeClient(missing=["/shared/sales"]), PARAMETERS, "tcp://s:8786")
    assert caught.value.text("zh") == (
        "Dask 工作节点 tcp://w2:1 读不到 /shared/sales：使用 --scheduler 时，--data、--config 和 --mapping "
        "必须是每个工作节点都能访问的路径（共享文件夹），--data 也可以是数据库地址"
    )
    with pytest.raises(ParameterError) as caught:
        cluster._check_workers(FakeClient(package="0" * 16), PARAMETERS, "tcp://s:8786")
    assert caught.value.text("zh") == "Dask 工作节点 tcp://w2:1 上的 salesnb 版本与本次运行的不同（tcp://s:8786）"
    argv = ["run", "--scheduler", "tcp://host:port", "--out", str(tmp_path / "out"), "--quiet"]
    assert main(argv) == 2
    zh = "错误：--scheduler 'tcp://host:port'：请给出 Dask 调度器的地址（tcp://主机:端口）或 'local'\n"
    assert capsys.readouterr().err == zh
    assert main([*argv, "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "error: --scheduler 'tcp://host:port': give a Dask scheduler address (tcp://HOST:PORT) or 'local'\n"
    )
