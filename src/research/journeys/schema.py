"""The ``journeys:`` section of study.yml: event sources, identity map, customers, session gap.

Validated on :func:`research.study.load_study` through :func:`validate_section`. The smallest
section names one event log whose touchpoint column holds catalog ids (or any ids, without a
catalog)::

    journeys:
      sources:
        - file: events            # a files: id (role event_log): CSV, CSV.gz, Parquet or JSON lines
          person_id: customer_id  # one column, or a list: ids in one row are the same person
          timestamp: timestamp    # ISO text or a timestamp type
          touchpoint: touchpoint  # optional: column holding touchpoint ids

A fuller source (several systems, names mapped by rules)::

        - file: hotline_calls
          name: hotline              # the source's name in the event table (default: file id)
          person_id: [phone_hash, account_no]
          timestamp: call_start
          timestamp_format: '%d.%m.%Y %H:%M'   # strptime format (default: ISO 8601)
          time_zone: Asia/Shanghai   # zone of naive timestamps (default UTC)
          event: call_reason_code    # the event name (default: the touchpoint column)
          source_column: system      # per-row source name (default: name)
          channel: channel           # column (online/offline); default: the catalog's channel
          topic: reason              # column: the topic/reason of a contact
          outcomes: [resolved]       # 0/1 flag columns, kept as boolean columns
          priority: 1                # lower first when timestamps tie (default: list order)
          catalog: true              # match event names to catalog ids and synonyms (default)
          rules:
            - touchpoint: hotline
              equals: [CALL_IN, CALLBACK]
            - touchpoint: website
              pattern: '^page_'
      identity_map: id_pairs         # a files: id with two id columns (or {file:, columns: [a, b]})
      customers: customers           # a files: id with one row per customer (segments)
      customer_id: customer_id       # its id column
      session_gap_minutes: 30
      max_identity_component: 50     # warn above this many ids in one person
      pseudonym_key_env: RESEARCH_PSEUDONYM_KEY

Person ids are pseudonymised with a keyed hash (:func:`research.privacy.pseudonymise`). The key
comes from the environment variable named by ``pseudonym_key_env``; when it is unset, a random
key is created once in ``data/processed/<study>/journeys/pseudonym.key`` (outside the
repository), so the pseudonyms stay stable across runs of the same checkout.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import Field, ValidationError, field_validator, model_validator

from research.config import StrictModel
from research.errors import DataError, FieldProblem, from_validation_error, validation_problems
from research.feedback.schema import no_section_error

if TYPE_CHECKING:
    from research.study import Study

SECTION = "journeys"
HINT = (
    "See the journeys: section of data/raw/sample/study.yml, or the smallest one in the docstring "
    "of research.journeys.schema."
)


class Rule(StrictModel):
    """One event-to-touchpoint rule: exact event names or a regular expression."""

    touchpoint: str
    equals: list[str] = Field(default_factory=list)
    pattern: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Rule:
        if bool(self.equals) == bool(self.pattern):
            raise FieldProblem("touchpoint", self.touchpoint, "give equals: [names] or pattern: regex")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise FieldProblem("pattern", self.pattern, f"not a regular expression ({exc})") from None
        return self


class Source(StrictModel):
    """One event source (a file of role ``event_log``) and its column mapping."""

    file: str
    name: str | None = None
    person_id: str | list[str]
    timestamp: str
    timestamp_format: str | None = None
    time_zone: str | None = None
    event: str | None = None
    touchpoint: str | None = None
    source_column: str | None = None
    channel: str | None = None
    topic: str | None = None
    outcomes: list[str] = Field(default_factory=list)
    priority: int | None = None
    catalog: bool = True
    rules: list[Rule] = Field(default_factory=list)

    @field_validator("person_id")
    @classmethod
    def _ids(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list) and not value:
            raise ValueError("name at least one person id column")
        return value

    @model_validator(mode="after")
    def _named_event(self) -> Source:
        if not self.event and not self.touchpoint:
            raise FieldProblem("event", None, "name the event column (or a touchpoint column)")
        return self

    @property
    def id_columns(self) -> list[str]:
        """The person id column(s), as a list."""
        return [self.person_id] if isinstance(self.person_id, str) else list(self.person_id)

    @property
    def event_column(self) -> str:
        """The column holding the event name (``event``, else the touchpoint column)."""
        return self.event or str(self.touchpoint)

    @property
    def source_name(self) -> str:
        """The source's name in the event table (``name``, else the file id)."""
        return self.name or self.file

    def columns(self) -> list[tuple[str, str]]:
        """(field, column) pairs of every column the source names."""
        pairs = [
            (f"person_id[{i}]" if len(self.id_columns) > 1 else "person_id", c)
            for i, c in enumerate(self.id_columns)
        ]
        pairs.append(("timestamp", self.timestamp))
        for field in ("event", "touchpoint", "source_column", "channel", "topic"):
            if getattr(self, field):
                pairs.append((field, getattr(self, field)))
        pairs += [(f"outcomes[{i}]", c) for i, c in enumerate(self.outcomes)]
        return pairs


class IdentityMap(StrictModel):
    """A file of id pairs that belong to one person."""

    file: str
    columns: list[str] | None = Field(default=None, min_length=2, max_length=2)


