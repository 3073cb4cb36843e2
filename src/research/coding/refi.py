r"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``).

For NVivo, ATLAS.ti, MAXQDA, QualCoder and other tools that implement the REFI-QDA 1.5
standard (www.qdasoftware.org).

What is written validates against the published schemas vendored in
``research/coding/schemas`` (see :func:`validate_qdc`, :func:`validate_qdpx`).

Choices
-------
* **Nothing another tool wrote is lost.** :func:`read_qdpx` reads a whole project into one
  :class:`~research.coding.refi_project.QdaProject` (users, codebook, variables, cases, sources,
  selections, codings, notes, sets, descriptions, dates, the project's name and attributes,
  GUIDs exactly as written); :func:`write_qdpx` writes it back, so
  ``write_qdpx(out, read_qdpx(src))`` gives the XML of *src* up to attribute order and
  whitespace. Kinds of content the workbench does not use (picture, PDF, audio and video
  sources, links, graphs, rich-text files) are kept as read and written back unchanged.
  :func:`read_qdc` / :func:`write_qdc` do the same for codebooks (codes and sets).
* **GUIDs.** Codes, sources, selections and codings read from a file keep their GUIDs, so
  re-importing into the original tool updates them instead of duplicating them. Objects the
  workbench creates get UUID-5 GUIDs of stable keys (code id, coder, span), no timestamps, so
  the same input gives byte-identical files.
* **Our fields.** REFI-QDA codes have one name, a description and a colour. Descriptions are
  written verbatim. The workbench's other fields (id, both names, valence, touchpoints, stages,
  keyword and regex rules) travel in a ``<?touchpoint-workbench {...}?>`` processing
  instruction inside the ``Code`` element, which the schemas allow and other tools ignore
  (:mod:`research.coding.refi_codes`). Codes from other tools get an id made from their name.
  A tool that re-exports drops the instruction but keeps GUIDs:
  :func:`restore_workbench_fields` gives the codes their fields back from the codebook the
  workbench exported.
* **Positions.** ``startPosition``/``endPosition`` count Unicode code points from 0, end
  exclusive (REFI-QDA). Sources are kept as stored (BOM and encoding remembered, CRLF kept), so
  positions stay valid on a round trip; the workbench views (``project.transcripts``,
  ``project.codings``) normalise CRLF to ``\n`` and shift every position accordingly. Text
  given inline as ``PlainTextContent`` reaches us with LF line ends (XML parsers normalise
  them), so positions there count the LF text.
* **Redaction.** Exchange between coders needs the full text, so the default is ``redact=False``.
  ``redact=True`` (for sharing a project outside the team) writes redacted sources
  (:func:`research.privacy.redact`) and maps every selection through the redaction: a span that
  starts or ends inside a masked item snaps to the mask's edge.
* **Coders.** Each coder is a REFI-QDA ``User``; a coding's coder is its ``creatingUser``.
  Selections carry the coding memo as their ``Description``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from research.coding.codebook import Codebook
from research.coding.codings import CODING_COLUMNS
from research.coding.refi_codes import (
    QdaCodebook,
    code_guid,
    codes_element,
    q,
    read_codes,
    read_sets,
    sets_element,
    stable_guid,
)
from research.coding.refi_codes import (
    restore_workbench_fields as restore_workbench_fields,  # re-exported
)
from research.coding.refi_project import (
    NS_PROJECT as NS_PROJECT,  # re-exported
)
from research.coding.refi_project import (
    QdaCase,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaTextSource,
    QdaUser,
    QdaValue,
    QdaVariable,
    project_from_xml,
    project_to_xml,
    source_member,
)
from research.coding.transcripts import Transcript
from research.errors import DataError
from research.io import atomic_open, detect_encoding
from research.privacy import PersonalData, find_personal_data
from research.wording import resolve_language

NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
ORIGIN = "Touchpoint Workbench (research)"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_BOM = b"\xef\xbb\xbf"


