"""REFI-QDA codes and code sets <-> the workbench's :class:`Codebook` (used by ``refi``).

A code read from a file keeps what the file said (GUID, name, ``isCodable``, colour and
description as written, note references) in a :class:`CodeRecord`; writing an unchanged code
reproduces it verbatim. Workbench-only fields travel in an XML processing instruction
``<?touchpoint-workbench {...json...}?>`` placed first inside the ``Code`` element: schema
validation ignores processing instructions (they are not part of any content model, XML Schema
1.0 part 1, section 3.4.4) and XML readers of other tools skip them, so the user's description
is never touched. It is written only for codes whose fields cannot be read back from the
standard attributes alone.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from research.coding.codebook import Code, Codebook
from research.errors import DataError

PI_TARGET = "touchpoint-workbench"
_LEGACY_TRAILER = "[touchpoint-workbench] "
_GUID_NAMESPACE = uuid.UUID("2f0d6f38-6a43-5b52-9a1f-7d3b8c2e4a10")
_TEXT_FIELDS = ("definition", "include", "exclude", "example")


def stable_guid(*key: object) -> str:
    """UUID-5 of *key*: the GUID of an object the workbench created (same input, same GUID).

    Examples
    --------
    >>> stable_guid("code", "wait") == stable_guid("code", "wait") != stable_guid("code", "x")
    True
    """
    return str(uuid.uuid5(_GUID_NAMESPACE, "\x1f".join(map(str, key))))


def guid_key(guid: str | None) -> str:
    """A GUID as a lookup key: braces dropped, lower case (tools write both forms)."""
    return (guid or "").strip().strip("{}").lower()


def q(ns: str, tag: str) -> str:
    """The Clark name ``{ns}tag`` (just *tag* without a namespace)."""
    return f"{{{ns}}}{tag}" if ns else tag


def text_of(parent: ET.Element, tag: str, ns: str) -> str | None:
    """Text of the child *tag* (``""`` when empty), None when there is no such child."""
    child = parent.find(q(ns, tag))
    return None if child is None else (child.text or "")


def refs(parent: ET.Element, tag: str, ns: str, attribute: str = "targetGUID") -> list[str]:
    """The *attribute* of every child *tag* (``NoteRef``, ``SourceRef`` ...), as written."""
    return [child.get(attribute, "") for child in parent.findall(q(ns, tag))]


def add_text(parent: ET.Element, tag: str, ns: str, text: str | None) -> None:
    """Append ``<tag>text</tag>`` unless *text* is None."""
    if text is not None:
        ET.SubElement(parent, q(ns, tag)).text = text


def add_refs(parent: ET.Element, tag: str, ns: str, guids: list[str], attribute: str = "targetGUID") -> None:
    """Append one ``<tag targetGUID=.../>`` per GUID."""
    for guid in guids:
        ET.SubElement(parent, q(ns, tag), {attribute: guid})


@dataclass
class CodeRecord:
    """What a file said about one code, to write it back unchanged."""

    guid: str
    name: str
    is_codable: str
    color: str | None = None
    description: str | None = None
    note_refs: list[str] = field(default_factory=list)
    instruction: str | None = None
    read_as: Code | None = None


@dataclass
class QdaSet:
    """A REFI-QDA set: a named group of codes, sources and notes (GUIDs as written)."""

    guid: str
    name: str
    description: str | None = None
    member_codes: list[str] = field(default_factory=list)
    member_sources: list[str] = field(default_factory=list)
    member_notes: list[str] = field(default_factory=list)


class QdaCodebook(Codebook):
    """A :class:`Codebook` read from a REFI-QDA file.

    It remembers each code's GUID, the file's own attributes and descriptions
    (:class:`CodeRecord`), the code sets, the origin and other attributes of a ``.qdc`` root
    (``extra_attributes``, e.g. ``xsi:schemaLocation``).

    Examples
    --------
    >>> cb = QdaCodebook([Code("wait", None, {"en": "Long wait"})], records={}, sets=[])
    >>> cb.guid("wait") == stable_guid("code", "wait")
    True
    """

    def __init__(
        self,
        codes: list[Code],
        *,
        records: dict[str, CodeRecord],
        sets: list[QdaSet],
        origin: str | None = None,
        extra_attributes: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(codes, **kwargs)
        self.records = records
        self.sets = sets
        self.origin = origin
        self.extra_attributes = dict(extra_attributes or {})

    def guid(self, code_id: str) -> str:
        """The code's GUID as read, or a stable new one for codes the workbench added."""
        record = self.records.get(code_id)
        return record.guid if record else stable_guid("code", code_id)

    def code_sets(self) -> dict[str, list[str]]:
        """Set name -> ids of its member codes (members that are not codes are left out)."""
        by_guid = {guid_key(self.guid(c.id)): c.id for c in self.codes}
        return {
            s.name: [by_guid[guid_key(g)] for g in s.member_codes if guid_key(g) in by_guid]
            for s in self.sets
        }


