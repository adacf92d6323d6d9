"""generate_dataset: deterministic, independent of hash randomisation, the committed sample, arguments, scale."""

import os
import subprocess
import sys

import pandas as pd
import pytest

from demo.helpers import SAMPLE
from salesnb.demo import generate_dataset, write_dataset


def test_same_seed_gives_identical_files_and_other_seed_differs(generated, written, tmp_path):
    again = generate_dataset()
    for name, frame in generated[0].items():
        pd.testing.assert_frame_equal(frame, again[0][name], obj=name)
    assert again[1] == generated[1]
    write_dataset(*again, tmp_path / "again")
    for path in sorted(written.iterdir()):
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name

    other, other_planted = generate_dataset(seed=8)
    assert len(other["orders"]) != len(generated[0]["orders"]) or not other["orders"].equals(generated[0]["orders"])
    assert not other["order_lines"]["unit_price"].equals(generated[0]["order_lines"]["unit_price"])
    assert {p["code"] for p in other_planted} == {p["code"] for p in generated[1]}


def test_committed_sample_is_the_default_generation(written):
    """``data/sample`` is exactly ``generate_dataset()`` written out, and stays small enough to commit."""
    expected = sorted(p.name for p in written.iterdir())
    assert sorted(p.name for p in SAMPLE.iterdir()) == expected
    assert len(expected) == 16
    for name in expected:
        assert (SAMPLE / name).read_bytes() == (written / name).read_bytes(), f"regenerate data/sample: {name}"
    assert sum((SAMPLE / name).stat().st_size for name in expected) <= 4.5e6


def test_output_does_not_depend_on_hash_randomisation(tmp_path):
    out = tmp_path / "demo"
    code = "import sys; from salesnb.demo import *; write_dataset(*generate_dataset(months=14, scale=0.3), sys.argv[1])"
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(out / hash_seed)], check=True, env=env)
    for path in sorted((out / "1").iterdir()):
        assert (out / "4242" / path.name).read_bytes() == path.read_bytes(), path.name


def test_bad_arguments_are_refused():
    for kwargs in ({"seed": -1}, {"months": 0}, {"scale": 0}, {"end_period": "2026-13"}):
        with pytest.raises(ValueError):
            generate_dataset(**kwargs)


def test_scale_multiplies_volume():
    small, _ = generate_dataset(scale=0.5, months=14)
    full, _ = generate_dataset(months=14)
    for name in ("orders", "order_lines", "leads", "customers"):
        assert 0.4 < len(small[name]) / len(full[name]) < 0.6, name
    assert small["orders"]["order_date"].dt.strftime("%Y-%m").nunique() == 14


def test_clean_dataset_has_same_structure_and_nothing_planted(tables):
    clean, planted = generate_dataset(plant=False)
    assert planted == []
    assert list(clean) == list(tables)
    for name in tables:
        assert list(clean[name].columns) == list(tables[name].columns), name
    assert 0.9 < len(clean["orders"]) / len(tables["orders"]) < 1.1
