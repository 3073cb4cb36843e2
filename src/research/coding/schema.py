r"""The ``coding:`` section of study.yml, validated when the study is loaded.

Shape (every field optional)::

    coding:
      transcripts: transcripts          # file id of the transcripts folder (default "transcripts")
      respondents: respondents          # file id of the case table (role respondents)
      codebook: codebook                # file id of the YAML codebook (role codebook)
      codings: [codings_coder_a, codings_coder_b]   # file ids, one per coder file (role codings)
      qdpx: project                     # file id of a REFI-QDA project (.qdpx) from NVivo,
                                        # ATLAS.ti, MAXQDA, QualCoder ...: its text sources are the
                                        # transcripts, its codebook the codebook, its codings the
                                        # codings (each unless named above)
      unit: turn                        # coding unit: "turn", "paragraph" or "sentence"
      speaker_patterns:                 # speaker labels, tried before the built-in ones
        interviewer: ['客服(?:\d+)?', 'Agent']   # regex of the label before the colon
        respondent: ['被访人', '客户经理']
        other: ['翻译']                # a third speaker: not analysed as a respondent
        not_speaker: ['比如']          # a line start like "比如：" that is text, not a speaker
      redact_names: [王芳, Zhang Wei]    # names masked as [name] in reports and shared exports
      pseudonym_key_env: RESEARCH_PSEUDONYM_KEY   # env var holding the pseudonymisation key

``speaker_patterns`` maps a role to one label pattern or a list of them; the longer form, a
list of ``{pattern: ..., role: ...}`` entries, is accepted too. A pattern is a Python regular
expression of the label before the colon (``^`` in front and the colon ``[:：]`` after it are
optional: ``^A[:：]`` and ``A`` are the same label). Roles are ``interviewer``, ``respondent``,
``other`` and ``not_speaker``. Built-in labels (``访谈者``/``受访者``, ``Q``/``A``,
``Interviewer``/``Respondent`` ..., see :data:`research.coding.transcripts.DEFAULT_SPEAKER_PATTERNS`)
need no declaration. In a transcript with speaker labels, a line starting with a label that is
neither declared nor built in (``Respondnet:``, ``被访人：``) is an error naming the file and line,
never a silent guess; declare it here. Errors name the field path, e.g.
``coding.speaker_patterns.respondent[1]`` or ``coding.speaker_patterns[0].pattern``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from research.coding.transcripts import speaker_pattern_list
from research.errors import DataError, problems_of, validated

_EXPECTED_ROLES = {
    "transcripts": "transcripts",
    "respondents": "respondents",
    "codebook": "codebook",
    "qdpx": "transcripts",
}


class SpeakerPattern(BaseModel):
    """A speaker label (regex of the text before the colon) and the role it marks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str = Field(min_length=1)
    role: Literal["interviewer", "respondent", "other", "not_speaker"] = "other"


