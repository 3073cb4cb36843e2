"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA,
QualCoder and other tools that implement the REFI-QDA 1.5 standard (www.qdasoftware.org).

What is written validates against the published schemas vendored in
``research/coding/schemas`` (see :func:`validate_qdc`, :func:`validate_qdpx`).

Choices
-------
* **Positions.** ``startPosition``/``endPosition`` count Unicode code points from 0, end
  exclusive (REFI-QDA). We write each transcript's normalised text (UTF-8, no BOM, ``\\n``
  line endings) as its source file, so positions are exactly our offsets. When reading, sources
  are decoded (BOM dropped, UTF-8 or GB18030) and positions are taken to count the text *as
  stored*; CRLF pairs are then normalised to ``\\n`` and every position is shifted accordingly,
  so codings from tools that write BOM + CRLF sources land on the same characters. Text given
  inline as ``PlainTextContent`` reaches us with LF line ends (XML parsers normalise them), so
  positions there count the LF text.
* **Redaction.** Exchange between coders needs the full text, so the default is ``redact=False``.
  ``redact=True`` (for sharing a project outside the team) writes redacted sources
  (:func:`research.privacy.redact`) and maps every selection through the redaction: a span that
  starts or ends inside a masked item snaps to the mask's edge.
* **Our fields.** REFI-QDA codes have one name, a description and a colour. The name is written
  in the chosen language; the description holds the definition, include/exclude notes and the
  example for coders to read, then one line ``[touchpoint-workbench] {...}`` with the other
  fields (id, both names, valence, touchpoints, stages, keyword and regex rules) as JSON, so a
  round trip through a tool keeps them. Codes from other tools get an id made from their name.
* **Coders.** Each coder is a REFI-QDA ``User``; a coding's coder is its ``creatingUser``.
  Selections carry the coding memo as their ``Description``.
* **Determinism.** GUIDs are UUID-5 of stable keys (code id, coder, span), no timestamps, so the
  same input gives byte-identical files.
