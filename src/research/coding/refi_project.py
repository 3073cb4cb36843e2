"""The REFI-QDA project model: :class:`QdaProject` and its parts, and their XML form.

Every element and attribute of a ``project.qde`` the workbench understands is read into a
dataclass field (GUIDs and dates exactly as written); what it does not model (picture, PDF,
audio and video sources, ``Links``, ``Graphs``) is kept as the XML element it read and written
back unchanged, as are archive members other than text sources (images, rich-text ``.docx``).
So reading a project and writing it again gives the same XML up to attribute order and
whitespace (``tests/test_refi_roundtrip.py``). :mod:`research.coding.refi` reads and writes
the archive; the views (:attr:`QdaProject.transcripts`, :attr:`QdaProject.codings`,
:meth:`QdaProject.case_variables`) give the workbench's own objects.
"""

from __future__ import annotations

import bisect
import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from research.coding.codebook import Codebook
from research.coding.codings import CODING_COLUMNS
from research.coding.refi_codes import (
    QdaCodebook,
    QdaSet,
    add_refs,
    add_text,
    code_guid,
    codes_element,
    guid_key,
    q,
    read_codes,
    read_sets,
    refs,
    sets_element,
    text_of,
)
from research.coding.transcripts import Transcript, transcript_from_text
from research.errors import DataError
from research.wording import resolve_language

NS_PROJECT = "urn:QDA-XML:project:1.0"
#: ``xs:choice`` of the value of a ``VariableValue``, by ``typeOfVariable``.
VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_STAMPS = (
    ("creatingUser", "creating_user"),
    ("creationDateTime", "created"),
    ("modifyingUser", "modifying_user"),
    ("modifiedDateTime", "modified"),
)


