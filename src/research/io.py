"""Reading research inputs and writing derived files safely.

Readers detect text encodings (UTF-8 with or without BOM, GBK/GB18030 exports from Chinese
Excel and survey tools) and turn every failure into a :class:`research.errors.DataError` naming
the file and what to do. Writers are atomic (temporary file, then rename) and refuse to write
under ``data/raw``.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd

from research.errors import DataError
from research.paths import is_inside_raw

#: Encodings tried, in order, when a file does not declare one. GB18030 is a superset of GBK
#: and GB2312, so it reads all three; UTF-8 is tried first because GB18030 accepts almost any
#: byte sequence and would mis-read UTF-8 text.
FALLBACK_ENCODINGS = ("utf-8-sig", "gb18030")


def detect_encoding(data: bytes, *, file: str | Path | None = None) -> str:
    r"""Return the encoding of *data*: ``utf-8-sig`` (with or without BOM) or ``gb18030``.

    UTF-16 with a BOM is recognised too. Anything else raises :class:`DataError`.

    Examples
    --------
    >>> detect_encoding("满意".encode("gbk"))
    'gb18030'
    >>> detect_encoding("\\ufeff满意".encode("utf-8"))
    'utf-8-sig'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in FALLBACK_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise DataError(
        "Cannot decode the file as UTF-8 or GBK/GB18030",
        file=file,
        hint="Re-export it as UTF-8, or declare its encoding in study.yml (files: ... encoding:).",
    )