class CodingSection(BaseModel):
    """The validated ``coding:`` section (defaults filled in)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    transcripts: str = "transcripts"
    respondents: str | None = None
    codebook: str | None = None
    codings: list[str] = Field(default_factory=list)
    qdpx: str | None = None
    unit: Literal["turn", "paragraph", "sentence"] = "turn"
    speaker_patterns: list[SpeakerPattern] = Field(default_factory=list)
    redact_names: list[str] = Field(default_factory=list)
    pseudonym_key_env: str | None = None

    def pseudonym_key(self) -> str | None:
        """The key from the environment variable named by ``pseudonym_key_env`` (None if unset)."""
        return os.environ.get(self.pseudonym_key_env) if self.pseudonym_key_env else None


def validate_section(study: Any) -> list[DataError]:
    """The problems of study.yml's ``coding:`` section (the pillar hook of :mod:`research.study`).

    Examples
    --------
    >>> from research.study import load_study
    >>> validate_section(load_study("sample"))
    []
    """
    return problems_of(lambda: coding_settings(study))


def _coding_section(study: Any, section: dict[str, Any]) -> CodingSection:
    """Validate study.yml's ``coding:`` section against the model and the study's files.

    Examples
    --------
    >>> from research.study import load_study
    >>> _coding_section(load_study("sample"), {"unit": "word"})
    Traceback (most recent call last):
    ...
    research.errors.DataError: Invalid coding section: coding.unit: not allowed; allowed values: 'turn',
    'paragraph' or 'sentence' [file ..., column 'coding.unit', value 'word']. ...
    """
    yml = getattr(study, "yml_path", None)
    section = dict(section or {})
    if "speaker_patterns" in section:
        section["speaker_patterns"] = speaker_pattern_list(section["speaker_patterns"], file=yml)
    model = validated(
        CodingSection,
        section,
        file=yml,
        what="coding section",
        prefix="coding",
        hint="See data/raw/sample/study.yml for a valid coding section.",
    )
    files = study.definition.files if hasattr(study, "definition") else {}
    references = [(name, getattr(model, name)) for name in _EXPECTED_ROLES]
    references += [(f"codings[{i}]", file_id) for i, file_id in enumerate(model.codings)]
    for field, file_id in references:
        implicit_default = field == "transcripts" and not section.get(field)
        if file_id is None or (implicit_default and file_id not in files):
            continue
        if file_id not in files:
            raise DataError(
                "The coding section names an undeclared data file",
                file=yml,
                column=f"coding.{field}",
                value=file_id,
                hint=f"Declare it under files: (declared: {sorted(files)}).",
            )
        expected = _EXPECTED_ROLES.get(field, "codings")
        if files[file_id].role != expected:
            raise DataError(
                f"The file has role {files[file_id].role!r}, expected {expected!r}",
                file=yml,
                column=f"files.{file_id}.role",
                value=files[file_id].role,
                hint=f"coding.{field} must name a file of role {expected}.",
            )
    if model.qdpx and not files[model.qdpx].path.lower().endswith(".qdpx"):
        raise DataError(
            "coding.qdpx must name a REFI-QDA project file (.qdpx)",
            file=yml,
            column=f"files.{model.qdpx}.path",
            value=files[model.qdpx].path,
            hint="Export the project from your QDA tool as REFI-QDA (.qdpx), or use coding.transcripts.",
        )
    return model


def coding_settings(study: Any) -> CodingSection:
    """The study's coding section with defaults (an empty section if study.yml has none)."""
    return _coding_section(study, study.section("coding"))


@dataclass(frozen=True)
class CodingFiles:
    """The file ids a coding run reads (see :func:`coding_files`)."""

    transcripts: str
    codebook: str | None
    respondents: str | None
    codings: tuple[str, ...]


def _by_role(study: Any, named: str | None, role: str, default_id: str, required: bool) -> str | None:
    """*named*, else the file declared as *default_id* with this role, else the only file of it."""
    if named:
        return named
    candidates = sorted(study.files_with_role(role))
    if default_id in candidates:
        return default_id
    if len(candidates) == 1:
        return candidates[0]
    if not candidates and not required:
        return None
    raise DataError(
        f"Cannot tell which file is the {role}" if candidates else f"The study declares no {role}",
        file=getattr(study, "yml_path", None),
        column=f"coding.{role}",
        hint=f"Name it in study.yml under coding.{role} (files of role {role}: {candidates})."
        if candidates
        else f"Declare it under files: with role: {role}.",
    )


def coding_files(study: Any, *, require_codebook: bool = True) -> CodingFiles:
    """Which declared files hold the transcripts, codebook, respondents and codings.

    ``coding:`` in study.yml may name them; otherwise each is found by its role: the file whose
    id is the role's name (``transcripts``, ``codebook``, ``respondents``), else the only file of
    that role. The respondents file is optional; codings are every file of role ``codings``
    (none: the report runs on auto-coding). With ``coding.qdpx`` the project file stands for
    the transcripts, the codebook and the codings not named otherwise.

    Raises
    ------
    DataError
        No transcripts (or, with *require_codebook*, no codebook) declared, or several files of
        one role and none named in ``coding:``.

    Examples
    --------
    >>> from research.study import load_study
    >>> files = coding_files(load_study("sample"))
    >>> files.transcripts, files.codebook, files.respondents, files.codings
    ('transcripts', 'codebook', 'respondents', ('codings_coder_a', 'codings_coder_b'))
    """
    settings = coding_settings(study)
    section = study.section("coding")
    respondents = _by_role(study, settings.respondents, "respondents", "respondents", False)
    if settings.qdpx:
        project = settings.qdpx
        return CodingFiles(
            section.get("transcripts") or project,
            settings.codebook or project,
            respondents,
            tuple(settings.codings) or (project,),
        )
    transcripts = _by_role(study, section.get("transcripts"), "transcripts", "transcripts", True)
    codebook = _by_role(study, settings.codebook, "codebook", "codebook", require_codebook)
    codings = tuple(settings.codings or sorted(study.files_with_role("codings")))
    return CodingFiles(str(transcripts), codebook, respondents, codings)