"""

from __future__ import annotations

import bisect
import json
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from research.coding.codebook import Code, Codebook
from research.coding.codings import CODING_COLUMNS
from research.coding.transcripts import Transcript, transcript_from_text
from research.errors import DataError
from research.io import atomic_open, detect_encoding
from research.privacy import PersonalData, find_personal_data

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
ORIGIN = "Touchpoint Workbench (research)"
_TRAILER = "[touchpoint-workbench] "
_GUID_NAMESPACE = uuid.UUID("2f0d6f38-6a43-5b52-9a1f-7d3b8c2e4a10")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _guid(*key: object) -> str:
    return str(uuid.uuid5(_GUID_NAMESPACE, "\x1f".join(map(str, key))))


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


# --- codebook <-> XML ------------------------------------------------------------------------


def _code_description(code: Code) -> str:
    human = [code.definition] if code.definition else []
    for label, value in (("Include", code.include), ("Exclude", code.exclude), ("Example", code.example)):
        if value:
            human.append(f"{label}: {value}")
    fields: dict[str, Any] = {"id": code.id, "name": code.name}
    for key in ("definition", "include", "exclude", "example"):
        if getattr(code, key):
            fields[key] = getattr(code, key)
    if code.valence != "neutral":
        fields["valence"] = code.valence
    for key in ("touchpoints", "stages"):
        if getattr(code, key):
            fields[key] = list(getattr(code, key))
    for key in ("keywords", "exclude_keywords", "patterns"):
        if getattr(code, key):
            fields[key] = getattr(code, key)
    trailer = _TRAILER + json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return "\n\n".join([*human, trailer])


def _add_codes(parent: ET.Element, codebook: Codebook, parent_id: str | None, ns: str, language: str) -> None:
    for code in codebook.children(parent_id):
        attributes = {
            "guid": _guid("code", code.id),
            "name": code.label(language),
            "isCodable": "true" if code.codable else "false",
        }
        if code.color:
            attributes["color"] = code.color
        element = ET.SubElement(parent, _q(ns, "Code"), attributes)
        ET.SubElement(element, _q(ns, "Description")).text = _code_description(code)
        _add_codes(element, codebook, code.id, ns, language)


def _codes_element(codebook: Codebook, ns: str, language: str) -> ET.Element:
    if not codebook.codes:
        raise DataError("The codebook has no codes; REFI-QDA needs at least one")
    codes = ET.Element(_q(ns, "Codes"))
    _add_codes(codes, codebook, None, ns, language)
    return codes


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return slug if slug[:1].isalpha() else ""


def _read_codes(codes_element: ET.Element | None, ns: str) -> tuple[list[Code], dict[str, str]]:
    codes: list[Code] = []
    by_guid: dict[str, str] = {}
    used: set[str] = set()

    def visit(element: ET.Element, parent: str | None) -> None:
        guid = element.get("guid", "")
        name = element.get("name", "")
        description_element = element.find(_q(ns, "Description"))
        description = (description_element.text or "") if description_element is not None else ""
        fields: dict[str, Any] = {}
        lines = description.split("\n")
        if lines and lines[-1].startswith(_TRAILER):
            try:
                fields = json.loads(lines[-1][len(_TRAILER) :])
            except json.JSONDecodeError:
                fields = {}
        if not fields:
            fields = {"definition": description.strip()}
            language = "zh" if re.search(r"[\u4e00-\u9fff]", name) else "en"
            fields["name"] = {language: name}
        code_id = fields.get("id") or _slug(name) or f"code_{guid.strip('{}')[:8]}"
        base, counter = code_id, 2
        while code_id in used:
            code_id, counter = f"{base}_{counter}", counter + 1
        used.add(code_id)
        by_guid[guid.strip("{}").lower()] = code_id
        color = element.get("color")
        if color and len(color) == 4:  # "#RGB" -> "#RRGGBB"
            color = "#" + "".join(ch * 2 for ch in color[1:])
        codes.append(
            Code(
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
        )
        for child in element.findall(_q(ns, "Code")):
            visit(child, code_id)

    if codes_element is not None:
        for element in codes_element.findall(_q(ns, "Code")):
            visit(element, None)
    return codes, by_guid


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_qdc(path: str | Path, codebook: Codebook, *, language: str = "zh") -> Path:
    """Write *codebook* as a REFI-QDA codebook file (``.qdc``).

    Parameters
    ----------
    path : str or Path
    codebook : Codebook
    language : {"zh", "en"}
        Language of the code names tools show (the other names travel in the description).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from research.coding.codebook import codebook_from_dict
    >>> cb = codebook_from_dict({"codes": [{"id": "wait", "name": {"zh": "等待久", "en": "Long wait"},
    ...                                     "color": "#D55E00", "valence": "pain_point"}]})
    >>> p = write_qdc(pathlib.Path(tempfile.mkdtemp()) / "codebook.qdc", cb, language="en")
    >>> read_qdc(p).codes == cb.codes
    True
    """
    ET.register_namespace("", NS_CODEBOOK)
    root = ET.Element(_q(NS_CODEBOOK, "CodeBook"), {"origin": ORIGIN})
    root.append(_codes_element(codebook, NS_CODEBOOK, language))
    with atomic_open(path, "wb") as handle:
        handle.write(_xml_bytes(root))
    return Path(path)


def _parse_xml(data: bytes, file: str | Path) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise DataError(f"Not well-formed XML: {exc}", file=file, row=line) from None


def read_qdc(path: str | Path) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``) written by any tool (see the module notes on ids).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.qdc"
    >>> _ = p.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    ...     '<Code guid="d9b3ef7c-7a4c-4a0c-9f3c-7c1d0f1a2b3c" name="Long wait" isCodable="true"/>'
    ...     '</Codes></CodeBook>')
    >>> read_qdc(p).codes[0].id
    'long_wait'
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise DataError("Cannot read the codebook file", file=path, hint="Check the path.") from None
    root = _parse_xml(data, path)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if root.tag != _q(ns, "CodeBook"):
        raise DataError(
            "Not a REFI-QDA codebook (root element must be CodeBook)", file=path, value=root.tag
        )
    codes, _ = _read_codes(root.find(_q(ns, "Codes")), ns)
    return Codebook(codes, title=path.stem, path=path)


# --- project (.qdpx) -------------------------------------------------------------------------


def _shift_position(position: int, items: Sequence[PersonalData], *, is_end: bool) -> int:
    delta = 0
    for item in items:
        change = len(item.mask) - (item.end - item.start)
        if item.end <= position:
            delta += change
        elif item.start < position:
            return item.start + delta + (len(item.mask) if is_end else 0)
        else:
            break
    return position + delta


def _redacted(text: str, items: Sequence[PersonalData]) -> str:
    pieces, cursor = [], 0
    for item in items:
        pieces += [text[cursor : item.start], item.mask]
        cursor = item.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def write_qdpx(
    path: str | Path,
    transcripts: Iterable[Transcript],
    codebook: Codebook,
    codings: pd.DataFrame | None = None,
    *,
    redact: bool = False,
    redact_names: Iterable[str] = (),
    language: str = "zh",
    project_name: str = "Touchpoint Workbench project",
    cases: pd.DataFrame | None = None,
) -> Path:
    """Write a REFI-QDA project (``.qdpx``): codebook, coders, text sources and their codings.

    Parameters
    ----------
    path : str or Path
    transcripts : list of Transcript
        Each becomes a text source named by its id; the source file is the normalised text.
    codebook : Codebook
    codings : DataFrame, optional
        Long form (:data:`research.coding.CODING_COLUMNS`, optional ``memo``).
    redact : bool
        Mask personal data in sources, selection names and memos, mapping the spans (see the
        module notes). Default False: exchange between coders keeps the text as it is.
    redact_names : iterable of str
        Names to mask when *redact* is true (study.yml ``coding.redact_names``).
    language : {"zh", "en"}
        Language of code names.
    project_name : str
    cases : DataFrame, optional
        Case attributes indexed by transcript id (:func:`research.coding.load_cases`); written
        as REFI-QDA text variables and one case per transcript linked to its source (read them
        back with :func:`read_qdpx_cases`).

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from research.coding.codebook import codebook_from_dict
    >>> from research.coding.transcripts import transcript_from_text
    >>> t = transcript_from_text("Q: Hotline?\\nA: On hold for ages.", "en01")
    >>> cb = codebook_from_dict({"codes": [{"id": "wait", "name": {"en": "Long wait"}}]})
    >>> c = pd.DataFrame({"transcript_id": ["en01"], "start": [15], "end": [32], "code": ["wait"],
    ...                   "coder": ["A"]})
    >>> p = write_qdpx(pathlib.Path(tempfile.mkdtemp()) / "p.qdpx", [t], cb, c)
    >>> _, _, back = read_qdpx(p)
    >>> back[["start", "end", "code", "coder"]].values.tolist()
    [[15, 32, 'wait', 'A']]
    """
    transcripts = list(transcripts)
    codings = codings if codings is not None else pd.DataFrame(columns=CODING_COLUMNS)
    by_id = {t.id: t for t in transcripts}
    code_ids = set(codebook.ids)
    for position, row in enumerate(codings.itertuples(index=False)):
        if row.transcript_id not in by_id:
            raise DataError(
                "Coding of a transcript that is not exported",
                row=position + 2,
                column="transcript_id",
                value=row.transcript_id,
                hint="Pass every coded transcript to write_qdpx.",
            )
        if row.code not in code_ids:
            raise DataError("Unknown code", row=position + 2, column="code", value=row.code)
        if not 0 <= row.start < row.end <= len(by_id[row.transcript_id].text):
            raise DataError(
                "The span lies outside its transcript", row=position + 2, column="end", value=row.end
            )
    ET.register_namespace("", NS_PROJECT)
    root = ET.Element(_q(NS_PROJECT, "Project"), {"name": project_name, "origin": ORIGIN})
    coders = sorted(codings["coder"].astype(str).unique()) if len(codings) else []
    if coders:
        users = ET.SubElement(root, _q(NS_PROJECT, "Users"))
        for coder in coders:
            ET.SubElement(users, _q(NS_PROJECT, "User"), {"guid": _guid("user", coder), "name": coder})
    codebook_element = ET.SubElement(root, _q(NS_PROJECT, "CodeBook"))
    codebook_element.append(_codes_element(codebook, NS_PROJECT, language))
    if cases is not None:
        _add_cases(root, cases, [t.id for t in transcripts])
    sources_element = ET.SubElement(root, _q(NS_PROJECT, "Sources"))
    files: dict[str, bytes] = {}
    has_memo = "memo" in codings.columns
    for transcript in sorted(transcripts, key=lambda t: t.id):
        text = transcript.text
        items = find_personal_data(text, redact_names) if redact else []
        source_text = _redacted(text, items)
        source_guid = _guid("source", transcript.id)
        files[f"sources/{source_guid}.txt"] = source_text.encode("utf-8")
        source = ET.SubElement(
            sources_element,
            _q(NS_PROJECT, "TextSource"),
            {"guid": source_guid, "name": transcript.id, "plainTextPath": f"internal://{source_guid}.txt"},
        )
        rows = codings[codings["transcript_id"] == transcript.id]
        groups: dict[tuple[int, int, str, str], list[str]] = {}
        for row in rows.itertuples(index=False):
            memo = str(row.memo) if has_memo and isinstance(row.memo, str) else ""
            groups.setdefault((int(row.start), int(row.end), str(row.coder), memo), []).append(str(row.code))
        for number, ((start, end, coder, memo), codes) in enumerate(sorted(groups.items())):
            new_start = _shift_position(start, items, is_end=False)
            new_end = max(_shift_position(end, items, is_end=True), new_start + 1)
            user = _guid("user", coder)
            selection = ET.SubElement(
                source,
                _q(NS_PROJECT, "PlainTextSelection"),
                {
                    "guid": _guid("selection", transcript.id, start, end, coder, number),
                    "name": source_text[new_start:new_end][:60],
                    "startPosition": str(new_start),
                    "endPosition": str(new_end),
                    "creatingUser": user,
                },
            )
            if memo:
                memo_text = _redacted(memo, find_personal_data(memo, redact_names)) if redact else memo
                ET.SubElement(selection, _q(NS_PROJECT, "Description")).text = memo_text
            for index, code in enumerate(codes):
                coding = ET.SubElement(
                    selection,
                    _q(NS_PROJECT, "Coding"),
                    {
                        "guid": _guid("coding", transcript.id, start, end, coder, number, index),
                        "creatingUser": user,
                    },
                )
                ET.SubElement(coding, _q(NS_PROJECT, "CodeRef"), {"targetGUID": _guid("code", code)})
    with atomic_open(path, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("project.qde", _xml_bytes(root)), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return Path(path)


def _source_id(name: str) -> str:
    return re.sub(r"\.(txt|md|docx|rtf|vtt|srt)$", "", name, flags=re.IGNORECASE)


def _add_cases(root: ET.Element, cases: pd.DataFrame, transcript_ids: list[str]) -> None:
    rows = cases[cases.index.astype(str).isin(transcript_ids)]
    columns = [str(c) for c in rows.columns]
    if rows.empty:
        return
    if columns:
        variables = ET.SubElement(root, _q(NS_PROJECT, "Variables"))
        for column in columns:
            ET.SubElement(
                variables,
                _q(NS_PROJECT, "Variable"),
                {"guid": _guid("variable", column), "name": column, "typeOfVariable": "Text"},
            )
    cases_element = ET.SubElement(root, _q(NS_PROJECT, "Cases"))
    for case_id, row in sorted(rows.iterrows(), key=lambda item: str(item[0])):
        attributes = {"guid": _guid("case", case_id), "name": str(case_id)}
        case = ET.SubElement(cases_element, _q(NS_PROJECT, "Case"), attributes)
        for column, value in zip(columns, row.tolist(), strict=True):
            if pd.isna(value):
                continue
            variable_value = ET.SubElement(case, _q(NS_PROJECT, "VariableValue"))
            reference = {"targetGUID": _guid("variable", column)}
            ET.SubElement(variable_value, _q(NS_PROJECT, "VariableRef"), reference)
            ET.SubElement(variable_value, _q(NS_PROJECT, "TextValue")).text = str(value)
        ET.SubElement(case, _q(NS_PROJECT, "SourceRef"), {"targetGUID": _guid("source", case_id)})


def read_qdpx_cases(path: str | Path) -> pd.DataFrame:
    """Case variables of a REFI-QDA project, one row per case, indexed by ``transcript_id``.

    A case linked to one source is keyed by that source's name (suffix dropped), else by the
    case name. Values are returned as text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from research.coding.codebook import codebook_from_dict
    >>> from research.coding.transcripts import transcript_from_text
    >>> t = transcript_from_text("Q: Hi\\nA: Hello", "zh01")
    >>> cb = codebook_from_dict({"codes": [{"id": "x", "name": {"en": "X"}}]})
    >>> cases = pd.DataFrame({"region": ["east"]}, index=pd.Index(["zh01"], name="transcript_id"))
    >>> p = write_qdpx(pathlib.Path(tempfile.mkdtemp()) / "p.qdpx", [t], cb, cases=cases)
    >>> read_qdpx_cases(p).loc["zh01", "region"]
    'east'
    """
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
        root = _parse_xml(archive.read(name), f"{path}!{name}")
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""

    def key(guid: str | None) -> str:
        return (guid or "").strip("{}").lower()

    variables = {key(v.get("guid")): v.get("name", "") for v in root.iter(_q(ns, "Variable"))}
    sources = {key(s.get("guid")): _source_id(s.get("name", "")) for s in root.iter(_q(ns, "TextSource"))}
    rows = {}
    for case in root.iter(_q(ns, "Case")):
        refs = [sources.get(key(r.get("targetGUID"))) for r in case.findall(_q(ns, "SourceRef"))]
        case_id = refs[0] if len(refs) == 1 and refs[0] else case.get("name") or key(case.get("guid"))
        values = {}
        for value in case.findall(_q(ns, "VariableValue")):
            ref = value.find(_q(ns, "VariableRef"))
            content = next((child.text for child in value if child.tag != _q(ns, "VariableRef")), None)
            values[variables.get(key(ref.get("targetGUID")) if ref is not None else "", "variable")] = content
        rows[case_id] = values
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "transcript_id"
    return frame


def _source_text(
    source: ET.Element, archive: zipfile.ZipFile, file: Path, ns: str
) -> tuple[str, list[int]]:
    """Decoded source text as stored (BOM dropped) and the positions of CRs removed by CRLF->LF."""
    content = source.find(_q(ns, "PlainTextContent"))
    plain_path = source.get("plainTextPath")
    if content is not None and content.text is not None:
        text = content.text
    elif plain_path:
        member = plain_path
        for prefix in ("internal://", "relative://"):
            if member.startswith(prefix):
                member = "sources/" + member[len(prefix) :]
        try:
            data = archive.read(member)
        except KeyError:
            raise DataError(
                "A text source is missing from the project archive",
                file=file,
                column=f"TextSource[{source.get('name')}].plainTextPath",
                value=plain_path,
                hint="Re-export the project with its sources embedded.",
            ) from None
        text = data.decode(detect_encoding(data, file=f"{file}!{member}"))
    else:
        raise DataError(
            "A text source has no plain text",
            file=file,
            column=f"TextSource[{source.get('name')}]",
            hint="Export the project from your QDA tool with plain-text sources.",
        )
    text = text.removeprefix("\ufeff")
    removed = [m.start() for m in re.finditer("\r\n", text)]
    return text, removed


def read_qdpx(
    path: str | Path,
    *,
    language: str | None = None,
    speaker_patterns: Sequence[dict[str, str]] | None = None,
) -> tuple[list[Transcript], Codebook, pd.DataFrame]:
    """Read a REFI-QDA project (``.qdpx``): its text sources, codebook and codings.

    Parameters
    ----------
    path : str or Path
    language : {"zh", "en"}, optional
        Language of the transcripts (detected per source when omitted).
    speaker_patterns : list of dict, optional
        Extra speaker labels for splitting sources into turns.

    Returns
    -------
    (list of Transcript, Codebook, DataFrame)
        Transcripts are named by the sources' names (suffix dropped); codings in long form with
        positions into the normalised text, coder = the user name of the coding's creator.

    Raises
    ------
    DataError
        Not a zip, no ``.qde`` inside, malformed XML, a missing source, a coding of an unknown
        code, a selection outside its source.

    Examples
    --------
    See :func:`write_qdpx`.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"Not a readable .qdpx archive: {exc}", file=path, hint="Export it again.") from None
    with archive:
        qde = [n for n in archive.namelist() if n.lower().endswith(".qde") and "/" not in n]
        if not qde:
            raise DataError("The archive has no project.qde", file=path, hint="Is this a REFI-QDA project?")
        qde_label = f"{path}!{qde[0]}"
        root = _parse_xml(archive.read(qde[0]), qde_label)
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        users = {
            u.get("guid", "").strip("{}").lower(): (u.get("name") or u.get("id") or u.get("guid", ""))
            for u in root.iterfind(f"{_q(ns, 'Users')}/{_q(ns, 'User')}")
        }
        codes_element = root.find(f"{_q(ns, 'CodeBook')}/{_q(ns, 'Codes')}")
        codes, code_by_guid = _read_codes(codes_element, ns)
        codebook = Codebook(codes, title=root.get("name", path.stem), path=path)
        transcripts: list[Transcript] = []
        rows: list[dict[str, Any]] = []
        used_ids: set[str] = set()
        sources = root.find(_q(ns, "Sources"))
        for source in sources.findall(_q(ns, "TextSource")) if sources is not None else []:
            stored, removed = _source_text(source, archive, path, ns)
            name = source.get("name") or source.get("guid", "source")
            transcript_id = _source_id(name)
            if transcript_id in used_ids:
                raise DataError("Two sources share one name", file=qde_label, value=name, hint="Rename one.")
            used_ids.add(transcript_id)
            transcript = transcript_from_text(
                stored, transcript_id, language=language, speaker_patterns=speaker_patterns
            )
            transcripts.append(replace(transcript, path=None))

            def to_text(position: int, removed: list[int] = removed) -> int:
                return position - bisect.bisect_left(removed, position)

            whole = [(source, 0, len(stored))]
            selections = [
                (s, _position(s, "startPosition", qde_label), _position(s, "endPosition", qde_label))
                for s in source.findall(_q(ns, "PlainTextSelection"))
            ]
            for element, start, end in whole + selections:
                is_selection = element is not source
                if is_selection and not 0 <= start < end <= len(stored):
                    raise DataError(
                        f"A selection lies outside its source ({len(stored)} characters)",
                        file=qde_label,
                        column=f"TextSource[{name}].PlainTextSelection[{element.get('guid')}]",
                        value=f"{start}-{end}",
                    )
                description = element.find(_q(ns, "Description")) if is_selection else None
                memo = (description.text or "") if description is not None else ""
                for coding in element.findall(_q(ns, "Coding")):
                    ref = coding.find(_q(ns, "CodeRef"))
                    target = (ref.get("targetGUID", "") if ref is not None else "").strip("{}").lower()
                    if target not in code_by_guid:
                        raise DataError(
                            "A coding refers to a code that is not in the codebook",
                            file=qde_label,
                            column=f"TextSource[{name}].Coding[{coding.get('guid')}]",
                            value=target,
                        )
                    creator = (coding.get("creatingUser") or element.get("creatingUser") or "").strip("{}")
                    rows.append(
                        {
                            "transcript_id": transcript_id,
                            "start": to_text(start),
                            "end": to_text(end),
                            "code": code_by_guid[target],
                            "coder": users.get(creator.lower(), creator or "unknown"),
                            "memo": memo,
                        }
                    )
    codings = pd.DataFrame(rows, columns=[*CODING_COLUMNS, "memo"])
    if not codings["memo"].astype(bool).any():
        codings = codings.drop(columns="memo")
    codings = codings.astype({"start": "int64", "end": "int64"})
    return sorted(transcripts, key=lambda t: t.id), codebook, codings