class JourneysSection(StrictModel):
    """The validated ``journeys:`` section."""

    sources: list[Source] = Field(min_length=1)
    identity_map: IdentityMap | None = None
    customers: str | None = None
    customer_id: str | None = None
    session_gap_minutes: float = Field(default=30, gt=0)
    max_identity_component: int = Field(default=50, ge=2)
    pseudonym_key_env: str = "RESEARCH_PSEUDONYM_KEY"

    @field_validator("identity_map", mode="before")
    @classmethod
    def _map_shorthand(cls, value: Any) -> Any:
        return {"file": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> JourneysSection:
        names = [s.source_name for s in self.sources]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise FieldProblem(f"sources[{index}].name", name, "two sources have the same name")
        if self.customers and not self.customer_id:
            raise FieldProblem("customer_id", None, "name the id column of the customers file")
        return self

    def priorities(self) -> list[int]:
        """Each source's priority (its list position when none is given)."""
        return [s.priority if s.priority is not None else i for i, s in enumerate(self.sources)]


def parse_journeys_section(study: Study, section: dict[str, Any]) -> JourneysSection:
    """Field-level validation only (types, required fields, unknown fields).

    Parameters
    ----------
    study : Study
        The study (for the file named in errors).
    section : dict
        The ``journeys:`` section as read from study.yml.

    Returns
    -------
    JourneysSection
        The validated section.

    Raises
    ------
    DataError
        The first field problem.
    """
    try:
        return JourneysSection.model_validate(section)
    except ValidationError as exc:
        raise from_validation_error(
            exc, file=study.yml_path, what="journeys section", prefix=SECTION, hint=HINT
        ) from None


class FieldCheck(NamedTuple):
    """Result of :func:`field_problems`: the parsed section (None when invalid) and every field problem."""

    section: JourneysSection | None
    problems: list[DataError]


def field_problems(study: Study, section: dict[str, Any]) -> FieldCheck:
    """Every field problem of a ``journeys:`` section at once, as :func:`parse_journeys_section` checks.

    Returns
    -------
    FieldCheck
        ``section`` (None when invalid) and ``problems`` (each naming study.yml and the field).
    """
    try:
        return FieldCheck(JourneysSection.model_validate(section), [])
    except ValidationError as exc:
        return FieldCheck(
            None,
            validation_problems(exc, file=study.yml_path, what="journeys section", prefix=SECTION, hint=HINT),
        )


def journeys_section_problems(study: Study, parsed: JourneysSection) -> list[DataError]:
    """Problems of the section against the study (files declared, touchpoints known); no data read.

    Parameters
    ----------
    study : Study
        The study.
    parsed : JourneysSection
        Its validated ``journeys:`` section.

    Returns
    -------
    list of DataError
        One per problem, naming the field path.
    """
    yml, problems = study.yml_path, []
    files = study.definition.files

    def problem(field: str, value: Any, message: str, hint: str) -> None:
        problems.append(DataError(message, file=yml, column=f"{SECTION}.{field}", value=value, hint=hint))

    for index, source in enumerate(parsed.sources):
        spec = files.get(source.file)
        if spec is None:
            problem(
                f"sources[{index}].file",
                source.file,
                "Not a declared file",
                f"Declare it under files: with role event_log. Declared: {sorted(files)}",
            )
        elif spec.role != "event_log":
            problem(
                f"sources[{index}].file",
                source.file,
                f"The file has role {spec.role}",
                "Event sources are files of role event_log.",
            )
        for rule_index, rule in enumerate(source.rules):
            if not study.known_touchpoint(rule.touchpoint):
                problem(
                    f"sources[{index}].rules[{rule_index}].touchpoint",
                    rule.touchpoint,
                    "Unknown touchpoint",
                    "Use an id of the study's touchpoints: catalog.",
                )
    for field, file_id in (
        ("identity_map.file", parsed.identity_map and parsed.identity_map.file),
        ("customers", parsed.customers),
    ):
        if file_id and file_id not in files:
            problem(
                field, file_id, "Not a declared file", f"Declare it under files:. Declared: {sorted(files)}"
            )
    return problems


def validate_section(study: Study) -> list[DataError]:
    """The problems of study.yml's ``journeys:`` section (the pillar hook of :mod:`research.study`).

    Each names the field path (``journeys.sources[0].timestamp``).

    Examples
    --------
    >>> from research import load_study
    >>> validate_section(load_study("sample"))
    []
    """
    try:
        parsed = parse_journeys_section(study, study.section(SECTION))
    except DataError as error:
        return [error]
    return journeys_section_problems(study, parsed)


#: What to do when a study has no ``journeys:`` section.
NO_SECTION_HINT = "Add one naming the event log(s) (see research.journeys.schema)."


def load_journeys_section(study: Study) -> JourneysSection:
    """The study's validated ``journeys:`` section.

    Parameters
    ----------
    study : Study
        The study.

    Returns
    -------
    JourneysSection
        Checked against the study's files and catalog (:func:`validate_section`).

    Raises
    ------
    DataError
        The study has no ``journeys:`` section, or it is invalid.
    """
    section = study.section(SECTION)
    if not section:
        raise no_section_error(study, SECTION, NO_SECTION_HINT)
    parsed = parse_journeys_section(study, section)
    for problem in journeys_section_problems(study, parsed):
        raise problem
    return parsed
