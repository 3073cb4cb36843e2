"""Sample part: interview transcripts, respondents, codebook and two coders' codings.

Twenty-four interviews (16 Chinese, 8 English) about the touchpoints of the 5G-upgrade and
number-porting story. Each transcript is assembled from the sentence banks of
:mod:`research.sample.interview_texts`: the generator decides per respondent which codes they
mention how often (planted prevalence), then writes the turns. Coder A's codings are the planted
truth (the "reference" coding of all transcripts); coder B codes a subset of ten with realistic
disagreement (missed codes, confusions with a sibling code, shifted span boundaries, extra
codes). Offsets are code points into the text as :func:`research.coding.read_transcript`
returns it (CRLF normalised to LF, BOM dropped); the generator reads every file back with that
reader to find them, so they are exact for every format.

Formats are mixed on purpose: UTF-8 ``.txt`` (some with BOM, some CRLF), GBK ``.txt``, one
``.docx``, one ``.md``, one WebVTT ``.vtt``; English transcripts use ``Interviewer:``/
``Respondent:`` or ``Q:``/``A:`` labels. A few transcripts carry planted personal data (a mobile
number, e-mail addresses, a resident ID number with a valid GB 11643 check digit, a bank card
number with a valid Luhn digit, staff names) and one 18-digit order number whose check digit is
wrong (not an ID), for redaction tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

from research.sample import story
from research.sample.interview_texts import (
    BANKS,
    CLOSING,
    CODES,
    FILLER,
    FOLLOW_UP,
    NEGATED,
    OPENING,
    QUESTIONS,
    codebook_yaml_dict,
)
from research.sample.parts import SampleContext, SamplePart

N_TRANSCRIPTS = 24
ZH_SHARE = 16 / 24
SUBFOLDER = "interviews"

#: Planted prevalence: code -> (respondents mentioning it out of 24, mean mentions per mentioning
#: respondent). The four main pain points of story.MAIN_PAIN_POINTS come first, in order.
PREVALENCE: dict[str, tuple[int, float]] = {
    "hotline_wait": (20, 2.5),
    "bill_shock": (16, 2.0),
    "install_missed": (12, 1.6),
    "porting_obstruction": (9, 1.5),
    "store_queue": (7, 1.0),
    "app_glitch": (6, 1.0),
    "sales_pushy": (5, 1.0),
    "bill_unclear": (4, 1.0),
    "ad_misleading": (3, 1.0),
    "app_self_service": (12, 1.5),
    "store_staff_helpful": (10, 1.4),
    "package_value": (7, 1.0),
    "hotline_helpful": (6, 1.0),
    "wechat_service": (5, 1.0),
    "sms_reminder": (4, 1.0),
    "porting_smooth": (3, 1.0),
    "ad_awareness": (8, 1.0),
    "website_info": (6, 1.0),
    "price_comparison": (6, 1.0),
}
#: Codes told in the same breath as another code (companion -> (primary, respondents)): they are
#: given to respondents who mention the primary and written into the same turn (co-occurrence).
COMPANIONS: dict[str, tuple[str, int]] = {
    "work_order_slow": ("install_missed", 5),
    "installer_professional": ("install_missed", 5),
    "complaint_slow": ("hotline_wait", 5),
}
#: Journey order of interview topics; a code's topic is its first touchpoint if the interviewer
#: asks about it, else its first stage.
TOPIC_ORDER = [
    "awareness",
    "consideration",
    "decision",
    "store",
    "number_porting",
    "purchase",
    "app",
    "bill",
    "home_install",
    "hotline",
    "after-sales",
]
#: Staff names planted in transcripts; listed in coding.redact_names.
STAFF_NAMES = ["王建国", "李娜", "Kevin Zhou"]
#: Transcripts coded by coder B as well (the agreement subset).
DOUBLE_CODED = ["R01", "R02", "R03", "R04", "R05", "R06", "R07", "R17", "R18", "R19"]
#: Coder B's planted deviations from coder A, as probabilities per coding.
CODER_B_NOISE = {"miss": 0.07, "confuse": 0.06, "shift": 0.25, "extra": 0.05}

ZH_PREFIXES = ["", "", "", "说实话，", "还有就是，", "对，", "而且"]
EN_PREFIXES = ["", "", "", "Honestly, ", "Also, ", "Well, "]


def resident_id(seed17: str) -> str:
    """A GB 11643-1999 resident ID number: 17 digits plus the ISO 7064 MOD 11-2 check character.

    The example is the one printed in the standard (GB 11643-1999, appendix):

    >>> resident_id("11010519491231002")
    '11010519491231002X'
    """
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(seed17, weights, strict=True))
    return seed17 + "10X98765432"[total % 11]


def luhn_number(stem: str) -> str:
    """*stem* plus its Luhn check digit (bank card numbers).

    The example is the usual one (ISO/IEC 7812-1 Annex B; Wikipedia "Luhn algorithm"):

    >>> luhn_number("7992739871")
    '79927398713'
    """
    total = 0
    for position, digit in enumerate(reversed(stem)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return stem + str((10 - total % 10) % 10)


VALID_ID = resident_id("44030419900101123")
INVALID_ID = VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2")  # wrong check digit: an order number
BANK_CARD = luhn_number("622202100112345678")
#: Planted personal data: transcript id -> (code whose first sentence it follows, sentence).
PERSONAL_DATA = {
    "R02": ("bill_shock", "我手机号是13812345678，你们可以查一下。"),
    "R04": ("install_missed", "那个装维师傅叫王建国，电话一直不接。"),
    "R05": ("bill_shock", f"扣款的银行卡是{BANK_CARD}，我都截图了。"),
    "R08": ("porting_obstruction", f"我把身份证号{VALID_ID}报了三遍还是说信息不符。"),
    "R10": ("hotline_wait", "后来我发邮件到zhangwei_sh@example.com也没人理。"),
    "R12": ("store_queue", f"排队小票上写的订单号是{INVALID_ID}。"),
    "R14": ("app_self_service", "营业厅的李娜教我用的。"),
    "R17": (
        "install_missed",
        "The technician, Kevin Zhou, gave me his number 13987654321 but never answered.",
    ),
    "R21": ("bill_shock", "I emailed the details to billing-help@example.com twice."),
}
#: File formats by transcript id (default: UTF-8 .txt with LF).
FORMATS = {
    "R03": "txt-bom",
    "R05": "txt-gbk",
    "R07": "txt-crlf",
    "R09": "txt-gbk-crlf",
    "R11": "docx",
    "R13": "md",
    "R15": "txt-alt-labels",
    "R18": "txt-qa",
    "R20": "vtt",
    "R22": "txt-bom-crlf",
}


def generate(ctx: SampleContext) -> SamplePart:
    """Write the interview files under ``ctx.out/interviews`` and describe them."""
    rng = ctx.rng("interviews")
    n = max(4, round(N_TRANSCRIPTS * ctx.scale))
    ids = [f"R{i + 1:02d}" for i in range(n)]
    n_zh = max(2, round(n * ZH_SHARE))
    languages = {tid: ("zh" if i < n_zh else "en") for i, tid in enumerate(ids)}
    mentions = _plant_mentions(ids, rng)
    folder = ctx.out / SUBFOLDER
    transcripts_dir = folder / "transcripts"
    transcripts_dir.mkdir(parents=True, exist_ok=True)
    for stale in transcripts_dir.iterdir():
        stale.unlink()

    coder_a: list[dict] = []
    for tid in ids:
        turns, coded = _compose(tid, languages[tid], mentions[tid], rng)
        path = _write_transcript(transcripts_dir, tid, languages[tid], turns)
        coder_a += _locate(path, tid, coded)
    coder_b = _coder_b([c for c in coder_a if c["transcript_id"] in DOUBLE_CODED], rng)

    respondents = _respondents(ids, languages, rng)
    _write_csv(folder / "respondents.csv", respondents)
    _write_csv(folder / "codings_coder_a.csv", coder_a)
    _write_csv(folder / "codings_coder_b.csv", coder_b)
    with open(folder / "codebook.yml", "w", encoding="utf-8") as handle:
        handle.write(
            "# Sample codebook (research.coding.load_codebook format). Generated by research.sample.\n"
        )
        yaml.safe_dump(codebook_yaml_dict(), handle, allow_unicode=True, sort_keys=False, width=100)

    return SamplePart(
        name="coding",
        files={
            "transcripts": {
                "path": f"{SUBFOLDER}/transcripts",
                "role": "transcripts",
                "description": f"{n} interview transcripts (zh and en; txt, md, docx, vtt)",
            },
            "respondents": {
                "path": f"{SUBFOLDER}/respondents.csv",
                "role": "respondents",
                "description": "One row per interview: segments of the respondent",
                "options": {"id_column": "id"},
            },
            "codebook": {
                "path": f"{SUBFOLDER}/codebook.yml",
                "role": "codebook",
                "description": "Touchpoint experience codebook (6 themes, 22 codes)",
            },
            "codings_coder_a": {
                "path": f"{SUBFOLDER}/codings_coder_a.csv",
                "role": "codings",
                "description": "Coder A: reference coding of all transcripts",
            },
            "codings_coder_b": {
                "path": f"{SUBFOLDER}/codings_coder_b.csv",
                "role": "codings",
                "description": "Coder B: second coding of 10 transcripts (agreement)",
            },
        },
        runs=[
            {
                "id": "coding-zh",
                "notebook": "10_interview_coding.ipynb",
                "title": "访谈编码与痛点分析 / Interview coding and pain points",
                "parameters": {"language": "zh", "segment": "region"},
            },
            {
                "id": "coding-en",
                "notebook": "10_interview_coding.ipynb",
                "title": "Interview coding and pain points (English)",
                "parameters": {"language": "en", "segment": "region"},
            },
        ],
        section={
            "transcripts": "transcripts",
            "respondents": "respondents",
            "codebook": "codebook",
            "codings": ["codings_coder_a", "codings_coder_b"],
            "unit": "turn",
            "redact_names": STAFF_NAMES,
        },
        truths=_truths(coder_a, coder_b, n),
    )


def _plant_mentions(ids: list[str], rng: np.random.Generator) -> dict[str, Counter]:
    n = len(ids)
    mentions: dict[str, Counter] = {tid: Counter() for tid in ids}
    for code, (k24, mean) in PREVALENCE.items():
        k = max(1, round(k24 * n / N_TRANSCRIPTS))
        chosen = sorted(rng.choice(n, size=min(k, n), replace=False))
        total = round(k * mean)
        counts = np.full(len(chosen), total // len(chosen))
        counts[rng.choice(len(chosen), size=total % len(chosen), replace=False)] += 1
        for index, count in zip(chosen, counts, strict=True):
            mentions[ids[index]][code] = int(count)
    for code, (primary, k24) in COMPANIONS.items():
        holders = [tid for tid in ids if mentions[tid][primary]]
        k = min(len(holders), max(1, round(k24 * n / N_TRANSCRIPTS)))
        for index in sorted(rng.choice(len(holders), size=k, replace=False)):
            mentions[holders[index]][code] = 1
    return mentions


def _topic(code: str) -> str:
    entry = next(c for c in CODES if c["id"] == code)
    return entry["touchpoints"][0] if entry["touchpoints"][0] in QUESTIONS else entry["stages"][0]


def _pick(code: str, language: str, used: Counter, orders: dict, rng: np.random.Generator) -> str:
    bank = BANKS[code][language]
    if code not in orders:
        orders[code] = rng.permutation(len(bank))
    sentence = bank[orders[code][used[code] % len(bank)]]
    used[code] += 1
    return sentence


def _with_prefix(sentence: str, language: str, rng: np.random.Generator) -> str:
    prefixes = ZH_PREFIXES if language == "zh" else EN_PREFIXES
    prefix = prefixes[rng.integers(len(prefixes))]
    if prefix and language == "en" and not sentence.startswith(("I ", "I'")):
        sentence = sentence[0].lower() + sentence[1:]
    return prefix + sentence


def _compose(tid: str, language: str, mentions: Counter, rng: np.random.Generator):
    """Turns [(role, text)] and the coded pieces [(code, text)] of one interview."""
    companions = {code: primary for code, (primary, _) in COMPANIONS.items() if mentions[code]}
    by_topic: dict[str, list[str]] = {}
    for code in sorted(mentions):
        if mentions[code] and code not in companions:
            by_topic.setdefault(_topic(code), []).extend([code] * mentions[code])
    used: Counter = Counter()
    orders: dict = {}
    joiner = "" if language == "zh" else " "
    opening_q, opening_answers = OPENING[language]
    turns = [("interviewer", opening_q), ("respondent", opening_answers[rng.integers(len(opening_answers))])]
    coded: list[tuple[str, str]] = []
    negated_planted = rng.random() < 0.3
    pii = PERSONAL_DATA.get(tid)
    asked_filler = 0
    for topic in TOPIC_ORDER:
        items = list(by_topic.get(topic, []))
        if not items:
            if topic in QUESTIONS and asked_filler < 2 and rng.random() < 0.25:
                turns += [
                    ("interviewer", QUESTIONS[topic][language]),
                    ("respondent", FILLER[language][rng.integers(len(FILLER[language]))]),
                ]
                asked_filler += 1
            continue
        items = [items[i] for i in rng.permutation(len(items))]
        for position, code in enumerate(items):
            question = (
                QUESTIONS[topic][language]
                if position == 0
                else FOLLOW_UP[language][rng.integers(len(FOLLOW_UP[language]))]
            )
            pieces: list[tuple[str | None, str]] = []
            sentence = _with_prefix(_pick(code, language, used, orders, rng), language, rng)
            if pii and pii[0] == code and used[code] == 1 and _language_of(pii[1]) == language:
                sentence += joiner + pii[1]
                pii = None
            pieces.append((code, sentence))
            for companion, primary in companions.items():
                if primary == code and used[code] == 1:
                    pieces.append((companion, _pick(companion, language, used, orders, rng)))
            if topic == "hotline" and negated_planted and position == len(items) - 1:
                pieces.append((None, NEGATED[language][rng.integers(len(NEGATED[language]))]))
            turns += [("interviewer", question), ("respondent", joiner.join(text for _, text in pieces))]
            coded += [(c, text) for c, text in pieces if c]
    if pii and _language_of(pii[1]) == language:  # the code it goes with was not mentioned
        turns[1] = (turns[1][0], turns[1][1] + joiner + pii[1])
    turns += [("interviewer", CLOSING[language][0]), ("respondent", CLOSING[language][1])]
    return turns, coded


def _language_of(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def _labels(tid: str, language: str) -> dict[str, str]:
    style = FORMATS.get(tid, "")
    if style == "txt-qa":
        return {"interviewer": "Q: ", "respondent": "A: "}
    if style == "txt-alt-labels":
        return {"interviewer": "主持人：", "respondent": "用户："}
    if language == "zh":
        return {"interviewer": "访谈者：", "respondent": "受访者："}
    return {"interviewer": "Interviewer: ", "respondent": "Respondent: "}


def _write_transcript(folder: Path, tid: str, language: str, turns: list[tuple[str, str]]) -> Path:
    style = FORMATS.get(tid, "txt")
    labels = _labels(tid, language)
    if style == "docx":
        import docx

        document = docx.Document()
        fixed = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)  # no wall-clock in the output
        document.core_properties.created = document.core_properties.modified = fixed
        for role, text in turns:
            document.add_paragraph(labels[role] + text)
        path = folder / f"{tid}.docx"
        buffer = io.BytesIO()
        document.save(buffer)
        _write_stable_zip(buffer, path)
        return path
    if style == "vtt":
        cues = ["WEBVTT", ""]
        for index, (role, text) in enumerate(turns):
            start, end = index * 12, index * 12 + 11
            cues += [
                f"{index + 1}",
                f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{end // 60:02d}:{end % 60:02d}.000",
                f"<v {labels[role].strip(': ')}>{text}",
                "",
            ]
        path = folder / f"{tid}.vtt"
        path.write_text("\n".join(cues), encoding="utf-8")
        return path
    body = "\n\n".join(labels[role] + text for role, text in turns) + "\n"
    if style == "md":
        body = f"# 访谈记录 {tid}\n\n日期：2025-06-1{int(tid[1:]) % 10}\n\n" + body
        path = folder / f"{tid}.md"
    else:
        path = folder / f"{tid}.txt"
    if "crlf" in style:
        body = body.replace("\n", "\r\n")
    encoding = "gbk" if "gbk" in style else ("utf-8-sig" if "bom" in style else "utf-8")
    path.write_bytes(body.encode(encoding))
    return path


def _write_stable_zip(buffer: io.BytesIO, path: Path) -> None:
    """Rewrite a zip with fixed entry timestamps so regeneration gives identical bytes."""
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2025, 6, 1, 9, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))


def _locate(path: Path, tid: str, coded: list[tuple[str, str]]) -> list[dict]:
    """Coder A's codings: each coded piece found in the text as the reader returns it."""
    from research.coding.transcripts import read_transcript

    transcript = read_transcript(path)
    units = transcript.units("turn")
    rows, cursor = [], 0
    for code, piece in coded:
        start = transcript.text.find(piece, cursor)
        if start < 0:
            raise RuntimeError(f"generator bug: piece not found in {path.name}: {piece!r}")
        end = start + len(piece)
        cursor = start + 1
        unit = next(u for u in units if u.start <= start and end <= u.end)
        rows.append(
            {
                "transcript_id": tid,
                "start": start,
                "end": end,
                "code": code,
                "coder": "A",
                "unit_id": unit.unit_id,
                "text": piece,
            }
        )
    return rows