def read_text(path: str | Path, encoding: str | None = None) -> str:
    r"""Read a text file, detecting UTF-8/UTF-8-BOM/GBK when *encoding* is not given.

    Line endings are returned exactly as stored (CRLF is not rewritten), so character offsets
    match the file; callers that need ``\n`` normalise with an offset map.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_bytes("受访者：营业厅排队太久".encode("gbk"))
    >>> read_text(p)
    '受访者：营业厅排队太久'
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError("File not found", file=path, hint="Check the path in study.yml.") from None
    except OSError as exc:
        raise DataError(f"Cannot read the file: {exc.strerror}", file=path) from None
    if encoding is None:
        encoding = detect_encoding(data, file=path)
    return decode_text(data, encoding, file=path)


def decode_text(
    data: bytes,
    encoding: str,
    *,
    file: str | Path | None,
    what: str = "file",
    hint: str = "Fix the declared encoding in study.yml or leave it out to auto-detect.",
) -> str:
    r"""*data* decoded as *encoding*, without a leading byte-order mark.

    Parameters
    ----------
    data : bytes
        The file's bytes (or the decompressed bytes of a compressed file).
    encoding : str
        The declared or detected encoding (:func:`detect_encoding`).
    file : str or Path or None
        The file named in the error.
    what : str
        What is decoded, for the message (``"file"``, ``"decompressed file"``).
    hint : str
        What to do when *data* is not in *encoding*.

    Returns
    -------
    str
        The text.

    Raises
    ------
    DataError
        *data* is not valid *encoding*, or *encoding* is unknown.

    Examples
    --------
    >>> decode_text("\ufeff满意".encode("utf-8"), "utf-8", file="t.csv")
    '满意'
    >>> decode_text("满意".encode("gbk"), "utf-8", file="t.csv")
    Traceback (most recent call last):
    ...
    research.errors.DataError: Cannot decode the file as utf-8: ... [file t.csv]. ...
    """
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DataError(f"Cannot decode the {what} as {encoding}: {exc}", file=file, hint=hint) from None
    return text.removeprefix("\ufeff")


def read_yaml(path: str | Path, *, what: str = "file", hint: str | None = None) -> Any:
    """Parse a YAML file (encoding detected as in :func:`read_text`); syntax errors name the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "study.yml"
    >>> _ = p.write_text("name: [unclosed", encoding="utf-8")
    >>> try:
    ...     read_yaml(p, what="study.yml")
    ... except DataError as error:
    ...     print(error.message, error.row)
    study.yml is not valid YAML: expected ',' or ']', but got '<stream end>' 1
    """
    import yaml

    try:
        return yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(
            f"{what} is not valid YAML: {getattr(exc, 'problem', exc)}",
            file=path,
            row=mark.line + 1 if mark else None,
            hint=hint or "Check indentation and quoting around that line.",
        ) from None


def read_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    required_columns: list[str] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    r"""Read a CSV (optionally gzipped), TSV or Excel table into a DataFrame.

    CSV encodings are detected as in :func:`read_text`. Missing *required_columns* raise
    :class:`DataError` listing what is missing and what the file has. SPSS ``.sav`` files have
    their own reader in :mod:`research.survey` because value labels need the survey schema.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes("id,满意度\n1,5\n".encode("gbk"))
    >>> read_table(p).columns.tolist()
    ['id', '满意度']
    """
    path = Path(path)
    if not path.exists():
        raise DataError("File not found", file=path, hint="Check the path in study.yml.")
    if path.is_dir():
        raise DataError("Expected a table file, found a folder", file=path, hint="Name one file.")
    if path.stat().st_size == 0:
        raise DataError("The file is empty (0 bytes)", file=path, hint="Export it again.")
    suffixes = [s.lower() for s in path.suffixes]
    kind = _table_kind(suffixes, path)
    _check_content_matches(path, kind)
    try:
        if kind == "excel":
            frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, **kwargs)
        else:
            sep = "\t" if ".tsv" in suffixes else kwargs.pop("sep", ",")
            opener = gzip.open if suffixes[-1] == ".gz" else open
            with opener(path, "rb") as handle:
                head = handle.read(1 << 20)
            encoding = _checked_encoding(encoding, head, path)
            frame = pd.read_csv(path, sep=sep, encoding=encoding, **kwargs)
    except DataError:
        raise
    except TypeError as exc:  # an option the reader does not know
        raise DataError(
            f"Unknown reader option: {_option_name(exc)}",
            file=path,
            column="options",
            hint=f"Options go to pandas.read_{'excel' if kind == 'excel' else 'csv'}; check their "
            "names and values in study.yml (files: ... options:).",
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError("The file has no columns", file=path, hint="Export it again.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, KeyError, IndexError) as exc:
        raise DataError(f"Cannot parse the table: {exc}", file=path) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(f"Cannot read the table: {exc}", file=path) from None
    if frame.empty and len(frame.columns) > 0:
        raise DataError(
            "The file has a header but no data rows",
            file=path,
            hint=f"Columns found: {list(map(str, frame.columns))[:20]}. Export the data rows too.",
        )
    if required_columns:
        require_columns(frame, required_columns, file=path)
    return frame


def _table_kind(suffixes: list[str], path: Path) -> str:
    if suffixes and suffixes[-1] in (".xlsx", ".xlsm", ".xls"):
        return "excel"
    if ".csv" in suffixes or ".tsv" in suffixes or ".txt" in suffixes:
        return "text"
    raise DataError(
        f"Unsupported table format {path.suffix!r}",
        file=path,
        hint="Use .csv, .csv.gz, .tsv, .xlsx (SPSS .sav through the survey reader).",
    )


def _check_content_matches(path: Path, kind: str) -> None:
    """Refuse a file whose bytes are not what its extension says (a CSV renamed .xlsx)."""
    with open(path, "rb") as handle:
        magic = handle.read(8)
    is_zip, is_ole = magic.startswith(b"PK\x03\x04"), magic.startswith(b"\xd0\xcf\x11\xe0")
    if kind == "excel" and path.suffix.lower() != ".xls" and not is_zip:
        raise DataError(
            f"The file is named {path.suffix} but is not an Excel workbook",
            file=path,
            hint="It may be a CSV or text export renamed; give it its real extension (.csv).",
        )
    if kind == "text" and (is_zip or is_ole) and path.suffix.lower() != ".gz":
        raise DataError(
            f"The file is named {path.suffix} but is an Excel workbook or another binary file",
            file=path,
            hint="Rename it to .xlsx, or export it as CSV.",
        )


def _checked_encoding(declared: str | None, head: bytes, path: Path) -> str:
    """The encoding to read a text table with: the declared one if it fits, else the detected."""
    if declared is None:
        return _encoding_of_head(head, path)
    try:
        codecs.lookup(declared)
    except LookupError:
        raise DataError(
            f"Unknown encoding {declared!r}",
            file=path,
            column="encoding",
            value=declared,
            hint=f"The file looks like {_detected_or_unknown(head, path)}; use that, or leave "
            "encoding out to detect it.",
        ) from None
    detected = _detected_or_unknown(head, path)
    if head.startswith(b"\xef\xbb\xbf") and codecs.lookup(declared).name not in ("utf-8", "utf-8-sig"):
        raise DataError(
            f"The file starts with a UTF-8 byte-order mark but is declared {declared!r}",
            file=path,
            column="encoding",
            value=declared,
            hint="Remove encoding from study.yml (it is detected), or declare utf-8-sig.",
        )
    try:
        head.decode(declared)
    except UnicodeDecodeError:
        if len(head) < (1 << 20):  # the whole file: a real mismatch, not a cut character
            raise DataError(
                f"The file cannot be read as {declared!r}",
                file=path,
                column="encoding",
                value=declared,
                hint=f"It looks like {detected}; fix encoding in study.yml or leave it out.",
            ) from None
    return declared


def _detected_or_unknown(head: bytes, path: Path) -> str:
    try:
        return _encoding_of_head(head, path)
    except DataError:
        return "neither UTF-8 nor GBK"


def _option_name(exc: TypeError) -> str:
    text = str(exc)
    return text.split("argument", 1)[-1].strip() if "argument" in text else text


def _encoding_of_head(head: bytes, path: Path) -> str:
    # A 1 MiB head may end inside a multi-byte character; trim up to 3 bytes before deciding.
    for cut in range(4):
        try:
            return detect_encoding(head[: len(head) - cut] if cut else head, file=path)
        except DataError:
            continue
    return detect_encoding(head, file=path)


def require_columns(data: pd.DataFrame, columns: list[str], *, file: str | Path | None) -> None:
    """Raise :class:`DataError` if any of *columns* is missing from *data*.

    Parameters
    ----------
    data : DataFrame
        The table read from *file*.
    columns : list of str
        The columns it must have.
    file : str or Path or None
        The file named in the error.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], file="t.csv")
    Traceback (most recent call last):
    ...
    research.errors.DataError: Missing required column(s) ['b'] [file t.csv, column 'b']. ...
    """
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(
            f"Missing required column(s) {missing}",
            file=file,
            column=missing[0],
            hint=f"The file has columns {list(map(str, data.columns))[:30]}; rename or map them.",
        )


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (or of every file below a folder, in sorted order)."""
    path = Path(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _refuse_raw(path: Path) -> None:
    if is_inside_raw(path):
        raise DataError(
            "Refusing to write under data/raw (raw inputs are immutable)",
            file=path,
            hint="Write derived files to data/processed/ or reports/.",
        )


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to *path*; on success rename it over *path*.

    Readers never see a half-written file, and a failure leaves the old file untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_open(target) as f:
    ...     _ = f.write("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    _refuse_raw(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        # mkstemp creates 0600 files; give the result the permissions of an ordinary new file
        # so shared reports stay readable.
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str) -> Path:
    """Atomically write UTF-8 *text* to *path*; return the path."""
    with atomic_open(path, "w") as handle:
        handle.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Atomically write *data* to *path*; return the path."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def write_json(path: str | Path, obj: Any) -> Path:
    """Atomically write *obj* as pretty UTF-8 JSON (non-ASCII kept readable)."""
    return write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(value: Any) -> Any:
    # numpy scalars and pandas timestamps appear in results dicts; make them plain JSON.
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def write_table(data: pd.DataFrame, path: str | Path, **kwargs: Any) -> Path:
    """Atomically write *data* as CSV (UTF-8) or Excel, chosen by the file suffix.

    Parameters
    ----------
    data : DataFrame
        The table; its index is not written.
    path : str or Path
        Where to write (``.xlsx``: Excel, anything else: CSV); never under ``data/raw``.
    **kwargs
        Passed to :meth:`pandas.DataFrame.to_csv` or :meth:`pandas.DataFrame.to_excel`.

    Returns
    -------
    Path
        *path*.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        with atomic_open(path, "wb") as handle:
            data.to_excel(handle, index=False, **kwargs)
    else:
        with atomic_open(path, "w", newline="") as handle:
            data.to_csv(handle, index=False, **kwargs)
    return path