def _read_attributes(element: ET.Element, table: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {name: element.get(attribute) for attribute, name in table}


def _attributes(item: Any, table: Sequence[tuple[str, str]]) -> dict[str, str]:
    values = ((attribute, getattr(item, name)) for attribute, name in table)
    return {attribute: str(value) for attribute, value in values if value is not None}


@dataclass
class QdaUser:
    """A REFI-QDA user (a coder)."""

    guid: str
    name: str | None = None
    id: str | None = None


@dataclass
class QdaCoding:
    """One code applied to a selection (or to a whole source)."""

    guid: str
    code_guid: str
    creating_user: str | None = None
    created: str | None = None
    note_refs: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class _Stamped:
    """Who created and last modified an object, and when (GUIDs and xs:dateTime as written)."""

    creating_user: str | None = None
    created: str | None = None
    modifying_user: str | None = None
    modified: str | None = None


@dataclass
class QdaSelection(_Stamped):
    """A ``PlainTextSelection``.

    Code points ``start`` (inclusive) to ``end`` (exclusive) of the source text as stored, its
    memo (``description``) and codings.
    """

    guid: str
    start: int
    end: int
    name: str | None = None
    description: str | None = None
    codings: list[QdaCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class QdaValue:
    """A ``VariableValue``.

    The variable's GUID, the value element (``TextValue`` ...) and its text as written (None:
    the element is absent).
    """

    variable_guid: str
    kind: str | None = None
    value: str | None = None


@dataclass
class QdaTextSource(_Stamped):
    """A ``TextSource`` (or a ``Note``, which has the same shape).

    ``text`` is the plain text as stored, BOM dropped and line ends kept (selection positions
    count it); it is None for a source whose text lies outside the archive. ``inline`` sources
    hold it in ``PlainTextContent``; the others in the archive member named by
    ``plain_text_path``, written back with the same ``encoding`` and ``bom``.
    """

    guid: str
    name: str | None = None
    text: str | None = None
    description: str | None = None
    inline: bool = False
    plain_text_path: str | None = None
    rich_text_path: str | None = None
    selections: list[QdaSelection] = field(default_factory=list)
    codings: list[QdaCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    values: list[QdaValue] = field(default_factory=list)
    encoding: str = "utf-8"
    bom: bool = False


@dataclass
class QdaVariable:
    """A case or source variable (``typeOfVariable``: Text, Boolean, Integer, Float, Date, DateTime)."""

    guid: str
    name: str
    type: str = "Text"
    description: str | None = None


@dataclass
class QdaCase:
    """A case: its variable values and the sources, selections and codes it groups."""

    guid: str
    name: str | None = None
    description: str | None = None
    code_refs: list[str] = field(default_factory=list)
    values: list[QdaValue] = field(default_factory=list)
    source_refs: list[str] = field(default_factory=list)
    selection_refs: list[str] = field(default_factory=list)


@dataclass
class QdaProject(_Stamped):
    r"""A whole REFI-QDA project (:func:`research.coding.read_qdpx`, :func:`research.coding.write_qdpx`).

    ``sources`` holds :class:`QdaTextSource` objects and, for other kinds of sources, the XML
    element as read. ``files`` are archive members other than project XML and text sources;
    ``extra_attributes`` other attributes of the root (``xsi:schemaLocation``).
    Unpacking a project gives ``transcripts, codebook, codings`` (the older tuple form).

    Examples
    --------
    >>> from research.coding.codebook import Code
    >>> cb = QdaCodebook([Code("wait", None, {"en": "Long wait"})], records={}, sets=[])
    >>> source = QdaTextSource("aaaaaaaa-0000-4000-8000-000000000001", "R1.txt", "Q: hi\nA: on hold",
    ...     plain_text_path="internal://aaaaaaaa-0000-4000-8000-000000000001.txt",
    ...     selections=[QdaSelection("bbbbbbbb-0000-4000-8000-000000000001", 9, 16,
    ...                              codings=[QdaCoding("cccccccc-0000-4000-8000-000000000001",
    ...                                                 cb.guid("wait"))])])
    >>> project = QdaProject("demo", codebook=cb, sources=[source])
    >>> project.codings[["transcript_id", "start", "end", "code"]].values.tolist()
    [['R1', 9, 16, 'wait']]
    """

    name: str
    codebook: Codebook | None = None
    users: list[QdaUser] = field(default_factory=list)
    variables: list[QdaVariable] = field(default_factory=list)
    cases: list[QdaCase] = field(default_factory=list)
    sources: list[QdaTextSource | ET.Element] = field(default_factory=list)
    notes: list[QdaTextSource] = field(default_factory=list)
    links: ET.Element | None = None
    sets: list[QdaSet] = field(default_factory=list)
    graphs: ET.Element | None = None
    description: str | None = None
    note_refs: list[str] = field(default_factory=list)
    origin: str | None = None
    base_path: str | None = None
    extra_attributes: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    source_folder: str = "sources"
    qde_name: str = "project.qde"
    language: str | None = None
    speaker_patterns: Sequence[dict[str, str]] | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.transcripts, self.codebook, self.codings))

    @property
    def text_sources(self) -> list[QdaTextSource]:
        """The text sources (other kinds of sources left out)."""
        return [s for s in self.sources if isinstance(s, QdaTextSource)]

    @property
    def transcripts(self) -> list[Transcript]:
        """One :class:`Transcript` per text source, sorted by id.

        Each is named by the source's name without its suffix; its text has CRLF normalised to LF.
        """
        out, seen = [], set()
        for source in self.text_sources:
            transcript_id = _transcript_id(source)
            if transcript_id in seen:
                raise DataError("Two sources share one name", value=source.name, hint="Rename one.")
            seen.add(transcript_id)
            transcript = transcript_from_text(
                _stored_text(source),
                transcript_id,
                language=self.language,
                speaker_patterns=self.speaker_patterns,
            )
            out.append(replace(transcript, path=None))
        return sorted(out, key=lambda t: t.id)

    @property
    def codings(self) -> pd.DataFrame:
        """Codings in long form, positions into the LF-normalised transcript texts.

        Columns :data:`research.coding.CODING_COLUMNS`, plus ``memo`` when a selection has one;
        coder = the name of the user who created the coding (else the selection).
        """
        by_guid = _code_ids(self.codebook)
        users = {guid_key(u.guid): (u.name or u.id or u.guid) for u in self.users}
        rows = []
        for source in self.text_sources:
            text = _stored_text(source)
            removed = [m.start() for m in re.finditer("\r\n", text)]

            def to_text(position: int, removed: list[int] = removed) -> int:
                return position - bisect.bisect_left(removed, position)

            whole = QdaSelection("", 0, len(text), codings=source.codings)
            for selection in [whole, *source.selections]:
                for coding in selection.codings:
                    creator = coding.creating_user or selection.creating_user or ""
                    rows.append(
                        {
                            "transcript_id": _transcript_id(source),
                            "start": to_text(selection.start),
                            "end": to_text(selection.end),
                            "code": _code_of(by_guid, coding, source),
                            "coder": users.get(guid_key(creator), creator.strip("{}") or "unknown"),
                            "memo": selection.description or "",
                        }
                    )
        codings = pd.DataFrame(rows, columns=[*CODING_COLUMNS, "memo"])
        if not codings["memo"].astype(bool).any():
            codings = codings.drop(columns="memo")
        return codings.astype({"start": "int64", "end": "int64"})

    def case_variables(self) -> pd.DataFrame:
        """Case variables, one row per case indexed by ``transcript_id``.

        A case linked to one text source is keyed by that source's transcript id, else by the
        case name. Values are the text as written.
        """
        variables = {guid_key(v.guid): v.name for v in self.variables}
        sources = {guid_key(s.guid): _transcript_id(s) for s in self.text_sources}
        rows = {}
        for case in self.cases:
            linked = [sources.get(guid_key(guid)) for guid in case.source_refs]
            key = linked[0] if len(linked) == 1 and linked[0] else case.name or guid_key(case.guid)
            rows[key] = {variables.get(guid_key(v.variable_guid), "variable"): v.value for v in case.values}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "transcript_id"
        return frame


def _transcript_id(source: QdaTextSource) -> str:
    name = source.name or source.guid
    return re.sub(r"\.(txt|md|docx|rtf|vtt|srt)$", "", name, flags=re.IGNORECASE)


def _stored_text(source: QdaTextSource) -> str:
    if source.text is None:
        raise DataError(
            "A text source has no plain text in the project archive",
            column=f"TextSource[{source.name}].plainTextPath",
            value=source.plain_text_path,
            hint="Export the project from your QDA tool with its sources embedded.",
        )
    return source.text


def _code_of(by_guid: dict[str, str], coding: QdaCoding, source: QdaTextSource) -> str:
    try:
        return by_guid[guid_key(coding.code_guid)]
    except KeyError:
        raise DataError(
            "A coding refers to a code that is not in the codebook",
            column=f"TextSource[{source.name}].Coding[{coding.guid}]",
            value=coding.code_guid,
        ) from None


def _code_ids(codebook: Codebook | None) -> dict[str, str]:
    return {guid_key(code_guid(codebook, c.id)): c.id for c in codebook.codes} if codebook else {}


# --- XML -> objects ------------------------------------------------------------------------------


def _position(element: ET.Element, attribute: str, file: str) -> int:
    raw = element.get(attribute)
    try:
        return int(raw)  # type: ignore[arg-type]  # None raises TypeError, reported below
    except (TypeError, ValueError):
        raise DataError(
            "A selection position is not a whole number",
            file=file,
            column=f"PlainTextSelection[{element.get('guid')}].{attribute}",
            value=raw,
        ) from None


def _read_codings(parent: ET.Element, ns: str) -> list[QdaCoding]:
    out = []
    for element in parent.findall(q(ns, "Coding")):
        ref = element.find(q(ns, "CodeRef"))
        out.append(
            QdaCoding(
                guid=element.get("guid", ""),
                code_guid=ref.get("targetGUID", "") if ref is not None else "",
                creating_user=element.get("creatingUser"),
                created=element.get("creationDateTime"),
                note_refs=refs(element, "NoteRef", ns),
            )
        )
    return out


def _read_values(parent: ET.Element, ns: str) -> list[QdaValue]:
    out = []
    for element in parent.findall(q(ns, "VariableValue")):
        ref = element.find(q(ns, "VariableRef"))
        value = next((child for child in element if child.tag in {q(ns, t) for t in VALUE_TAGS}), None)
        out.append(
            QdaValue(
                variable_guid=ref.get("targetGUID", "") if ref is not None else "",
                kind=value.tag.rsplit("}", 1)[-1] if value is not None else None,
                value=(value.text or "") if value is not None else None,
            )
        )
    return out


def read_text_source(
    element: ET.Element, ns: str, text: str | None, file: str, *, check: bool = True
) -> QdaTextSource:
    """A ``TextSource``/``Note`` element as a :class:`QdaTextSource` (*text*: its decoded file).

    *check*: selections must lie inside the text. Not for notes: QualCoder writes a memo on a
    passage as a ``Note`` whose selection counts positions in the annotated source.
    """
    inline = text_of(element, "PlainTextContent", ns)
    source = QdaTextSource(
        guid=element.get("guid", ""),
        name=element.get("name"),
        text=inline if inline is not None else text,
        description=text_of(element, "Description", ns),
        inline=inline is not None,
        plain_text_path=element.get("plainTextPath"),
        rich_text_path=element.get("richTextPath"),
        codings=_read_codings(element, ns),
        note_refs=refs(element, "NoteRef", ns),
        values=_read_values(element, ns),
        **_read_attributes(element, _STAMPS),
    )
    for selection in element.findall(q(ns, "PlainTextSelection")):
        start, end = _position(selection, "startPosition", file), _position(selection, "endPosition", file)
        if check and source.text is not None and not 0 <= start <= end <= len(source.text):
            raise DataError(
                f"A selection lies outside its source ({len(source.text)} characters)",
                file=file,
                column=f"TextSource[{source.name}].PlainTextSelection[{selection.get('guid')}]",
                value=f"{start}-{end}",
            )
        source.selections.append(
            QdaSelection(
                guid=selection.get("guid", ""),
                start=start,
                end=end,
                name=selection.get("name"),
                description=text_of(selection, "Description", ns),
                codings=_read_codings(selection, ns),
                note_refs=refs(selection, "NoteRef", ns),
                **_read_attributes(selection, _STAMPS),
            )
        )
    return source


_PROJECT_ATTRIBUTES = (
    ("name", "name"),
    ("origin", "origin"),
    ("creatingUserGUID", "creating_user"),
    ("creationDateTime", "created"),
    ("modifyingUserGUID", "modifying_user"),
    ("modifiedDateTime", "modified"),
    ("basePath", "base_path"),
)


def project_from_xml(root: ET.Element, texts: dict[str, tuple[str, str, bool]], file: str) -> QdaProject:
    """The project in *root*; *texts* maps ``plainTextPath`` -> (text, encoding, bom)."""
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""

    def text_source(element: ET.Element, check: bool = True) -> QdaTextSource:
        text, encoding, bom = texts.get(element.get("plainTextPath") or "", (None, "utf-8", False))
        source = read_text_source(element, ns, text, file, check=check)
        return replace(source, encoding=encoding, bom=bom)

    codes, records, by_guid = read_codes(root.find(f"{q(ns, 'CodeBook')}/{q(ns, 'Codes')}"), ns)
    attributes = _read_attributes(root, _PROJECT_ATTRIBUTES)
    known = {attribute for attribute, _ in _PROJECT_ATTRIBUTES}
    codebook = QdaCodebook(codes, records=records, sets=[], title=attributes["name"] or "")
    project = QdaProject(
        **{**attributes, "name": attributes["name"] or ""},
        codebook=codebook,
        users=[
            QdaUser(u.get("guid", ""), u.get("name"), u.get("id"))
            for u in root.iterfind(f"{q(ns, 'Users')}/{q(ns, 'User')}")
        ],
        variables=[
            QdaVariable(
                v.get("guid", ""),
                v.get("name", ""),
                v.get("typeOfVariable", "Text"),
                text_of(v, "Description", ns),
            )
            for v in root.iterfind(f"{q(ns, 'Variables')}/{q(ns, 'Variable')}")
        ],
        cases=[
            QdaCase(
                guid=c.get("guid", ""),
                name=c.get("name"),
                description=text_of(c, "Description", ns),
                code_refs=refs(c, "CodeRef", ns),
                values=_read_values(c, ns),
                source_refs=refs(c, "SourceRef", ns),
                selection_refs=refs(c, "SelectionRef", ns),
            )
            for c in root.iterfind(f"{q(ns, 'Cases')}/{q(ns, 'Case')}")
        ],
        sources=[
            text_source(s) if s.tag == q(ns, "TextSource") else copy.deepcopy(s)
            for s in _children(root.find(q(ns, "Sources")))
        ],
        notes=[text_source(n, check=False) for n in root.iterfind(f"{q(ns, 'Notes')}/{q(ns, 'Note')}")],
        links=root.find(q(ns, "Links")),
        sets=read_sets(root.find(q(ns, "Sets")), ns),
        graphs=root.find(q(ns, "Graphs")),
        description=text_of(root, "Description", ns),
        note_refs=refs(root, "NoteRef", ns),
        extra_attributes={k: v for k, v in root.attrib.items() if k not in known},
    )
    for source in project.text_sources:
        for selection in [QdaSelection("", 0, 0, codings=source.codings), *source.selections]:
            for coding in selection.codings:
                if guid_key(coding.code_guid) not in by_guid:
                    raise DataError(
                        "A coding refers to a code that is not in the codebook",
                        file=file,
                        column=f"TextSource[{source.name}].Coding[{coding.guid}]",
                        value=coding.code_guid,
                    )
    return project


# --- objects -> XML ------------------------------------------------------------------------------


def _add_codings(parent: ET.Element, codings: list[QdaCoding]) -> None:
    for coding in codings:
        element = ET.SubElement(
            parent,
            q(NS_PROJECT, "Coding"),
            _attributes(coding, (("guid", "guid"), *_STAMPS[:2])),
        )
        ET.SubElement(element, q(NS_PROJECT, "CodeRef"), {"targetGUID": coding.code_guid})
        add_refs(element, "NoteRef", NS_PROJECT, coding.note_refs)


def _add_values(parent: ET.Element, values: list[QdaValue]) -> None:
    for value in values:
        element = ET.SubElement(parent, q(NS_PROJECT, "VariableValue"))
        ET.SubElement(element, q(NS_PROJECT, "VariableRef"), {"targetGUID": value.variable_guid})
        if value.kind is not None:
            add_text(element, value.kind, NS_PROJECT, value.value)


def text_source_element(source: QdaTextSource, tag: str) -> ET.Element:
    """The ``TextSource``/``Note`` element of *source*."""
    table = (
        ("guid", "guid"),
        ("name", "name"),
        ("richTextPath", "rich_text_path"),
        ("plainTextPath", "plain_text_path"),
        *_STAMPS,
    )
    element = ET.Element(q(NS_PROJECT, tag), _attributes(source, table))
    add_text(element, "Description", NS_PROJECT, source.description)
    if source.inline:
        add_text(element, "PlainTextContent", NS_PROJECT, source.text or "")
    for selection in source.selections:
        attributes = _attributes(selection, (("guid", "guid"), ("name", "name")))
        attributes |= {"startPosition": str(selection.start), "endPosition": str(selection.end)}
        attributes |= _attributes(selection, _STAMPS)
        selection_element = ET.SubElement(element, q(NS_PROJECT, "PlainTextSelection"), attributes)
        add_text(selection_element, "Description", NS_PROJECT, selection.description)
        _add_codings(selection_element, selection.codings)
        add_refs(selection_element, "NoteRef", NS_PROJECT, selection.note_refs)
    _add_codings(element, source.codings)
    add_refs(element, "NoteRef", NS_PROJECT, source.note_refs)
    _add_values(element, source.values)
    return element


def project_to_xml(project: QdaProject, *, language: str | None = None) -> ET.Element:
    """The ``Project`` element of *project* (children in the schema's order)."""
    language = resolve_language(language)
    root = ET.Element(
        q(NS_PROJECT, "Project"), _attributes(project, _PROJECT_ATTRIBUTES) | project.extra_attributes
    )
    if project.users:
        users = ET.SubElement(root, q(NS_PROJECT, "Users"))
        for user in project.users:
            ET.SubElement(
                users,
                q(NS_PROJECT, "User"),
                _attributes(user, (("guid", "guid"), ("name", "name"), ("id", "id"))),
            )
    if project.codebook is not None and project.codebook.codes:
        ET.SubElement(root, q(NS_PROJECT, "CodeBook")).append(
            codes_element(project.codebook, NS_PROJECT, language)
        )
    if project.variables:
        variables = ET.SubElement(root, q(NS_PROJECT, "Variables"))
        for variable in project.variables:
            element = ET.SubElement(
                variables,
                q(NS_PROJECT, "Variable"),
                {"guid": variable.guid, "name": variable.name, "typeOfVariable": variable.type},
            )
            add_text(element, "Description", NS_PROJECT, variable.description)
    if project.cases:
        cases = ET.SubElement(root, q(NS_PROJECT, "Cases"))
        for case in project.cases:
            attributes = _attributes(case, (("guid", "guid"), ("name", "name")))
            element = ET.SubElement(cases, q(NS_PROJECT, "Case"), attributes)
            add_text(element, "Description", NS_PROJECT, case.description)
            add_refs(element, "CodeRef", NS_PROJECT, case.code_refs)
            _add_values(element, case.values)
            add_refs(element, "SourceRef", NS_PROJECT, case.source_refs)
            add_refs(element, "SelectionRef", NS_PROJECT, case.selection_refs)
    if project.sources:
        sources = ET.SubElement(root, q(NS_PROJECT, "Sources"))
        for source in project.sources:
            if isinstance(source, QdaTextSource):
                sources.append(text_source_element(source, "TextSource"))
            else:
                sources.append(copy.deepcopy(source))
    if project.notes:
        notes = ET.SubElement(root, q(NS_PROJECT, "Notes"))
        for note in project.notes:
            notes.append(text_source_element(note, "Note"))
    if project.links is not None:
        root.append(copy.deepcopy(project.links))
    sets = sets_element(project.sets, NS_PROJECT, member_attribute="targetGUID")
    if sets is not None:
        root.append(sets)
    if project.graphs is not None:
        root.append(copy.deepcopy(project.graphs))
    add_text(root, "Description", NS_PROJECT, project.description)
    add_refs(root, "NoteRef", NS_PROJECT, project.note_refs)
    return root


def source_member(path: str | None, folder: str = "sources") -> str | None:
    """The archive member of an ``internal://`` path (``<folder>/<name>``), else None."""
    if path and path.startswith("internal://"):
        return f"{folder}/{path[len('internal://') :]}"
    return None


def _children(element: ET.Element | None) -> list[ET.Element]:
    return [] if element is None else [child for child in element if isinstance(child.tag, str)]
