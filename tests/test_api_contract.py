"""The API contract of CONTRIBUTING.md, checked over every public function of the package.

Each test lists all violations at once. ``python tests/test_api_contract.py research.survey``
prints the violations under one package prefix (for fixing one pillar at a time).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import research
from research import defaults

SRC = Path(research.__file__).parent

# Modules that compute statistics from arrays and frames only (CONTRIBUTING.md, "Two layers").
STATISTICS_MODULES = [
    "research.weighting",
    "research.multitest",
    "research.coding.agreement",
    "research.evaluation.absorbed",
    "research.evaluation.did",
    "research.evaluation.its",
    "research.evaluation.power",
    "research.evaluation.proportions",
    "research.evaluation.randomization",
    "research.evaluation.rollout",
    "research.evaluation.rtm",
    "research.feedback.stats",
    "research.survey.compare",
    "research.survey.drivers",
    "research.survey.importance_performance",
    "research.survey.metrics",
    "research.survey.scale_reliability",
    "research.survey.weights",
]
STUDY_LAYER = ("research.study", "research.survey.data", "research.evaluation.kpis")

FORBIDDEN = {
    "df": "data",
    "frame": "data",
    "weight": "weights (survey weights) or a specific *_weights name",
    "weights_a": "weights=(a, b)",
    "weights_b": "weights=(a, b)",
    "weights_before": "weights=(before, after)",
    "weights_after": "weights=(before, after)",
    "n_resamples": "n_boot",
    "n_bootstrap": "n_boot",
    "random_state": "seed",
    "conf": "ci",
    "confidence": "ci",
    "conf_level": "ci",
    "adjust": "padjust",
    "correction": "padjust",
    "lang": "language",
}


@dataclass(frozen=True)
class Public:
    module: str
    name: str
    obj: Callable
    is_method: bool

    @property
    def where(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def signature(self) -> inspect.Signature:
        return inspect.signature(self.obj)

    @property
    def parameters(self) -> list[inspect.Parameter]:
        params = list(self.signature.parameters.values())
        if self.is_method and params and params[0].name in ("self", "cls"):
            params = params[1:]
        return [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _modules(prefix: str = "research") -> Iterator[str]:
    yield "research"
    for info in pkgutil.walk_packages(research.__path__, "research."):
        name = info.name
        if name.startswith("research.sample") or name.endswith("__main__"):
            continue
        if name.startswith(prefix) or prefix == "research":
            yield name


def public_api(prefix: str = "research") -> list[Public]:
    found = []
    for module_name in _modules(prefix):
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
                continue
            if inspect.isfunction(obj):
                found.append(Public(module_name, name, obj, False))
            elif inspect.isclass(obj):
                for method_name, method in vars(obj).items():
                    if method_name.startswith("_"):
                        continue
                    if isinstance(method, (staticmethod, classmethod)):
                        method = method.__func__
                    if inspect.isfunction(method):
                        found.append(Public(module_name, f"{name}.{method_name}", method, True))
    return found


def _annotation(annotation: object) -> str:
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, str):
        return annotation
    return getattr(annotation, "__name__", None) or repr(annotation)


def _documented(func: Callable, parameter: str) -> str:
    """The numpydoc description of *parameter* ('' when undocumented)."""
    doc = inspect.getdoc(func) or ""
    match = re.search(
        rf"^{re.escape(parameter)}(?:, [\w, ]+)? :[^\n]*\n((?:[ \t]+[^\n]*\n?)*)", doc, flags=re.MULTILINE
    )
    return (match.group(0) if match else "").lower()


def forbidden_names(api: list[Public]) -> list[str]:
    return [
        f"{item.where}: parameter {p.name!r} -> {FORBIDDEN[p.name]}"
        for item in api
        for p in item.parameters
        if p.name in FORBIDDEN
    ]


def vocabulary_meanings(api: list[Public]) -> list[str]:
    problems = []
    for item in api:
        for p in item.parameters:
            doc = _documented(item.obj, p.name)
            if p.name == "weights" and "survey weight" not in doc:
                problems.append(f"{item.where}: 'weights' is not documented as survey weights")
            if p.name == "alpha" and "significance" not in doc:
                problems.append(f"{item.where}: 'alpha' is not a significance level; intervals take ci")
            if p.name == "seed" and p.default is not inspect.Parameter.empty and p.default != defaults.SEED:
                problems.append(f"{item.where}: seed defaults to {p.default!r}, not defaults.SEED")
            if p.name == "ci" and p.default is not inspect.Parameter.empty and p.default != defaults.CI:
                problems.append(f"{item.where}: ci defaults to {p.default!r}, not defaults.CI")
            if p.name == "language" and p.default not in (None, inspect.Parameter.empty):
                problems.append(f"{item.where}: language defaults to {p.default!r}, not None")
            if p.name == "weighted" and _annotation(p.annotation) != "bool":
                problems.append(f"{item.where}: 'weighted' is the study-aware switch, a bool")
    return problems


def first_argument_data(api: list[Public]) -> list[str]:
    problems = []
    for item in api:
        params = item.parameters
        for position, p in enumerate(params):
            annotation = _annotation(p.annotation)
            if annotation.replace("pd.", "") != "DataFrame":
                continue
            if position == 0 and p.name != "data":
                problems.append(f"{item.where}: first argument {p.name!r} is a DataFrame; call it 'data'")
    return problems


def return_shapes(api: list[Public]) -> list[str]:
    problems = []
    for item in api:
        returns = _annotation(item.signature.return_annotation)
        if not returns:
            problems.append(f"{item.where}: no return annotation")
            continue
        if returns.startswith(("tuple", "Tuple")):
            problems.append(f"{item.where}: returns a tuple ({returns}); return a frame or a result object")
        parts = {part.strip() for part in returns.split("|")}
        if any("DataFrame" in part for part in parts) and parts - {"None"} - {
            part for part in parts if "DataFrame" in part
        }:
            problems.append(f"{item.where}: returns {returns}; one return type only")
    return problems


# Pillar hooks: every pillar defines them under one name and one signature (CONTRIBUTING.md).
PILLAR_HOOKS = {"validate_section": "schema", "check_run": "preconditions"}


def duplicate_function_names(api: list[Public]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for item in api:
        if item.is_method:
            continue
        if item.name in PILLAR_HOOKS:
            if not item.module.endswith("." + PILLAR_HOOKS[item.name]):
                problems.append(
                    f"{item.where}: the pillar hook {item.name} belongs in a pillar's "
                    f"{PILLAR_HOOKS[item.name]} module"
                )
            continue
        if item.name in seen and seen[item.name] != item.module:
            problems.append(f"{item.name}: defined in {seen[item.name]} and {item.module}")
        seen.setdefault(item.name, item.module)
    return problems


def pillar_hooks_agree(api: list[Public]) -> list[str]:
    problems = []
    for hook in PILLAR_HOOKS:
        signatures = {
            item.module: [(p.name, p.kind) for p in item.parameters] for item in api if item.name == hook
        }
        if len({repr(s) for s in signatures.values()}) > 1:
            problems.append(f"{hook} has different signatures: {signatures}")
    return problems


def results_have_summary(api: list[Public]) -> list[str]:
    problems = []
    for module_name in _modules():
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and obj.__module__ == module_name
                and name.endswith(("Result", "Fit"))
                and not callable(getattr(obj, "summary", None))
            ):
                problems.append(f"{module_name}.{name}: a result without .summary()")
    return problems


def _imports(module_name: str) -> set[str]:
    path = SRC.parent / (module_name.replace(".", "/") + ".py")
    if not path.exists():
        path = path.with_suffix("") / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def statistics_layer(api: list[Public]) -> list[str]:
    problems = []
    for module_name in STATISTICS_MODULES:
        bad = {name for name in _imports(module_name) if name.startswith(STUDY_LAYER)}
        bad |= {
            name
            for name in _imports(module_name)
            if name.startswith("research.") and name.split(".")[-1] in ("report", "preconditions", "schema")
        }
        if bad:
            problems.append(f"{module_name} imports the study layer: {sorted(bad)}")
        problems += [
            f"{item.where}: a statistics function takes a study"
            for item in api
            if item.module == module_name and any(p.name == "study" for p in item.parameters)
        ]
    return problems


RULES = {
    "forbidden_names": forbidden_names,
    "vocabulary_meanings": vocabulary_meanings,
    "first_argument_data": first_argument_data,
    "return_shapes": return_shapes,
    "duplicate_function_names": duplicate_function_names,
    "pillar_hooks_agree": pillar_hooks_agree,
    "results_have_summary": results_have_summary,
    "statistics_layer": statistics_layer,
}


@pytest.fixture(scope="module")
def api() -> list[Public]:
    return public_api()


def test_the_public_api_is_large_enough_to_mean_something(api):
    # Guards the walker itself: a broken walk would make every rule below pass vacuously.
    assert len(api) > 400
    assert any(item.where == "research.survey.metrics.nps" for item in api)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_contract(rule, api):
    problems = RULES[rule](api)
    assert not problems, f"{len(problems)} violations of {rule}:\n" + "\n".join(problems)


def test_each_rule_catches_a_violation():
    """The rules are not vacuous: a made-up function breaking each is caught."""

    def bad(
        df: pd.DataFrame, weights=None, seed: int = 0, language: str = "zh", alpha: float = 0.05
    ) -> tuple[float, float]:
        """A made-up offender.

        Parameters
        ----------
        weights : str
            Bootstrap weights.
        alpha : float
            One minus the confidence level.
        """
        return 0.0, 1.0

    import pandas as pd

    fake = [Public("research.fake", "bad", bad, False), Public("research.other", "bad", bad, False)]
    assert forbidden_names(fake)
    assert len(vocabulary_meanings(fake)) == 2 * 4
    assert first_argument_data(fake)
    assert return_shapes(fake)
    assert duplicate_function_names(fake)


if __name__ == "__main__":
    prefix = sys.argv[1] if len(sys.argv) > 1 else "research"
    everything = public_api()
    scoped = [item for item in everything if item.module.startswith(prefix)]
    total = 0
    for rule, check in RULES.items():
        problems = check(everything if rule == "duplicate_function_names" else scoped)
        problems = [p for p in problems if prefix in p] if rule != "duplicate_function_names" else problems
        total += len(problems)
        for problem in problems:
            print(f"[{rule}] {problem}")
    print(f"{total} violations under {prefix}")