def _xml_bytes(root: ET.Element) -> bytes:
    ET.register_namespace("", root.tag[1:].split("}")[0])
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _parse_xml(data: bytes, file: str | Path) -> ET.Element:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_pis=True))
    try:
        return ET.fromstring(data, parser=parser)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise DataError(f"Not well-formed XML: {exc}", file=file, row=line) from None


def _namespace(root: ET.Element) -> str:
    return root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""


# --- codebook (.qdc) -----------------------------------------------------------------------------


def write_qdc(path: str | Path, codebook: Codebook, *, language: str | None = None) -> Path:
    """Write *codebook* as a REFI-QDA codebook file (``.qdc``).

    A codebook read with :func:`read_qdc` or :func:`read_qdpx` is written back with its GUIDs,
    names, colours, descriptions, sets and origin as read (codes changed since are written from
    their fields).

    Parameters
    ----------
    path : str or Path
    codebook : Codebook
    language : {"zh", "en"}, optional
        Language of the names of codes the workbench wrote (the other names travel in the
        workbench's processing instruction). None is the report's language.

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
    language = resolve_language(language)
    if isinstance(codebook, QdaCodebook):
        origin, extra, code_sets = codebook.origin, codebook.extra_attributes, codebook.sets
    else:
        origin, extra, code_sets = ORIGIN, {}, []
    attributes = {"origin": origin} if origin is not None else {}
    attributes |= extra
    root = ET.Element(q(NS_CODEBOOK, "CodeBook"), attributes)
    root.append(codes_element(codebook, NS_CODEBOOK, language, notes=False))
    sets = sets_element(code_sets, NS_CODEBOOK, member_attribute="guid")
    if sets is not None:
        root.append(sets)
    with atomic_open(path, "wb") as handle:
        handle.write(_xml_bytes(root))
    return Path(path)


def read_qdc(path: str | Path) -> QdaCodebook:
    """Read a REFI-QDA codebook (``.qdc``) written by any tool (see the module notes on ids).

    Returns a :class:`~research.coding.refi_codes.QdaCodebook`: a :class:`Codebook` that also
    keeps each code's GUID and attributes as written, the code sets and the file's origin.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.qdc"
    >>> _ = p.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    ...     '<Code guid="d9b3ef7c-7a4c-4a0c-9f3c-7c1d0f1a2b3c" name="Long wait" isCodable="true"/>'
    ...     '</Codes></CodeBook>')
    >>> cb = read_qdc(p)
    >>> cb.codes[0].id, cb.guid("long_wait")
    ('long_wait', 'd9b3ef7c-7a4c-4a0c-9f3c-7c1d0f1a2b3c')
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise DataError("Cannot read the codebook file", file=path, hint="Check the path.") from None
    root = _parse_xml(data, path)
    ns = _namespace(root)
    if root.tag != q(ns, "CodeBook"):
        raise DataError("Not a REFI-QDA codebook (root element must be CodeBook)", file=path, value=root.tag)
    codes, records, _ = read_codes(root.find(q(ns, "Codes")), ns)
    sets = read_sets(root.find(q(ns, "Sets")), ns)
    extra = {k: v for k, v in root.attrib.items() if k != "origin"}
    return QdaCodebook(
        codes,
        records=records,
        sets=sets,
        origin=root.get("origin"),
        extra_attributes=extra,
        title=path.stem,
        path=path,
    )


# --- project (.qdpx) -----------------------------------------------------------------------------


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


def _check_codings(codings: pd.DataFrame, by_id: dict[str, Transcript], codebook: Codebook) -> None:
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


def _case_parts(cases: pd.DataFrame, transcript_ids: list[str]) -> tuple[list[QdaVariable], list[QdaCase]]:
    rows = cases[cases.index.astype(str).isin(transcript_ids)]
    if rows.empty:
        return [], []
    columns = [str(c) for c in rows.columns]
    variables = [QdaVariable(stable_guid("variable", c), c, "Text") for c in columns]
    out = []
    for case_id, row in sorted(rows.iterrows(), key=lambda item: str(item[0])):
        values = [
            QdaValue(stable_guid("variable", column), "TextValue", str(value))
            for column, value in zip(columns, row.tolist(), strict=True)
            if not pd.isna(value)
        ]
        out.append(
            QdaCase(
                stable_guid("case", case_id),
                str(case_id),
                values=values,
                source_refs=[stable_guid("source", case_id)],
            )
        )
    return variables, out