def _siblings(code: str) -> list[str]:
    parent = next(c["parent"] for c in CODES if c["id"] == code)
    return [c["id"] for c in CODES if c["parent"] == parent and c["id"] != code]


def _coder_b(reference: list[dict], rng: np.random.Generator) -> list[dict]:
    rows = []
    for row in reference:
        draw = rng.random()
        if draw < CODER_B_NOISE["miss"]:
            continue
        new = {**row, "coder": "B"}
        if draw < CODER_B_NOISE["miss"] + CODER_B_NOISE["confuse"]:
            siblings = _siblings(row["code"])
            new["code"] = siblings[rng.integers(len(siblings))]
        if rng.random() < CODER_B_NOISE["shift"]:
            # Boundaries a few characters off, as when selecting with the mouse; stays in the unit.
            length = row["end"] - row["start"]
            cut = int(rng.integers(1, max(2, min(4, length // 4))))
            if rng.random() < 0.5:
                new["start"] = row["start"] + cut
            else:
                new["end"] = row["end"] - cut
            new["text"] = row["text"][
                new["start"] - row["start"] : len(row["text"]) - (row["end"] - new["end"])
            ]
        rows.append(new)
        if rng.random() < CODER_B_NOISE["extra"]:
            siblings = _siblings(row["code"])
            rows.append({**new, "code": siblings[rng.integers(len(siblings))]})
    return rows


def _respondents(ids: list[str], languages: dict[str, str], rng: np.random.Generator) -> list[dict]:
    regions, tiers, channels = list(story.REGIONS), list(story.TIERS), list(story.CHANNEL_PREFERENCES)
    ages = ["18-29", "30-44", "45-59", "60+"]
    rows = []
    for tid in ids:
        rows.append(
            {
                "id": tid,
                "language": languages[tid],
                "region": regions[rng.integers(len(regions))],
                "tier": tiers[rng.choice(len(tiers), p=[0.5, 0.3, 0.2])],
                "channel_preference": channels[rng.integers(len(channels))],
                "age_band": ages[rng.choice(len(ages), p=[0.25, 0.35, 0.28, 0.12])],
                "interview_date": f"2025-06-{1 + int(tid[1:]) % 28:02d}",
            }
        )
    return rows


def _write_csv(path: Path, rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _unit_counts(rows: list[dict]) -> tuple[Counter, Counter]:
    units: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for code, _unit in {(r["code"], r["unit_id"]) for r in rows}:
        units[code] += 1
    for code, _tid in {(r["code"], r["transcript_id"]) for r in rows}:
        people[code] += 1
    return units, people


def _truths(coder_a: list[dict], coder_b: list[dict], n: int) -> str:
    units, people = _unit_counts(coder_a)
    main = [
        ("hotline", "hotline_wait"),
        ("bill", "bill_shock"),
        ("home_install", "install_missed"),
        ("number_porting", "porting_obstruction"),
    ]
    lines = [
        f"- {n} interviews (Chinese and English); coder A's reference coding of all of them is the "
        "planted truth.",
        "- Planted main pain points, most prevalent first (coded turns / respondents of "
        f"{n}, coder A): "
        + "; ".join(f"{tp} `{code}` {units[code]} / {people[code]}" for tp, code in main)
        + ".",
        f"- Order of story.MAIN_PAIN_POINTS: {[tp for tp, _ in story.MAIN_PAIN_POINTS]}; the pain-point "
        "ranking (reach x frequency x negativity) recovers it at code and at touchpoint level.",
        f"- Delights exist: app self-service `app_self_service` {units['app_self_service']} / "
        f"{people['app_self_service']}, helpful store staff `store_staff_helpful` "
        f"{units['store_staff_helpful']} / {people['store_staff_helpful']}.",
        "- Co-occurrence planted in the same turn: `install_missed` with `work_order_slow` and "
        "`installer_professional`; `hotline_wait` with `complaint_slow`.",
        f"- Coder B re-coded {len(DOUBLE_CODED)} transcripts ({', '.join(DOUBLE_CODED)}) with planted noise "
        f"per coding: miss {CODER_B_NOISE['miss']:.0%}, "
        f"sibling-code confusion {CODER_B_NOISE['confuse']:.0%}, "
        f"boundary shift {CODER_B_NOISE['shift']:.0%} (within the turn), extra sibling code "
        f"{CODER_B_NOISE['extra']:.0%}: about 89% of coder A's coded turns get the same code from B; "
        "unit-level kappa (all codes pooled) about 0.9.",
        '- A few hotline answers contain negated pain keywords ("没有等很久", "not on hold for long") '
        "that are not coded: auto-coding with a negation window drops them.",
        "- Planted personal data for redaction: mobile numbers (R02, R17), e-mails (R10, R21), a resident ID "
        f"with a valid check digit (R08), a Luhn-valid bank card (R05), staff names {STAFF_NAMES} (R04, R14, "
        "R17), and an 18-digit order number with a wrong check digit (R12) that is not an ID.",
    ]
    return "\n".join(lines)
