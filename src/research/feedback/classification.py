"""Classification of every feedback item: codes, touchpoints, type and sentiment, at scale.

One implementation with the interview pillar: codes come from :func:`research.coding.autocode`
(the codebook's keywords and patterns, word boundaries, exclude keywords, and the negation scope
of :mod:`research.text.negation`; each item is one coding unit), sentiment from
:func:`research.coding.sentiment.score_text` (the same scorer as interview units), the type from
:func:`research.feedback.types.classify_type`. Items no code covers get no code row (they are
the ``uncoded`` row of every share table); empty texts are kept (type ``other``, no sentiment).

Scale: items are classified in chunks (identical texts of the whole stream once), on several processes
when ``workers`` > 1 (forked: the lexicons and the tokenizer are loaded once, before the fork),
with a progress bar. :func:`classify_study` streams each finished chunk to Parquet under
``data/processed/<study>/feedback/`` (written by DuckDB; a run's folder appears only when it is
complete) and reuses it while the items, the codebook and the classifier are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research.errors import DataError

if TYPE_CHECKING:
    from research.coding import Codebook
    from research.study import Study

#: Bump when the classification changes, so cached results are not reused.
CLASSIFIER_VERSION = "2"
#: Columns of the per-item labels.
LABEL_COLUMNS = ["item_id", "type", "sentiment", "sentiment_label", "n_codes"]
#: Columns of the (item, code) table.
CODE_COLUMNS = ["item_id", "code", "touchpoint", "stage"]
CHUNK_SIZE = 50_000

# The classification context of forked workers (set before the fork, inherited).
_CONTEXT: dict[str, Any] = {}


@dataclass
class Classified:
    """Result of :func:`classify`.

    Attributes
    ----------
    labels : DataFrame
        One row per item, in the items' order: ``item_id, type`` (complaint / suggestion /
        question / praise / other), ``sentiment`` (-1..1, NaN for an empty text),
        ``sentiment_label`` (negative / neutral / positive), ``n_codes``.
    codes : DataFrame
        One row per (item, code): ``item_id, code, touchpoint, stage`` (the code's touchpoint:
        of its linked touchpoints the one the item names, else the first; its stage).
    path : Path or None
        The Parquet folder the result was streamed to (None when kept in memory).
    """

    labels: pd.DataFrame
    codes: pd.DataFrame
    path: Path | None = None

    def summary(self) -> pd.DataFrame:
        """Items per feedback type and sentiment: ``type``, ``sentiment_label``, ``n``, ``coded``.

        ``coded`` counts the items with at least one code.
        """
        grouped = self.labels.assign(coded=self.labels["n_codes"] > 0).groupby(
            ["type", "sentiment_label"], observed=True, sort=True
        )
        return grouped.agg(n=("item_id", "size"), coded=("coded", "sum")).reset_index()


@dataclass(frozen=True)
class _Run:
    """How a classification runs (the keyword arguments every entry point shares)."""

    chunk_size: int = CHUNK_SIZE
    workers: int = 1
    progress: bool = True
    negation: bool = True


def _concat(parts: list[Classified]) -> Classified:
    """The chunks' labels and codes as one result (empty tables with the columns when none)."""
    labels = pd.concat([p.labels for p in parts], ignore_index=True) if parts else _empty(LABEL_COLUMNS)
    codes = pd.concat([p.codes for p in parts], ignore_index=True) if parts else _empty(CODE_COLUMNS)
    return Classified(labels=labels, codes=codes)


def _units(chunk: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "transcript_id": "feedback",
            "unit_id": np.arange(len(chunk)),
            "start": 0,
            "text": chunk["text"].to_numpy(),
        }
    )


def _code_stage(codebook: Codebook, study: Study | None) -> dict[str, str | None]:
    stage_of = {t.id: t.stage for t in study.touchpoints} if study is not None and study.has_catalog else {}
    stages = {}
    for code in codebook.codes:
        linked = [stage_of.get(t) for t in code.touchpoints if stage_of.get(t)]
        stages[code.id] = (list(code.stages) or linked or [None])[0]
    return stages