def code_guid(codebook: Codebook, code_id: str) -> str:
    """GUID of *code_id*: as read for a :class:`QdaCodebook`, else stable from the id."""
    if isinstance(codebook, QdaCodebook):
        return codebook.guid(code_id)
    return stable_guid("code", code_id)


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return slug if slug[:1].isalpha() else ""


def _fields(instruction: str | None, description: str) -> dict[str, Any]:
    candidates = [instruction] if instruction else []
    lines = description.split("\n")
    if lines[-1].startswith(_LEGACY_TRAILER):  # files written by earlier workbench versions
        candidates.append(lines[-1][len(_LEGACY_TRAILER) :])
    for candidate in candidates:
        try:
            fields = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(fields, dict):
            return fields
    return {}


class ReadCodes(NamedTuple):
    """What :func:`read_codes` found in a REFI-QDA ``<Codes>`` element."""

    #: The codes, depth first.
    codes: list[Code]
    #: Each code's REFI-QDA record, by code id.
    records: dict[str, CodeRecord]
    #: Code id by GUID key.
    by_guid: dict[str, str]


def read_codes(codes_element: ET.Element | None, ns: str) -> ReadCodes:
    """Codes (depth first), their records and GUID key -> code id.

    Parameters
    ----------
    codes_element : Element or None
        The ``<Codes>`` element (None: no codes).
    ns : str
        The XML namespace of the file.

    Returns
    -------
    ReadCodes
        ``codes, records, by_guid``.
    """
    codes: list[Code] = []
    records: dict[str, CodeRecord] = {}
    by_guid: dict[str, str] = {}
    used: set[str] = set()

    def visit(element: ET.Element, parent: str | None) -> None:
        guid, name = element.get("guid", ""), element.get("name", "")
        description = text_of(element, "Description", ns)
        instruction = next(
            (
                child.text
                for child in element
                if child.tag is ET.ProcessingInstruction and (child.text or "").startswith(PI_TARGET + " ")
            ),
            None,
        )
        payload = instruction[len(PI_TARGET) + 1 :] if instruction else None
        fields = _fields(payload, description or "")
        if not fields:
            language = "zh" if re.search(r"[\u4e00-\u9fff]", name) else "en"
            fields = {"definition": (description or "").strip(), "name": {language: name}}
        code_id = fields.get("id") or _slug(name) or f"code_{guid_key(guid)[:8]}"
        base, counter = code_id, 2
        while code_id in used:
            code_id, counter = f"{base}_{counter}", counter + 1
        used.add(code_id)
        by_guid[guid_key(guid)] = code_id
        raw_color = element.get("color")
        color = raw_color
        if color and len(color) == 4:  # "#RGB" -> "#RRGGBB"
            color = "#" + "".join(ch * 2 for ch in color[1:])
        code = Code(
            id=code_id,
            parent=parent,
            name=dict(fields.get("name") or {"en": name}),
            definition=fields.get("definition", ""),
            include=fields.get("include", ""),
            exclude=fields.get("exclude", ""),
            example=fields.get("example", ""),
            valence=fields.get("valence", "neutral"),
            touchpoints=tuple(fields.get("touchpoints", ())),
            stages=tuple(fields.get("stages", ())),
            keywords=dict(fields.get("keywords", {})),
            exclude_keywords=dict(fields.get("exclude_keywords", {})),
            patterns=dict(fields.get("patterns", {})),
            color=color,
            codable=element.get("isCodable", "true").strip().lower() in ("true", "1"),
        )
        codes.append(code)
        records[code_id] = CodeRecord(
            guid=guid,
            name=name,
            is_codable=element.get("isCodable", "true"),
            color=raw_color,
            description=description,
            note_refs=refs(element, "NoteRef", ns),
            instruction=instruction,
            read_as=code,
        )
        for child in element.findall(q(ns, "Code")):
            visit(child, code_id)

    if codes_element is not None:
        for element in codes_element.findall(q(ns, "Code")):
            visit(element, None)
    return ReadCodes(codes, records, by_guid)