def project_from_workbench(
    transcripts: Iterable[Transcript],
    codebook: Codebook,
    codings: pd.DataFrame | None = None,
    *,
    redact: bool = False,
    redact_names: Iterable[str] = (),
    project_name: str = "Touchpoint Workbench project",
    cases: pd.DataFrame | None = None,
) -> QdaProject:
    r"""A :class:`QdaProject` of the workbench's transcripts, codebook, codings and cases.

    Parameters are those of :func:`write_qdpx`. GUIDs are stable: a code read from a file keeps
    its GUID (:class:`~research.coding.refi_codes.QdaCodebook`), everything else gets a UUID-5
    of its key (transcript id, coder, span), so the same input gives the same project.

    Examples
    --------
    >>> from research.coding import codebook_from_dict, transcript_from_text
    >>> texts = [transcript_from_text("A: On hold for ages.", "en01")]
    >>> codebook = codebook_from_dict({"codes": [{"id": "wait", "name": {"en": "Long wait"}}]})
    >>> spans = pd.DataFrame({"transcript_id": ["en01"], "start": [3], "end": [20], "code": ["wait"],
    ...                       "coder": ["A"]})
    >>> project = project_from_workbench(texts, codebook, spans)
    >>> [u.name for u in project.users], project.sources[0].selections[0].start
    (['A'], 3)
    >>> project_from_workbench(texts, codebook, spans).sources[0].guid == project.sources[0].guid
    True
    """
    transcripts = sorted(transcripts, key=lambda t: t.id)
    codings = codings if codings is not None else pd.DataFrame(columns=CODING_COLUMNS)
    _check_codings(codings, {t.id: t for t in transcripts}, codebook)
    redact_names = list(redact_names)
    coders = sorted(codings["coder"].astype(str).unique()) if len(codings) else []
    users = [QdaUser(stable_guid("user", coder), coder) for coder in coders]
    has_memo = "memo" in codings.columns
    sources: list[QdaTextSource | ET.Element] = []
    for transcript in transcripts:
        items = find_personal_data(transcript.text, redact_names) if redact else []
        source_text = _redacted(transcript.text, items)
        guid = stable_guid("source", transcript.id)
        source = QdaTextSource(guid, transcript.id, source_text, plain_text_path=f"internal://{guid}.txt")
        groups: dict[tuple[int, int, str, str], list[str]] = {}
        for row in codings[codings["transcript_id"] == transcript.id].itertuples(index=False):
            memo = str(row.memo) if has_memo and isinstance(row.memo, str) else ""
            groups.setdefault((int(row.start), int(row.end), str(row.coder), memo), []).append(str(row.code))
        for number, ((start, end, coder, memo), codes) in enumerate(sorted(groups.items())):
            new_start = _shift_position(start, items, is_end=False)
            new_end = max(_shift_position(end, items, is_end=True), new_start + 1)
            user = stable_guid("user", coder)
            if memo and redact:
                memo = _redacted(memo, find_personal_data(memo, redact_names))
            key = (transcript.id, start, end, coder, number)
            source.selections.append(
                QdaSelection(
                    stable_guid("selection", *key),
                    new_start,
                    new_end,
                    name=source_text[new_start:new_end][:60],
                    description=memo or None,
                    creating_user=user,
                    codings=[
                        QdaCoding(stable_guid("coding", *key, index), code_guid(codebook, code), user)
                        for index, code in enumerate(codes)
                    ],
                )
            )
        sources.append(source)
    variables, case_list = _case_parts(cases, [t.id for t in transcripts]) if cases is not None else ([], [])
    if not codebook.codes:
        raise DataError("The codebook has no codes; REFI-QDA needs at least one")
    return QdaProject(
        name=project_name,
        origin=ORIGIN,
        codebook=codebook,
        users=users,
        variables=variables,
        cases=case_list,
        sources=sources,
    )


