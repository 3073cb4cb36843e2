r"""The codebook: hierarchical themes and codes, with their definitions and auto-coding rules.

A codebook is a YAML file (file role ``codebook`` in study.yml)::

    codebook: 触点体验编码簿 / Touchpoint experience codebook
    version: 1
    codes:
      - id: service_access            # theme (folder): not codable
        name: {zh: 服务可达性, en: Service access}
        codable: false
      - id: hotline_wait
        parent: service_access
        name: {zh: 热线等待久, en: Long hotline wait}
        definition: ...
        include: ...
        exclude: ...
        example: ...
        valence: pain_point           # pain_point | delight | neutral
        touchpoints: [hotline]
        stages: [after-sales]
        keywords: {zh: [等了半天, 打不进去], en: [on hold, waited]}
        exclude_keywords: {zh: [营业厅等了半天]}  # a match inside one of these does not count
        patterns: {zh: ['等了?\d+分钟'], en: ['\bon hold for \d+']}
        color: "#D55E00"

Validation (:func:`load_codebook`) reports the file and the field path (``codes[3].parent``)
of duplicate ids, unknown parents, cycles, unknown touchpoints or stages (against the study's
catalog when a study is given), regexes that do not compile, bad valences and colours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from research.errors import DataError, validated
from research.io import read_yaml, write_text
from research.study import LANGUAGES, check_language
from research.wording import resolve_language

VALENCES = ("pain_point", "delight", "neutral")


#: Languages of reports, labels and transcripts.
@dataclass(frozen=True)
class Code:
    """One code (or, with ``codable=False``, a theme that groups codes)."""

    id: str
    parent: str | None
    name: dict[str, str]
    definition: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    valence: str = "neutral"
    touchpoints: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    keywords: dict[str, list[str]] = field(default_factory=dict)
    patterns: dict[str, list[str]] = field(default_factory=dict)
    color: str | None = None
    codable: bool = True
    exclude_keywords: dict[str, list[str]] = field(default_factory=dict)

    def label(self, language: str | None = None) -> str:
        """The name in *language*, falling back to the other language, then the id.

        A *language* other than ``zh``/``en`` (the report's language parameter) is a DataError.
        """
        language = resolve_language(language)
        if language not in LANGUAGES:
            check_language(language, hint="set the run's language parameter to one of them or leave it out.")
        return self.name.get(language) or self.name.get("en") or self.name.get("zh") or self.id


class Codebook:
    """An ordered, validated set of codes with their hierarchy.

    Examples
    --------
    >>> cb = Codebook([Code("access", None, {"en": "Access"}, codable=False),
    ...                Code("hotline_wait", "access", {"en": "Long wait"}, valence="pain_point")])
    >>> cb.ancestors("hotline_wait"), [c.id for c in cb.children("access")]
    (['access'], ['hotline_wait'])
    """

    def __init__(
        self,
        codes: list[Code],
        *,
        title: str = "",
        version: str | int | None = None,
        path: Path | None = None,
    ) -> None:
        self.codes = list(codes)
        self.title = title
        self.version = version
        self.path = path
        self._by_id = {c.id: c for c in self.codes}

    def __repr__(self) -> str:
        return f"Codebook({self.title!r}, {len(self.codes)} codes)"

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self):
        return iter(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._by_id

    @property
    def ids(self) -> list[str]:
        """Every code's id, in codebook order."""
        return [c.id for c in self.codes]

    @property
    def codable_ids(self) -> list[str]:
        """Ids of the codes coders can apply (themes excluded)."""
        return [c.id for c in self.codes if c.codable]

    def code(self, code_id: str) -> Code:
        """The code with this id; unknown ids raise :class:`DataError`."""
        try:
            return self._by_id[code_id]
        except KeyError:
            raise DataError(
                "Unknown code",
                file=self.path,
                value=code_id,
                hint=f"The codebook has {len(self.codes)} codes, e.g. {self.ids[:8]}.",
            ) from None

    def children(self, code_id: str | None) -> list[Code]:
        """Direct children of *code_id* (``None``: the top-level codes), in codebook order."""
        return [c for c in self.codes if c.parent == code_id]

    def ancestors(self, code_id: str) -> list[str]:
        """Ids from the parent of *code_id* up to its top-level theme."""
        chain = []
        parent = self.code(code_id).parent
        while parent is not None:
            chain.append(parent)
            parent = self._by_id[parent].parent
        return chain

    def descendants(self, code_id: str) -> list[str]:
        """Ids of all codes below *code_id*, depth first."""
        out = []
        for child in self.children(code_id):
            out.append(child.id)
            out.extend(self.descendants(child.id))
        return out

    def theme(self, code_id: str) -> str:
        """The top-level ancestor of *code_id* (itself if it is top-level)."""
        chain = self.ancestors(code_id)
        return chain[-1] if chain else code_id

    def frame(self) -> pd.DataFrame:
        """One row per code.

        Columns ``id, parent, theme, level, name_zh, name_en, valence, touchpoints, stages,
        codable, definition, include, exclude, example, color`` (lists joined by ``; ``).
        """
        rows = [
            {
                "id": c.id,
                "parent": c.parent,
                "theme": self.theme(c.id),
                "level": len(self.ancestors(c.id)),
                "name_zh": c.name.get("zh"),
                "name_en": c.name.get("en"),
                "valence": c.valence,
                "touchpoints": "; ".join(c.touchpoints),
                "stages": "; ".join(c.stages),
                "codable": c.codable,
                "definition": c.definition,
                "include": c.include,
                "exclude": c.exclude,
                "example": c.example,
                "color": c.color,
            }
            for c in self.codes
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The YAML form (the inverse of :func:`codebook_from_dict`); defaults are left out."""
        codes = []
        for c in self.codes:
            entry: dict[str, Any] = {"id": c.id}
            if c.parent is not None:
                entry["parent"] = c.parent
            entry["name"] = dict(c.name)
            for key in ("definition", "include", "exclude", "example"):
                if getattr(c, key):
                    entry[key] = getattr(c, key)
            if not c.codable:
                entry["codable"] = False
            if c.valence != "neutral":
                entry["valence"] = c.valence
            for key in ("touchpoints", "stages"):
                if getattr(c, key):
                    entry[key] = list(getattr(c, key))
            for key in ("keywords", "exclude_keywords", "patterns"):
                if getattr(c, key):
                    entry[key] = {lang: list(words) for lang, words in getattr(c, key).items()}
            if c.color:
                entry["color"] = c.color
            codes.append(entry)
        out: dict[str, Any] = {"codebook": self.title}
        if self.version is not None:
            out["version"] = self.version
        out["codes"] = codes
        return out


class _CodeModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    parent: str | None = None
    name: dict[Literal["zh", "en"], str] = Field(min_length=1)
    definition: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    valence: Literal["pain_point", "delight", "neutral"] = "neutral"
    touchpoints: list[str] = Field(default_factory=list)
    stages: list[str] = Field(default_factory=list)
    keywords: dict[Literal["zh", "en"], list[str]] = Field(default_factory=dict)
    exclude_keywords: dict[Literal["zh", "en"], list[str]] = Field(default_factory=dict)
    patterns: dict[Literal["zh", "en"], list[str]] = Field(default_factory=dict)
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    codable: bool = True


class _CodebookModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codebook: str = ""
    version: str | int | None = None
    description: str = ""
    codes: list[_CodeModel] = Field(min_length=1)


def codebook_from_dict(data: Any, *, file: str | Path | None = None, study: Any = None) -> Codebook:
    """Validate the YAML form of a codebook and build a :class:`Codebook`.

    Examples
    --------
    >>> codebook_from_dict({"codes": [{"id": "a", "name": {"en": "A"}, "parent": "b"}]})
    Traceback (most recent call last):
    ...
    research.errors.DataError: Unknown parent code [column 'codes[0].parent', value 'b']. Parents must ...
    """
    if not isinstance(data, dict):
        raise DataError("A codebook must be a mapping with a 'codes' list", file=file)
    model = validated(
        _CodebookModel,
        data,
        file=file,
        what="codebook",
        hint="See data/raw/sample/interviews/codebook.yml for a valid example.",
    )
    codes = model.codes
    seen: dict[str, int] = {}
    for index, code in enumerate(codes):
        if code.id in seen:
            raise DataError(
                "Duplicate code id",
                file=file,
                column=f"codes[{index}].id",
                value=code.id,
                hint=f"codes[{seen[code.id]}] has the same id; ids must be unique.",
            )
        seen[code.id] = index
    for index, code in enumerate(codes):
        if code.parent is not None and code.parent not in seen:
            raise DataError(
                "Unknown parent code",
                file=file,
                column=f"codes[{index}].parent",
                value=code.parent,
                hint="Parents must be ids of codes in this codebook.",
            )
    parents = {c.id: c.parent for c in codes}
    for index, code in enumerate(codes):
        chain, current = [code.id], code.parent
        while current is not None:
            if current in chain:
                raise DataError(
                    "Cycle in the code hierarchy",
                    file=file,
                    column=f"codes[{index}].parent",
                    value=" -> ".join([*chain, current]),
                    hint="A code cannot be its own ancestor; fix one of these parents.",
                )
            chain.append(current)
            current = parents[current]
    for index, code in enumerate(codes):
        for language, patterns in code.patterns.items():
            for number, pattern in enumerate(patterns):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise DataError(
                        f"Regular expression does not compile: {exc}",
                        file=file,
                        column=f"codes[{index}].patterns.{language}[{number}]",
                        value=pattern,
                        hint="Quote patterns in single quotes in YAML and escape special characters.",
                    ) from None
    if study is not None:
        _check_against_study(codes, study, file)
    built = [
        Code(
            id=c.id,
            parent=c.parent,
            name={str(language): name for language, name in c.name.items()},
            definition=c.definition,
            include=c.include,
            exclude=c.exclude,
            example=c.example,
            valence=c.valence,
            touchpoints=tuple(c.touchpoints),
            stages=tuple(c.stages),
            keywords={k: list(v) for k, v in c.keywords.items()},
            patterns={k: list(v) for k, v in c.patterns.items()},
            color=c.color,
            codable=c.codable,
            exclude_keywords={k: list(v) for k, v in c.exclude_keywords.items()},
        )
        for c in codes
    ]
    return Codebook(built, title=model.codebook, version=model.version, path=Path(file) if file else None)


def _declares_stages(study: Any) -> bool:
    """Whether study.yml lists journey stages (or a catalog, whose stages are then checked)."""
    definition = getattr(study, "definition", None)
    fields_set = getattr(definition, "model_fields_set", {"stages"})
    return "stages" in fields_set or bool(getattr(study, "has_catalog", True))


def _check_against_study(codes: list[_CodeModel], study: Any, file: str | Path | None) -> None:
    """Check that the codes' touchpoints are in the catalog and their stages the study's.

    A study without a catalog (or without declared stages) accepts any id there.
    """
    touchpoints = {t.id for t in study.touchpoints}
    check_touchpoints = bool(getattr(study, "has_catalog", True))
    stages = set(study.stages) if _declares_stages(study) else None
    for index, code in enumerate(codes):
        for number, touchpoint in enumerate(code.touchpoints):
            if check_touchpoints and touchpoint not in touchpoints:
                raise DataError(
                    "Unknown touchpoint",
                    file=file,
                    column=f"codes[{index}].touchpoints[{number}]",
                    value=touchpoint,
                    hint=f"Use ids of the study's catalog: {sorted(touchpoints)}.",
                )
        for number, stage in enumerate(code.stages):
            if stages is not None and stage not in stages:
                raise DataError(
                    "Unknown journey stage",
                    file=file,
                    column=f"codes[{index}].stages[{number}]",
                    value=stage,
                    hint=f"Use the study's stages: {study.stages}.",
                )


def load_codebook(path: str | Path, *, study: Any = None) -> Codebook:
    """Read and validate a YAML codebook (or the codebook of a REFI-QDA ``.qdc``/``.qdpx``).

    Parameters
    ----------
    path : str or Path
        The YAML file (``.qdc``/``.qdpx``: read with :mod:`research.coding.refi`).
    study : Study, optional
        When given, touchpoints and stages of codes are checked against its catalog.

    Returns
    -------
    Codebook

    Raises
    ------
    DataError
        Invalid YAML, unknown field, duplicate id, unknown parent, cycle, unknown touchpoint
        or stage, bad regex, valence or colour; the message names the file and field path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "codebook.yml"
    >>> _ = p.write_text('''
    ... codes:
    ...   - {id: access, name: {en: Access}, codable: false}
    ...   - {id: hotline_wait, parent: access, name: {zh: 热线等待久, en: Long wait}, valence: pain_point}
    ... ''', encoding="utf-8")
    >>> load_codebook(p).code("hotline_wait").label("zh")
    '热线等待久'
    """
    path = Path(path)
    if path.suffix.lower() in (".qdc", ".qdpx"):  # REFI-QDA codebook or project
        from research.coding.refi import read_qdc, read_qdpx

        if path.suffix.lower() == ".qdc":
            return read_qdc(path)
        codebook = read_qdpx(path).codebook
        if codebook is None:
            raise DataError(
                "The REFI-QDA project has no codebook", file=path, hint="Export it with its codes."
            )
        return codebook
    data = read_yaml(
        path,
        what="The codebook",
        hint="Check indentation and quoting around that line (quote regexes in single quotes).",
    )
    return codebook_from_dict(data, file=path, study=study)


def write_codebook(path: str | Path, codebook: Codebook) -> Path:
    """Write *codebook* as YAML (atomic; refuses ``data/raw``); :func:`load_codebook` reads it back."""
    text = yaml.safe_dump(codebook.to_dict(), allow_unicode=True, sort_keys=False, width=100)
    return write_text(path, text)