def _human_description(code: Code) -> str | None:
    parts = [code.definition] if code.definition else []
    for label, value in (("Include", code.include), ("Exclude", code.exclude), ("Example", code.example)):
        if value:
            parts.append(f"{label}: {value}")
    return "\n\n".join(parts) or None


def _workbench_fields(code: Code) -> str:
    # The codebook's YAML form of the code, less what the standard attributes carry.
    plain = dataclasses.replace(code, parent=None, color=None, codable=True)
    fields = Codebook([plain]).to_dict()["codes"][0]
    # "?>" would end the processing instruction; inside JSON strings "\u003e" reads back as ">".
    return json.dumps(fields, ensure_ascii=False, sort_keys=True).replace("?>", "?\\u003e")


def _add_code(
    parent: ET.Element, code: Code, codebook: Codebook, ns: str, language: str, notes: bool
) -> None:
    record = codebook.records.get(code.id) if isinstance(codebook, QdaCodebook) else None
    read_as = record.read_as if record else None
    unchanged = read_as == code

    def kept(attribute: str) -> bool:
        return read_as is not None and getattr(read_as, attribute) == getattr(code, attribute)

    attributes = {
        "guid": code_guid(codebook, code.id),
        "name": record.name if record and kept("name") else code.label(language),
        "isCodable": record.is_codable if record and kept("codable") else str(code.codable).lower(),
    }
    color = record.color if record and kept("color") else code.color
    if color:
        attributes["color"] = color
    element = ET.SubElement(parent, q(ns, "Code"), attributes)
    if unchanged and record is not None:
        instruction, description = record.instruction, record.description
    else:
        instruction = f"{PI_TARGET} {_workbench_fields(code)}"
        same_text = record is not None and all(kept(key) for key in _TEXT_FIELDS)
        description = record.description if record and same_text else _human_description(code)
    if instruction:
        element.append(ET.ProcessingInstruction(*instruction.split(" ", 1)))
    add_text(element, "Description", ns, description)
    if notes and record is not None:
        add_refs(element, "NoteRef", ns, record.note_refs)
    for child in codebook.children(code.id):
        _add_code(element, child, codebook, ns, language, notes)


def codes_element(codebook: Codebook, ns: str, language: str, *, notes: bool = True) -> ET.Element:
    """The ``<Codes>`` element of *codebook* (``notes``: write NoteRefs, project files only)."""
    if not codebook.codes:
        raise DataError("The codebook has no codes; REFI-QDA needs at least one")
    codes = ET.Element(q(ns, "Codes"))
    for code in codebook.children(None):
        _add_code(codes, code, codebook, ns, language, notes)
    return codes


