"""pyproject.toml and environment.yml stay in step; the layout is as designed."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import PROJECT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_in_both_files():
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = {_name(r) for r in pyproject["project"]["dependencies"]}
    dev = {_name(r) for r in pyproject["project"]["optional-dependencies"]["dev"]}
    env = yaml.safe_load((PROJECT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = set(), set()
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip |= {_name(r) for r in entry["pip"] if not r.startswith("-e")}
        else:
            conda.add(_name(entry))
    in_env = conda | pip
    assert runtime - in_env == set(), "runtime deps missing from environment.yml"
    assert dev - in_env == set(), "dev deps missing from environment.yml"
    assert (in_env - {"python", "pip"}) - (runtime | dev) == set(), "environment.yml has extras"
    assert "-e ." in next(e for e in env["dependencies"] if isinstance(e, dict))["pip"]
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert pyproject["project"]["scripts"]["research"] == "research.cli:main"
