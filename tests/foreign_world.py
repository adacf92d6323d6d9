"""A world of the foreign benchmark (benchmarks/foreign.py) exported as CSV files, planted or clean, for tests."""

import sys
from pathlib import Path


def foreign_world(folder: Path, seed: int, number: int, planted: bool) -> str:
    """Scenario ``number`` of the foreign benchmark's ``seed`` (57 planted, 15 clean) written under ``folder``.

    ``planted``: with its problem planted; else the same world clean. Returns the folder of the CSV files.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import foreign
    from foreign_data import export, simulate

    scenario = foreign.draw(seed, 57, 15)[number]
    world, tables = simulate(scenario.seed)
    if planted:
        foreign.plant(tables, world, scenario)
    export(world, tables, folder / str(planted))
    return str(folder / str(planted))
