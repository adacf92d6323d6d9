import re
import tomllib
from pathlib import Path

import yaml


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_matches_pyproject():
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load(Path("environment.yml").read_text(encoding="utf-8"))
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(d) for d in dep["pip"] if not d.startswith("-")}
        else:
            conda.add(_name(dep))
    assert wanted == (conda | pip) - {"python", "pip"}


def test_nbconvert_pinned_past_2026_security_fixes():
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    (spec,) = [d for d in project["dependencies"] if _name(d) == "nbconvert"]
    lowest = spec.split(">=")[1].split(",")[0]  # ">=7.17.1,<8": the lower bound
    major, minor, patch = map(int, lowest.split("."))
    assert (major, minor, patch) >= (7, 17, 1)