def _position(element: ET.Element, attribute: str, file: str) -> int:
    raw = element.get(attribute)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise DataError(
            "A selection position is not a whole number",
            file=file,
            column=f"PlainTextSelection[{element.get('guid')}].{attribute}",
            value=raw,
        ) from None


# --- schema validation -----------------------------------------------------------------------


def _validate(data: bytes, schema_file: str, file: str | Path) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(SCHEMA_DIR / schema_file))
    errors = list(schema.iter_errors(data.decode("utf-8")))
    if errors:
        first = errors[0]
        raise DataError(
            f"Does not validate against the REFI-QDA schema: {first.reason}",
            file=file,
            column=getattr(first, "path", None),
            hint=f"{len(errors)} schema error(s) in total.",
        )


def validate_qdc(path: str | Path) -> None:
    """Raise :class:`DataError` unless *path* validates against the REFI-QDA codebook schema."""
    path = Path(path)
    _validate(path.read_bytes(), "Codebook.xsd", path)


def validate_qdpx(path: str | Path) -> None:
    """Raise :class:`DataError` unless the project inside *path* validates against the REFI-QDA
    project schema (``Project-mrt2019.xsd``)."""
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
        _validate(archive.read(name), "Project-mrt2019.xsd", f"{path}!{name}")