def _classify_chunk(
    chunk: pd.DataFrame, codebook: Codebook, study: Study | None = None, *, negation: bool = True
) -> Classified:
    """Classify one chunk of items (``item_id, text, language``); see :func:`classify`.

    Identical (text, language) pairs are classified once.
    """
    from research.coding import autocode
    from research.coding.sentiment import score_text, sentiment_label
    from research.feedback.types import classify_type

    text, language = _texts_and_languages(chunk)
    key = pd.MultiIndex.from_arrays([text.to_numpy(), language.to_numpy()])
    position, unique = pd.factorize(key)
    distinct = pd.DataFrame({"text": unique.get_level_values(0), "language": unique.get_level_values(1)})
    with_catalog = study if study is not None and study.has_catalog else None
    found = autocode(_units(distinct), codebook, with_catalog, negation=negation)
    found = found.drop_duplicates(["unit_id", "code"])
    if "touchpoint" not in found:
        first = {c.id: (list(c.touchpoints) or [None])[0] for c in codebook.codes}
        found["touchpoint"] = found["code"].map(first)
    stages = _code_stage(codebook, study)
    found["stage"] = (
        found["code"].map(stages)
        if "stage" not in found
        else found["stage"].fillna(found["code"].map(stages))
    )
    kinds = classify_type(distinct["text"], distinct["language"]).astype(str).to_numpy()
    scores = np.array(
        [
            score_text(t, lang, codebook) if t else np.nan
            for t, lang in zip(distinct["text"], distinct["language"], strict=True)
        ],
        dtype=float,
    )
    counts = found.groupby("unit_id").size().reindex(range(len(distinct)), fill_value=0).to_numpy()
    labels = pd.DataFrame(
        {
            "item_id": chunk["item_id"].to_numpy(),
            "type": kinds[position],
            "sentiment": scores[position],
            "sentiment_label": [sentiment_label(s) if s == s else "neutral" for s in scores[position]],
            "n_codes": counts[position].astype(int),
        }
    )
    members = pd.DataFrame(
        {"unit_id": position, "item_id": chunk["item_id"].to_numpy(), "row": range(len(chunk))}
    )
    codes = members.merge(found[["unit_id", "code", "touchpoint", "stage"]], on="unit_id")
    codes = codes.sort_values(["row", "code"], kind="stable")
    return Classified(labels, codes[CODE_COLUMNS].reset_index(drop=True))


def _worker(chunk: pd.DataFrame) -> Classified:
    return _classify_chunk(chunk, _CONTEXT["codebook"], _CONTEXT["study"], negation=_CONTEXT["negation"])


def _warm(codebook: Codebook, study: Study | None) -> None:
    """Load the lexicons and tokenizers once (forked workers inherit them)."""
    _classify_chunk(
        pd.DataFrame({"item_id": ["w1", "w2"], "text": ["还行", "fine"], "language": ["zh", "en"]}),
        codebook,
        study,
    )


def _chunks(items: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(items), size):
        yield items.iloc[start : start + size]