def read_sets(sets_element: ET.Element | None, ns: str) -> list[QdaSet]:
    """The ``<Set>`` children of a ``<Sets>`` element (members' GUIDs as written)."""
    if sets_element is None:
        return []
    out = []
    for element in sets_element.findall(q(ns, "Set")):
        members = [m.get("targetGUID") or m.get("guid") or "" for m in element.findall(q(ns, "MemberCode"))]
        out.append(
            QdaSet(
                guid=element.get("guid", ""),
                name=element.get("name", ""),
                description=text_of(element, "Description", ns),
                member_codes=members,
                member_sources=refs(element, "MemberSource", ns),
                member_notes=refs(element, "MemberNote", ns),
            )
        )
    return out


def sets_element(sets: list[QdaSet], ns: str, *, member_attribute: str) -> ET.Element | None:
    """``<Sets>`` for *sets* (None when there are none: an empty ``<Sets/>`` is invalid).

    *member_attribute* is ``targetGUID`` in projects and ``guid`` in codebook files.
    """
    if not sets:
        return None
    element = ET.Element(q(ns, "Sets"))
    for item in sets:
        set_element = ET.SubElement(element, q(ns, "Set"), {"guid": item.guid, "name": item.name})
        add_text(set_element, "Description", ns, item.description)
        add_refs(set_element, "MemberCode", ns, item.member_codes, member_attribute)
        add_refs(set_element, "MemberSource", ns, item.member_sources)
        add_refs(set_element, "MemberNote", ns, item.member_notes)
    return element


def restore_workbench_fields(codebook: QdaCodebook, reference: Codebook) -> QdaCodebook:
    """Give codes a tool re-exported without the workbench's fields those fields back.

    A tool that re-exports a project drops the ``<?touchpoint-workbench?>`` instructions but
    keeps the codes' GUIDs. Each code of *codebook* whose GUID is that of a code of *reference*
    (the codebook the workbench exported) gets back its id, valence, touchpoints, stages, rules
    and other-language names; its name as the tool shows it wins. The definition, include,
    exclude and example come back when the tool kept the description the workbench wrote,
    else the tool's description is the definition. Codes the tool added stay as read.

    Examples
    --------
    >>> ours = Codebook([Code("wait", None, {"zh": "等待久", "en": "Long wait"}, valence="pain_point")])
    >>> theirs = QdaCodebook([Code("code_1", None, {"zh": "等待久"})], sets=[],
    ...     records={"code_1": CodeRecord(stable_guid("code", "wait"), "等待久", "true")})
    >>> restore_workbench_fields(theirs, ours).codes == ours.codes
    True
    """
    by_guid = {guid_key(code_guid(reference, c.id)): c for c in reference.codes}
    matches = {c.id: by_guid.get(guid_key(codebook.guid(c.id))) for c in codebook.codes}
    ids = {old: (ref.id if ref is not None else old) for old, ref in matches.items()}
    if len(set(ids.values())) < len(ids):
        raise DataError(
            "Restoring the workbench's code ids would give two codes one id",
            value=sorted(i for i in ids.values() if list(ids.values()).count(i) > 1)[0],
            hint="A code the tool added has the id of a code of the reference codebook; rename it.",
        )
    codes = []
    for code in codebook.codes:
        ref = matches[code.id]
        parent = ids.get(code.parent, code.parent) if code.parent else None
        if ref is None:
            codes.append(dataclasses.replace(code, parent=parent))
            continue
        record = codebook.records.get(code.id)
        same_text = record is None or (record.description or "").strip() == (_human_description(ref) or "")
        texts = {key: getattr(ref if same_text else code, key) for key in _TEXT_FIELDS}
        codes.append(
            dataclasses.replace(
                ref,
                parent=parent,
                name={**ref.name, **code.name},
                color=code.color,
                codable=code.codable,
                **texts,
            )
        )
    records = {ids[old]: record for old, record in codebook.records.items() if old in ids}
    return QdaCodebook(
        codes,
        records=records,
        sets=codebook.sets,
        origin=codebook.origin,
        extra_attributes=codebook.extra_attributes,
        title=codebook.title,
        version=codebook.version,
        path=codebook.path,
    )