def write_qdpx(
    path: str | Path,
    project: QdaProject | Iterable[Transcript],
    codebook: Codebook | None = None,
    codings: pd.DataFrame | None = None,
    *,
    redact: bool = False,
    redact_names: Iterable[str] = (),
    language: str | None = None,
    project_name: str = "Touchpoint Workbench project",
    cases: pd.DataFrame | None = None,
) -> Path:
    r"""Write a REFI-QDA project (``.qdpx``).

    Either a whole :class:`QdaProject` (as read by :func:`read_qdpx`: written back with
    everything it holds), or the workbench's transcripts, codebook and codings, turned into a
    project by :func:`project_from_workbench`.

    Parameters
    ----------
    path : str or Path
    project : QdaProject or list of Transcript
        A project, or transcripts: each becomes a text source named by its id whose file is
        the normalised text.
    codebook : Codebook
        Needed with transcripts.
    codings : DataFrame, optional
        Long form (:data:`research.coding.CODING_COLUMNS`, optional ``memo``).
    redact : bool
        Mask personal data in sources, selection names and memos, mapping the spans (see the
        module notes). Default False: exchange between coders keeps the text as it is.
    redact_names : iterable of str
        Names to mask when *redact* is true (study.yml ``coding.redact_names``).
    language : {"zh", "en"}, optional
        Language of the names of codes the workbench wrote. None is the report's language.
    project_name : str
    cases : DataFrame, optional
        Case attributes indexed by transcript id (:func:`research.coding.load_cases`); written
        as REFI-QDA text variables and one case per transcript linked to its source.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from research.coding.codebook import codebook_from_dict
    >>> from research.coding.transcripts import transcript_from_text
    >>> t = transcript_from_text("Q: Hotline?\nA: On hold for ages.", "en01")
    >>> cb = codebook_from_dict({"codes": [{"id": "wait", "name": {"en": "Long wait"}}]})
    >>> c = pd.DataFrame({"transcript_id": ["en01"], "start": [15], "end": [32], "code": ["wait"],
    ...                   "coder": ["A"]})
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> p = write_qdpx(folder / "p.qdpx", [t], cb, c)
    >>> project = read_qdpx(p)
    >>> project.codings[["start", "end", "code", "coder"]].values.tolist()
    [[15, 32, 'wait', 'A']]
    >>> again = write_qdpx(folder / "again.qdpx", project)  # a round trip
    >>> read_qdpx(again).sources[0].guid == project.sources[0].guid
    True
    """
    language = resolve_language(language)
    if isinstance(project, QdaProject):
        if redact:
            raise DataError(
                "redact=True applies to transcripts, not to a whole project read from a file",
                hint="Pass project.transcripts, project.codebook and project.codings instead.",
            )
    else:
        if codebook is None:
            raise DataError("write_qdpx needs the codebook with the transcripts")
        project = project_from_workbench(
            project,
            codebook,
            codings,
            redact=redact,
            redact_names=redact_names,
            project_name=project_name,
            cases=cases,
        )
    files = dict(project.files)
    for source in [*project.text_sources, *project.notes]:
        member = source_member(source.plain_text_path, project.source_folder)
        if member and not source.inline and source.text is not None:
            files[member] = (_BOM if source.bom else b"") + source.text.encode(source.encoding)
    with atomic_open(path, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        qde = _xml_bytes(project_to_xml(project, language=language))
        for name, data in [(project.qde_name, qde), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return Path(path)


def _archive_texts(
    root: ET.Element, archive: zipfile.ZipFile, folder: str, file: Path
) -> dict[str, tuple[str, str, bool]]:
    """Decoded text of every ``internal://`` plain-text file: path -> (text, encoding, bom)."""
    ns = _namespace(root)
    texts: dict[str, tuple[str, str, bool]] = {}
    for element in [*root.iter(q(ns, "TextSource")), *root.iter(q(ns, "Note"))]:
        plain_path = element.get("plainTextPath") or ""
        member = source_member(plain_path, folder)
        if member is None or element.find(q(ns, "PlainTextContent")) is not None:
            continue
        try:
            data = archive.read(member)
        except KeyError:
            raise DataError(
                "A text source is missing from the project archive",
                file=file,
                column=f"{element.tag.rsplit('}', 1)[-1]}[{element.get('name')}].plainTextPath",
                value=plain_path,
                hint="Re-export the project with its sources embedded.",
            ) from None
        encoding = detect_encoding(data, file=f"{file}!{member}")
        bom = data.startswith(_BOM)
        text = data.decode(encoding).removeprefix("\ufeff")
        texts[plain_path] = (text, "utf-8" if encoding == "utf-8-sig" else encoding, bom)
    return texts


def read_qdpx(
    path: str | Path,
    *,
    language: str | None = None,
    speaker_patterns: Sequence[dict[str, str]] | None = None,
) -> QdaProject:
    """Read a whole REFI-QDA project (``.qdpx``) into one :class:`QdaProject`.

    Parameters
    ----------
    path : str or Path
    language : {"zh", "en"}, optional
        Language of the transcripts (detected per source when omitted).
    speaker_patterns : list of dict, optional
        Extra speaker labels for splitting sources into turns.

    Returns
    -------
    QdaProject
        Everything the file holds (see the module notes), with the workbench's views:
        ``project.transcripts`` (named by the sources' names, suffix dropped),
        ``project.codebook`` and ``project.codings`` (long form, positions into the normalised
        text, coder = the user name of the coding's creator). Unpacking it gives
        ``transcripts, codebook, codings``.

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
        names = archive.namelist()
        qde = [n for n in names if n.lower().endswith(".qde") and "/" not in n]
        if not qde:
            raise DataError("The archive has no project.qde", file=path, hint="Is this a REFI-QDA project?")
        root = _parse_xml(archive.read(qde[0]), f"{path}!{qde[0]}")
        if root.tag != q(_namespace(root), "Project"):
            raise DataError(
                "Not a REFI-QDA project (root element must be Project)", file=path, value=root.tag
            )
        # Tools name the folder "sources" (the standard) or "Sources" (QualCoder's importer checks both).
        folder = next((n.split("/")[0] for n in names if n.lower().startswith("sources/")), "sources")
        texts = _archive_texts(root, archive, folder, path)
        consumed = {source_member(p, folder) for p in texts}
        files = {
            n: archive.read(n) for n in names if n != qde[0] and n not in consumed and not n.endswith("/")
        }
    project = project_from_xml(root, texts, f"{path}!{qde[0]}")
    if project.codebook is not None:
        project.codebook.path = path
    project.files, project.source_folder, project.qde_name = files, folder, qde[0]
    project.language, project.speaker_patterns = language, speaker_patterns
    return project


def read_qdpx_cases(path: str | Path) -> pd.DataFrame:
    r"""Case variables of a REFI-QDA project, one row per case, indexed by ``transcript_id``.

    The same as ``read_qdpx(path).case_variables()``: a case linked to one source is keyed by
    that source's name (suffix dropped), else by the case name. Values are returned as text.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from research.coding import codebook_from_dict, transcript_from_text
    >>> cases = pd.DataFrame({"region": ["east"]}, index=pd.Index(["zh01"], name="transcript_id"))
    >>> texts, codes = [transcript_from_text("A: Hello", "zh01")], [{"id": "x", "name": {"en": "X"}}]
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> p = write_qdpx(folder / "p.qdpx", texts, codebook_from_dict({"codes": codes}), cases=cases)
    >>> read_qdpx_cases(p).loc["zh01", "region"]
    'east'
    """
    return read_qdpx(path).case_variables()


# --- schema validation ---------------------------------------------------------------------------


def _validate(data: bytes, schema_file: str, file: str | Path) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(SCHEMA_DIR / schema_file))
    errors = list(schema.iter_errors(data.decode("utf-8-sig")))
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
    """Raise :class:`DataError` unless the project inside *path* validates.

    The schema is REFI-QDA's project schema (``Project-mrt2019.xsd``).
    """
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
        _validate(archive.read(name), "Project-mrt2019.xsd", f"{path}!{name}")
