"""The package's import surface: every exported name resolves, and ``import research`` stays cheap.

The pillar packages re-export their API lazily (research._lazy): a misspelt or moved name in a
package's export table would only fail when a notebook first uses it, so every name is resolved here.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import types

import pytest
from conftest import PROJECT

import research

PACKAGES = sorted(
    ["research"] + [info.name for info in pkgutil.walk_packages(research.__path__, "research.") if info.ispkg]
)
# What `import research` must not load: each takes tenths of a second to seconds.
HEAVY = ("pandas", "numpy", "matplotlib", "statsmodels", "scipy", "duckdb", "ibis", "pingouin", "jieba")
IMPORT_SECONDS = 1.5  # measured: about 0.02 s (a cold start on a loaded machine may take far longer)


def _exports(package: types.ModuleType) -> list[str]:
    return list(getattr(package, "__all__", []))


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_resolves_to_an_object_not_a_submodule(name):
    package = importlib.import_module(name)
    exported = _exports(package)
    assert len(exported) == len(set(exported)), f"{name}.__all__ lists a name twice"
    for attribute in exported:
        value = getattr(package, attribute)  # AttributeError names the broken export
        # A submodule named like a function it exports replaces that function on the package as
        # soon as anything imports the submodule (``from research.journeys import dfg`` would then
        # give the module, depending on test order).
        assert not isinstance(value, types.ModuleType), f"{name}.{attribute} is a module"


def test_the_pillars_export_lazily_and_dir_lists_the_exports():
    for name in PACKAGES:
        package = importlib.import_module(name)
        if hasattr(package, "__getattr__"):
            exported = set(_exports(package))
            assert exported, name
            assert exported <= set(dir(package)), name


def test_an_unknown_name_is_an_attribute_error_naming_the_package():
    with pytest.raises(AttributeError, match=r"'research\.survey' has no attribute 'no_such_name'"):
        importlib.import_module("research.survey").no_such_name  # noqa: B018


def test_import_research_is_fast_and_loads_no_heavy_module():
    probe = (
        "import json, sys, time\n"
        "start = time.perf_counter()\n"
        "import research, research.coding, research.survey, research.evaluation, research.feedback\n"
        "import research.journeys, research.scorecard\n"
        "seconds = time.perf_counter() - start\n"
        f"print(json.dumps([seconds, [m for m in {HEAVY!r} if m in sys.modules]]))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=PROJECT
    )
    seconds, loaded = json.loads(completed.stdout)
    assert loaded == [], f"`import research` loads {loaded}"
    assert seconds < IMPORT_SECONDS, f"`import research` took {seconds:.2f} s"