def _texts_and_languages(items: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    text = items["text"].fillna("").astype(str).str.strip()
    language = (
        items["language"].fillna("zh").astype(str) if "language" in items else pd.Series("zh", items.index)
    )
    return text, language


def classify_stream(
    data: pd.DataFrame,
    codebook: Codebook,
    study: Study | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    workers: int = 1,
    progress: bool = True,
    negation: bool = True,
) -> Iterator[Classified]:
    """Classified chunks of the items *data*, in order (see :func:`classify` for the parameters).

    Identical (text, language) pairs of the whole stream are classified once ("很好", "满意"
    recur by the thousand in real feedback): the distinct texts are classified in chunks (in
    parallel with *workers*), then every chunk of *data* is assembled from them.

    Yields
    ------
    Classified
        The labels and codes of each chunk of *data*.
    """
    return _stream(data, codebook, study, _Run(chunk_size, workers, progress, negation))


def _stream(items: pd.DataFrame, codebook: Codebook, study: Study | None, run: _Run) -> Iterator[Classified]:
    missing = [c for c in ("item_id", "text") if c not in items.columns]
    if missing:
        raise DataError(f"Feedback items lack columns {missing}", hint="Use research.feedback.load_feedback.")
    chunk_size = run.chunk_size
    if chunk_size < 1:
        raise DataError("chunk_size must be at least 1", column="chunk_size", value=chunk_size)
    return _assembled(items, codebook, study, run)


def _assembled(
    items: pd.DataFrame, codebook: Codebook, study: Study | None, run: _Run
) -> Iterator[Classified]:
    chunk_size = run.chunk_size
    text, language = _texts_and_languages(items)
    position, unique = pd.factorize(pd.MultiIndex.from_arrays([text.to_numpy(), language.to_numpy()]))
    distinct = pd.DataFrame(
        {
            "item_id": np.arange(len(unique)),
            "text": unique.get_level_values(0),
            "language": unique.get_level_values(1),
        }
    )
    classified = _concat(list(_classify_distinct(distinct, codebook, study, run)))
    labels, codes = classified.labels, classified.codes.rename(columns={"item_id": "unit"})
    item_ids = items["item_id"].to_numpy()
    for start in range(0, len(items), chunk_size):
        where = position[start : start + chunk_size]
        ids = item_ids[start : start + chunk_size]
        chunk_labels = labels.iloc[where].reset_index(drop=True).assign(item_id=ids)
        members = pd.DataFrame({"unit": where, "item_id": ids, "row": np.arange(len(ids))})
        chunk_codes = members.merge(codes.drop(columns="item_id", errors="ignore"), on="unit")
        chunk_codes = chunk_codes.sort_values(["row", "code"], kind="stable")
        yield Classified(chunk_labels[LABEL_COLUMNS], chunk_codes[CODE_COLUMNS].reset_index(drop=True))


def _classify_distinct(
    items: pd.DataFrame, codebook: Codebook, study: Study | None, run: _Run
) -> Iterator[Classified]:
    """Classified chunks of distinct texts, in order, on ``run.workers`` forked processes."""
    from tqdm.auto import tqdm

    chunk_size, negation = run.chunk_size, run.negation
    bar = tqdm(
        total=len(items), unit="texts", desc="Classifying feedback", disable=not run.progress, mininterval=1
    )
    _warm(codebook, study)
    workers = max(1, min(int(run.workers), (len(items) + chunk_size - 1) // chunk_size or 1))
    try:
        if workers == 1:
            for chunk in _chunks(items, chunk_size):
                result = _classify_chunk(chunk, codebook, study, negation=negation)
                bar.update(len(chunk))
                yield result
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _CONTEXT.update(codebook=codebook, study=study, negation=negation)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for chunk, result in zip(
                _chunks(items, chunk_size), pool.map(_worker, _chunks(items, chunk_size)), strict=True
            ):
                bar.update(len(chunk))
                yield result
    finally:
        _CONTEXT.clear()
        bar.close()


def classify(
    data: pd.DataFrame,
    codebook: Codebook,
    study: Study | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    workers: int = 1,
    progress: bool = False,
    negation: bool = True,
) -> Classified:
    """Codes, touchpoints, type and sentiment of every feedback item, in memory.

    Parameters
    ----------
    data : DataFrame
        The items: ``item_id, text`` and ``language`` (``zh``/``en``; default ``zh``), e.g. from
        :func:`research.feedback.load_feedback`.
    codebook : Codebook
        The study's codebook (keywords, patterns, exclude keywords, valences, touchpoints).
    study : Study, optional
        With a touchpoint catalog, a code linked to several touchpoints takes the one the item
        names (catalog names and synonyms), and its stage.
    chunk_size : int
        Items per chunk.
    workers : int
        Processes (1: this one). Chunks are classified in parallel on forked processes.
    progress : bool
        Show a progress bar.
    negation : bool
        Drop pain-point and delight codes inside a negation's scope (as interview auto-coding).

    Returns
    -------
    Classified

    Examples
    --------
    >>> from research.coding import Code, Codebook
    >>> book = Codebook([Code("slow", None, {"en": "Slow"}, valence="pain_point", keywords={"zh": ["慢"]})])
    >>> items = pd.DataFrame({"item_id": ["a", "b", "c"], "text": ["太慢了！", "一点都不慢，谢谢", ""],
    ...                       "language": "zh"})
    >>> result = classify(items, book)
    >>> result.labels[["item_id", "type", "sentiment_label", "n_codes"]]
      item_id       type sentiment_label  n_codes
    0       a  complaint        negative        1
    1       b     praise        positive        0
    2       c      other         neutral        0
    >>> result.codes[["item_id", "code"]]
      item_id  code
    0       a  slow
    """
    return _concat(list(_stream(data, codebook, study, _Run(chunk_size, workers, progress, negation))))


# ----------------------------------------------------------------------------------------------
# streaming to Parquet, cached by input hash
# ----------------------------------------------------------------------------------------------


def _empty(columns: list[str]) -> pd.DataFrame:
    numeric = {"sentiment": float, "n_codes": "int64"}
    return pd.DataFrame({c: pd.Series([], dtype=numeric.get(c, "str")) for c in columns})


def classification_hash(
    data: pd.DataFrame, codebook_path: str | Path | None = None, *, negation: bool = True
) -> str:
    """SHA-256 (first 16 hex digits) of what a classification depends on.

    The items' ids, texts and languages, the codebook file's bytes, the negation setting and
    :data:`CLASSIFIER_VERSION`.

    Parameters
    ----------
    data : DataFrame
        The items (``item_id``, ``text``, ``language``).
    codebook_path : path, optional
        The codebook file.
    negation : bool
        The negation setting of the classification.

    Returns
    -------
    str
        16 hexadecimal digits.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["a"], "text": ["太慢了"], "language": ["zh"]})
    >>> classification_hash(items) == classification_hash(items.copy()), len(classification_hash(items))
    (True, 16)
    """
    digest = hashlib.sha256(f"{CLASSIFIER_VERSION}|{negation}|".encode())
    columns = [c for c in ("item_id", "text", "language") if c in data.columns]
    hashed = pd.util.hash_pandas_object(data[columns].astype(str), index=False).to_numpy()
    digest.update(hashed.tobytes())
    if codebook_path is not None:
        digest.update(Path(codebook_path).read_bytes())
    return digest.hexdigest()[:16]


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import duckdb

    connection = duckdb.connect()
    try:
        connection.register("frame", frame)
        connection.execute(f"COPY frame TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
    finally:
        connection.close()


def read_parquet_folder(folder: str | Path, name: str) -> pd.DataFrame:
    """All ``<name>-*.parquet`` parts of a folder as one frame, in part order (read by DuckDB)."""
    import duckdb

    pattern = (Path(folder) / f"{name}-*.parquet").as_posix()
    connection = duckdb.connect()
    try:
        frame = connection.execute(
            f"SELECT * FROM read_parquet('{pattern}', filename = true, file_row_number = true)"
        ).df()
    finally:
        connection.close()
    frame = frame.sort_values(["filename", "file_row_number"], kind="stable")
    return frame.drop(columns=["filename", "file_row_number"]).reset_index(drop=True)


def classify_to_parquet(
    data: pd.DataFrame,
    codebook: Codebook,
    folder: str | Path,
    study: Study | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    workers: int = 1,
    progress: bool = True,
    negation: bool = True,
) -> Path:
    """Classify the items *data* chunk by chunk, each chunk written to Parquet as soon as it is done.

    The parts (``labels-00000.parquet``, ``codes-00000.parquet`` ...) go to a temporary folder
    next to *folder*, renamed to *folder* when all are written: *folder* exists only complete.

    Parameters
    ----------
    data : DataFrame
        The items; *codebook*, *study*, *chunk_size*, *workers*, *progress* and *negation* as
        for :func:`classify`.
    folder : path
        Where the parts go.

    Returns
    -------
    Path
        *folder*.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:8]}.partial"
    partial.mkdir()
    try:
        parts = 0
        for chunk in _stream(data, codebook, study, _Run(chunk_size, workers, progress, negation)):
            _write_parquet(chunk.labels, partial / f"labels-{parts:05d}.parquet")
            _write_parquet(
                chunk.codes.astype({"touchpoint": "str", "stage": "str"}).replace("None", None),
                partial / f"codes-{parts:05d}.parquet",
            )
            parts += 1
        if not parts:  # no items: empty tables, so that readers find the columns
            _write_parquet(_empty(LABEL_COLUMNS), partial / "labels-00000.parquet")
            _write_parquet(_empty(CODE_COLUMNS), partial / "codes-00000.parquet")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(partial, folder)
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    return folder


def classify_study(
    study: Study,
    items: pd.DataFrame | None = None,
    codebook: Codebook | None = None,
    *,
    cache: bool = True,
    workers: int | None = None,
    progress: bool = True,
    negation: bool = True,
) -> Classified:
    """Classify a study's feedback items, streamed to Parquet and cached by input hash.

    The result lives in ``data/processed/<study>/feedback/classified-<hash>/``; a later call
    with the same items, codebook and classifier reads it instead of classifying again.

    Parameters
    ----------
    study : Study
    items : DataFrame, optional
        Default: :func:`research.feedback.load_feedback`.
    codebook : Codebook, optional
        Default: the feedback codebook of the study.
    cache : bool
        Reuse a stored result with the same input hash.
    workers : int, optional
        Processes; default: 2 when there are more than 200,000 items and 2 cores or more, else 1.

    Examples
    --------
    >>> from research import load_study  # doctest: +SKIP
    >>> result = classify_study(load_study("sample"))  # doctest: +SKIP
    """
    from research.feedback.ingest import load_codebook_of, load_feedback
    from research.feedback.schema import codebook_file, load_feedback_section

    items = load_feedback(study) if items is None else items
    parsed = load_feedback_section(study)
    codebook_path = study.file(codebook_file(study, parsed))
    codebook = load_codebook_of(study) if codebook is None else codebook
    if workers is None:
        workers = 2 if len(items) > 200_000 and (os.cpu_count() or 1) >= 2 else 1
    folder = (
        study.processed_dir
        / "feedback"
        / f"classified-{classification_hash(items, codebook_path, negation=negation)}"
    )
    if not (cache and (folder / "labels-00000.parquet").exists()):
        classify_to_parquet(
            items, codebook, folder, study, workers=workers, progress=progress, negation=negation
        )
    labels = read_parquet_folder(folder, "labels")
    codes = read_parquet_folder(folder, "codes")
    if len(labels) != len(items) or not labels["item_id"].astype(str).equals(items["item_id"].astype(str)):
        raise DataError(
            "The stored classification does not match the items",
            file=folder,
            hint="Delete the folder to classify again.",
        )
    return Classified(labels=labels, codes=codes, path=folder)
