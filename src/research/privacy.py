"""Personal data in customer text: find it, mask it, pseudonymise respondent ids.

Every text that reaches a report, or an export meant for sharing, goes through :func:`redact`.
What is masked, and with which placeholder:

==========================================================  ===========
mainland mobile numbers (``1[3-9]`` + 9 digits, ``+86``;    ``[phone]``
grouped by spaces, hyphens or dots; or written in Chinese
numerals: ``一三八…``, ``幺三八…``)
landline numbers with area code (``010-12345678``,          ``[phone]``
``(0755) 8888 8888``, ``01012345678``, ``010.6234.5678``),
``+86 10 6234 5678`` (international form, no trunk zero)
e-mail addresses                                            ``[email]``
QQ / WeChat ids after their cue words (``QQ：383161223``,    ``[account]``
``微信号: abc_123``, ``vx``, ``wx``, ``加微``)
resident ID numbers: 18 digits (grouped ``110105 19491231   ``[id]``
002X`` or not) with a plausible region and birth date,
*whatever their check digit* (a mistyped ID is still a
person's ID; :attr:`PersonalData.note` says when the check
digit fails); 15-digit first-generation IDs (region +
``YYMMDD`` + 3 digits)
bank card numbers (16-19 digits, grouped or not) with a     ``[card]``
valid Luhn digit
street addresses: road + house number (``上海赤峰路63号``,   ``[address]``
``北京市海淀区中关村大街27号``) or estate + building
(``阳光花园3栋2单元501室``), with the place names before
them
honorific names: surname + 先生/女士/小姐/老师/师傅/经理/     ``[name]``
总/阿姨… (``李先生`` -> ``[name]先生``; the honorific stays)
configured names (staff, respondents)                       ``[name]``
person names tagged ``nr`` by jieba (opt-in:                ``[name]``
``person_names=True``; jieba tags many non-names)
==========================================================  ===========

What is kept, on purpose: prices (``¥1380``, ``1380元``), dates (``2019年10月1日``,
``2019-10-01``, ``2019.10.01``), ISBNs (``978-7-111-12345-6``), service numbers (``10086``,
``95588``, ``400-810-8888``, ``800 820 8820``) and **order numbers**: a digit run right after an
order cue (订单号, 单号, 运单号, 快递单号, 流水号, 交易号, 编号, 工单号, 发票号…) is an order
number, not a card, phone or ID, unless it is an 18-digit resident ID with a *valid* check
digit. Honorifics after words rather than surnames stay (``前台小姐``, ``值班经理``, ``客房阿姨``,
``帅哥``): the candidate surname must not be the end of a dictionary word (jieba's dictionary).

Full-width digits (``１３８…``, typed with a Chinese input method) are matched like ASCII ones.
Placeholders are short lower-case ASCII words in brackets so they read the same in Chinese and
English reports. :func:`find_personal_data` returns the spans, for code (such as the REFI-QDA
export) that must map character offsets through the redaction.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from research.errors import DataError

MASKS = {
    "phone": "[phone]",
    "email": "[email]",
    "id": "[id]",
    "card": "[card]",
    "name": "[name]",
    "account": "[account]",
    "address": "[address]",
}
#: Any placeholder :func:`redact` writes (for code that strips them before counting words).
MASK_PATTERN = re.compile("|".join(re.escape(mask) for mask in MASKS.values()))

# --- numbers ---------------------------------------------------------------------------------

_SEP = r"[ .-]"  # digits may be grouped by spaces, hyphens or dots (138.1234.5678)
_NO_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_DIGIT_AFTER = r"(?![0-9])"
# A number inside a longer grouped run (6222 0212 3456 7890 123, a card failing its check) is no
# phone: phones may not start right after a four-digit group and a separator.
# A letter may precede an ID ("ID11010519491231002X"); region and birth date guard against codes.
_ID18_RE = re.compile(
    rf"(?<![0-9])\d{{6}}(?:{_SEP}?\d{{8}}|{_SEP}\d{{4}}{_SEP}\d{{4}}){_SEP}?\d{{3}}[\dXx](?![0-9A-Za-z])"
)
_ID15_RE = re.compile(rf"(?<![0-9])\d{{6}}{_SEP}?\d{{6}}{_SEP}?\d{{3}}(?![0-9A-Za-z])")
_CARD_RES = (
    re.compile(_NO_ALNUM_BEFORE + r"\d{16,19}" + _NOT_DIGIT_AFTER),
    re.compile(rf"(?<![0-9])\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_SEP}?\d{{1,3}})?" + _NOT_DIGIT_AFTER),
    re.compile(rf"(?<![0-9])\d{{6}}{_SEP}\d{{10,13}}" + _NOT_DIGIT_AFTER),
)
_MOBILE_RE = re.compile(
    rf"(?<![0-9])(?<![0-9]{{4}}{_SEP})(?:(?:\+|00)?86{_SEP}?)?1[3-9]\d(?:{_SEP}?\d{{4}}){{2}}"
    + _NOT_DIGIT_AFTER
)
_LANDLINE_RE = re.compile(
    r"(?<![0-9])(?<![0-9]{4}[ .-])"
    r"(?:(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ .-])\s?(?:\d{7,8}|\d{3,4}[ .-]\d{4})"
    r"|0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8}"  # unseparated: 11-12 digits
    r"|(?:\+|00)86[ .-]?(?:\(0\)\s?)?(?:10|2\d|[3-9]\d{2})[ .-]?\d{3,4}[ .-]?\d{4}"  # +86, no 0
    r")(?:-\d{1,5})?" + _NOT_DIGIT_AFTER
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_ACCOUNT_RE = re.compile(
    r"(?<![A-Za-z])(?:QQ|qq|Qq|扣扣|企鹅号|Q号|微信|威信|薇信|[Vv]信|加微|加[Vv]|[VvWw][Xx]|weixin|WeChat|wechat)"
    r"(?P<cue>号码|号|群|帐号|账号|[Ii][Dd])?[ \t]*(?P<colon>是|为|[:：#])?[ \t]*"
    r"(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19}|[1-9][0-9]{4,11})(?![-_A-Za-z0-9])"
)
# A digit run right after one of these is an order number, not personal data (see module notes).
_ORDER_CUE_RE = re.compile(
    r"(?:订单|单|运单|快递单|物流单|流水|交易|编|工单|发票|批|序列|货|会员|卡券|券)号?"
    r"(?:码)?\s*(?:是|为|[:：#])?\s*$"
)

# Same-length maps to ASCII, so offsets stay valid: full-width digits and signs; Chinese
# numerals (phone numbers read out or typed in words: 一三八…, 幺 for 1).
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－（）　ｘＸ．", "0123456789+-() xX.")
_NUMERALS = str.maketrans("〇零一二三四五六七八九幺", "001234567891")
# Only a run as long as a phone number is read as digits: a lone 一 after a number ("13812345678
# 一直打不通") is a word, and reading it as a digit would hide the number behind a longer one.
_NUMERAL_RUN = re.compile("[〇零一二三四五六七八九幺]{7,}")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- names -----------------------------------------------------------------------------------

# 百家姓 (Hundred Family Surnames) single surnames plus common modern ones (肖 付 覃 …), less
# those that are mostly function words before an honorific ("我和先生", "向经理反映", "我家先生",
# "收钱时小姐").
_SINGLE_SURNAMES = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于傅皮卞齐康"
    "伍余元卜顾孟平黄穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵"
    "席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗"
    "丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲封芮羿储靳汲邴糜松井段富巫乌"
    "焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印"
    "宿白怀蒲邰鄂索咸籍赖卓蔺屠蒙池乔阴鬱胥苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍卻璩桑桂濮牛寿"
    "通边扈燕冀郏浦尚农温庄晏柴瞿阎充慕茹习宦艾鱼容古易慎戈廖庾终暨居衡步耿满弘匡国文寇广禄阙"
    "东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚简饶空曾毋沙乜养鞠须丰巢关蒯相查荆红游竺权逯盖"
    "益桓公晋楚闫法汝鄢涂钦岳帅缑亢况郈商牟佘佴墨哈谯笪年爱阳佟言福"
    "肖付覃代兰迟麦区揭粟战雒谌苟仝冼敬练"
)
_COMPOUND_SURNAMES = frozenset(
    _words(
        "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 "
        "宗政 濮阳 淳于 单于 太叔 申屠 公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 "
        "鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 端木 巫马 公西 漆雕 乐正 壤驷 "
        "公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 归海 羊舌 微生 梁丘 "
        "左丘 东门 西门 有琴 商牟 伯赏 南宫 第五"
    )
)
_HONORIFICS = _words(
    "先生 女士 小姐 老师 师傅 经理 阿姨 大姐 姐姐 大哥 哥哥 叔叔 阿姨 "
    "医生 大夫 护士 主任 律师 教授 老板 总监 主管 店长 警官 总 姐 哥 "
    "叔"
)
_POSTS = frozenset(_words("主任 经理 总监 主管 店长 总"))
# Surname + honorific words that jieba tags as names but are not (a brand, "handsome guy").
_NOT_NAMES = frozenset(["帅哥", "帅哥哥", "师哥", "师姐", "康师傅"])
_HONORIFIC_RE = re.compile("|".join(sorted(set(_HONORIFICS), key=len, reverse=True)))

# --- addresses -------------------------------------------------------------------------------

_CN_NUMBER = "[一二三四五六七八九十百零〇]"
_ADDRESS_RES = (
    # road + house number (+ building, unit, room)
    re.compile(
        rf"(?:大街|大道|路|街|巷|弄|胡同)(?:\d{{1,5}}(?:[-之]\d{{1,4}})?|{_CN_NUMBER}{{1,6}})号"
        r"(?:院|楼)?(?:\d{1,5}(?:号楼|栋|幢|座|单元|楼|层|室|号))*"
    ),
    # housing estate or building + building number (+ unit, room)
    re.compile(
        r"(?:小区|花园|公寓|大厦|家园|新村|苑|园|村)\d{1,4}(?:号楼|栋|幢|座)"
        r"(?:\d{1,4}(?:单元|楼|层|室|号))*"
    ),
)
# Words that end like a road but are not one ("一路3号到货" is "all the way, arrived on the 3rd").
_NOT_ROADS = frozenset(
    _words(
        "一路 走路 上路 半路 道路 线路 思路 出路 网路 电路 套路 大路 小路 马路 "
        "来路 去路 后路 迷路 带路 让路 进路 回路 退路 老路 同路 赶路 顺路 逛街 "
        "上街 满街 沿街 临街 当街 小巷 一弄"
    )
)
_PLACE_SUFFIX = tuple("省市区县镇乡村旗州盟")


@dataclass(frozen=True)
class PersonalData:
    """One piece of personal data found in a text: ``text[start:end]`` of *kind*.

    ``note`` says more where it matters: ``"check digit fails"`` for an 18-digit resident ID
    whose GB 11643-1999 check digit is wrong (masked all the same: probably mistyped).
    """

    start: int
    end: int
    kind: str  # a key of MASKS: "phone" | "email" | "id" | "card" | "name" | "account" | "address"
    note: str = field(default="", compare=False, repr=False)

    @property
    def mask(self) -> str:
        """The placeholder that replaces this span (``[phone]``, ``[email]`` ...)."""
        return MASKS[self.kind]


def is_valid_resident_id(number: str) -> bool:
    """True if *number* is an 18-character resident ID with a correct GB 11643-1999 check digit.

    The check digit is ``"10X98765432"[sum(d_i * w_i) mod 11]`` with weights
    ``2^(17-i) mod 11`` for the first 17 digits (GB 11643-1999, ISO 7064 MOD 11-2).

    Examples
    --------
    >>> is_valid_resident_id("11010519491231002X")
    True
    >>> is_valid_resident_id("110105194912310021")
    False
    """
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def looks_like_resident_id(number: str) -> bool:
    """True if *number* has the shape of a resident ID, whatever its check digit.

    18 characters: a region code starting 1-8, a birth date ``YYYYMMDD`` from 1850 on, three
    digits and a digit or X. 15 digits (first-generation IDs, GB 11643-1989): region code, birth
    date ``YYMMDD``, three digits. Separators (spaces, hyphens, dots) are ignored.

    Examples
    --------
    >>> looks_like_resident_id("110105 19491231 0021")  # wrong check digit, still an ID's shape
    True
    >>> looks_like_resident_id("110105491231002")  # 15-digit ID
    True
    >>> looks_like_resident_id("201910011234567890")  # birth year 1123: not an ID
    False
    """
    digits = re.sub(r"[ .-]", "", number).upper()
    if len(digits) == 18 and digits[:17].isdigit() and (digits[17].isdigit() or digits[17] == "X"):
        year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
        if not 1850 <= year <= 2099:
            return False
    elif len(digits) == 15 and digits.isdigit():
        month, day = int(digits[8:10]), int(digits[10:12])
    else:
        return False
    return digits[0] in "12345678" and 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def is_luhn_valid(number: str) -> bool:
    """True if the digits of *number* pass the Luhn (mod 10) check used by bank cards.

    Examples
    --------
    >>> is_luhn_valid("4539 1488 0343 6467")
    True
    >>> is_luhn_valid("4539 1488 0343 6468")
    False
    """
    digits = [int(c) for c in number if c.isdigit()]
    if not digits:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


@lru_cache(maxsize=1)
def _jieba() -> tuple[Any, Any]:
    """Jieba's dictionary (word frequencies) and part-of-speech tagger, loaded once on demand.

    Own instances (:func:`research.text.segmentation.jieba_tokenizer`), so a study's added words
    never change what counts as a name.
    """
    import jieba.posseg

    from research.text.segmentation import jieba_tokenizer

    tokenizer = jieba_tokenizer()
    return tokenizer, jieba.posseg.POSTokenizer(tokenizer)


def _is_word(word: str) -> bool:
    return _jieba()[0].FREQ.get(word, 0) > 0


def _word_tag(word: str) -> str:
    return _jieba()[1].word_tag_tab.get(word, "")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _honorific_names(text: str) -> Iterable[tuple[int, int]]:
    """Spans of the names before honorifics: "李先生" -> "李", "南怀瑾先生" -> "南怀瑾"."""
    for match in _HONORIFIC_RE.finditer(text):
        start, honorific = match.start(), match.group()
        if start == 0 or not _is_cjk(text[start - 1]):
            continue
        after = text[start : start + 4]
        if len(honorific) == 1 and any(_is_word(after[:k]) for k in (2, 3, 4) if len(after) >= k):
            continue  # 总是, 总体, 姐妹: the character starts another word
        joined = text[start - 1] + honorific
        if joined in _NOT_NAMES or (_is_word(joined) and _word_tag(joined) != "nr"):
            continue  # 空姐, 班主任, 帅哥: surname character + honorific is another word
        if text[start - 1] == "任" and honorific in _POSTS and start > 1 and _is_cjk(text[start - 2]):
            continue  # "由熊教授任主任": 任 before a title is "serves as"
        window = text[max(0, start - 6) : start]
        tokens = _jieba()[0].lcut(window, HMM=True)
        last = tokens[-1] if tokens else ""
        if not all(_is_cjk(c) for c in last):
            continue
        if 2 <= len(last) <= 4 and (last[0] in _SINGLE_SURNAMES or last[:2] in _COMPOUND_SURNAMES):
            # A full name (jieba tags it nr, or it is no dictionary word: 傅佩荣) or a compound
            # surname (欧阳).
            if last[:2] in _COMPOUND_SURNAMES or _word_tag(last) == "nr" or not _is_word(last):
                yield start - len(last), start
        elif last[-1] in _SINGLE_SURNAMES and (len(last) == 1 or not _is_word(last)):
            yield start - 1, start  # 谢谢|李 先生, or glued by jieba's HMM: 找张 师傅


def _addresses(text: str) -> Iterable[tuple[int, int]]:
    """Spans of addresses: the place names and road (or estate) before a house number."""
    for pattern in _ADDRESS_RES:
        for match in pattern.finditer(text):
            anchor = match.start()
            window = text[max(0, anchor - 16) : anchor]
            tokens = _jieba()[0].lcut(window, HMM=True)
            if not tokens or not all(_is_cjk(c) for c in tokens[-1]):
                continue
            road = re.match(r"大街|大道|小区|花园|公寓|大厦|家园|新村|胡同|.", match.group())
            suffix = road.group() if road else ""
            if tokens[-1] + suffix in _NOT_ROADS or (tokens[-1] + suffix)[-2:] in _NOT_ROADS:
                continue
            # The road or estate name: the last word (two if it is one character: 南京|东 路).
            keep = 2 if len(tokens[-1]) == 1 and len(tokens) > 1 and _is_cjk(tokens[-2][-1]) else 1
            start = anchor - sum(len(t) for t in tokens[-keep:])
            # Place names before it: words tagged ns, or ending in 省/市/区/县…, and single
            # characters jieba split off a name (天|河北 路) unless they are verbs, prepositions…
            for token in reversed(tokens[:-keep]):
                tag = _word_tag(token)
                if (
                    tag == "ns"
                    or (len(token) > 1 and token.endswith(_PLACE_SUFFIX))
                    or (len(token) == 1 and _is_cjk(token) and tag[:1] in ("n", "q", "f", "a", "s"))
                ):
                    start -= len(token)
                else:
                    break
            yield start, match.end()


def _after_order_cue(text: str, start: int) -> bool:
    return bool(_ORDER_CUE_RE.search(text[max(0, start - 10) : start]))


def find_personal_data(
    text: str, names: Iterable[str] = (), *, person_names: bool = False
) -> list[PersonalData]:
    """Spans of personal data in *text*, sorted and non-overlapping.

    Longer, validated numbers win over shorter patterns inside them: a resident ID is never
    also reported as a phone number. See the module notes for what is found and what is kept.

    Parameters
    ----------
    text : str
    names : iterable of str
        Names to find (e.g. study.yml ``coding.redact_names``).
    person_names : bool
        Also report the words jieba's tagger calls person names (``nr``). Off by default: the
        tagger also tags ordinary words and brand names.

    Examples
    --------
    >>> find_personal_data("call 13812345678 or mail li@example.com")
    [PersonalData(start=5, end=16, kind='phone'), PersonalData(start=25, end=39, kind='email')]
    >>> [(p.kind, p.note) for p in find_personal_data("身份证110105194912310021")]
    [('id', 'check digit fails')]
    """
    found: list[PersonalData] = []
    taken = [False] * (len(text) + 1)
    digits = text.translate(_FULLWIDTH)

    def claim(start: int, end: int, kind: str, note: str = "") -> None:
        if any(taken[start:end]):
            return
        for i in range(start, end):
            taken[i] = True
        found.append(PersonalData(start, end, kind, note))

    for match in _EMAIL_RE.finditer(text):
        claim(match.start(), match.end(), "email")
    for match in _ACCOUNT_RE.finditer(digits):
        # A plain word after "wechat" is a word ("use the wechat account"), not an id.
        if match["cue"] or match["colon"] or re.search(r"[0-9_-]", match["id"]):
            claim(match.start("id"), match.end("id"), "account")
    for match in _ID18_RE.finditer(digits):
        number = re.sub(r"[ .-]", "", match.group())
        if not looks_like_resident_id(number):
            continue
        if is_valid_resident_id(number):
            claim(match.start(), match.end(), "id")
        elif not _after_order_cue(digits, match.start()):
            claim(match.start(), match.end(), "id", "check digit fails")
    for match in _ID15_RE.finditer(digits):
        if looks_like_resident_id(match.group()) and not _after_order_cue(digits, match.start()):
            claim(match.start(), match.end(), "id")
    for card_re in _CARD_RES:
        for match in card_re.finditer(digits):
            if is_luhn_valid(match.group()) and not _after_order_cue(digits, match.start()):
                claim(match.start(), match.end(), "card")
    spoken = _NUMERAL_RUN.sub(lambda run: run.group().translate(_NUMERALS), digits)
    for pattern in (_MOBILE_RE, _LANDLINE_RE):
        for match in pattern.finditer(spoken):
            if not _after_order_cue(digits, match.start()):
                claim(match.start(), match.end(), "phone")
    for start, end in _addresses(digits):
        claim(start, end, "address")
    name_re = _name_pattern(names)
    if name_re is not None:
        for match in name_re.finditer(text):
            claim(match.start(), match.end(), "name")
    for start, end in _honorific_names(text):
        claim(start, end, "name")
    if person_names:
        position = 0
        for word, flag in _jieba()[1].cut(text):
            if flag == "nr" and len(word) > 1:
                claim(position, position + len(word), "name")
            position += len(word)
    return sorted(found, key=lambda item: item.start)


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    parts = []
    for name in cleaned:
        escaped = re.escape(name)
        # Latin names only on word boundaries ("Li" must not hit "Lily"); Chinese names have none.
        parts.append(rf"\b{escaped}\b" if name.isascii() else escaped)
    return re.compile("|".join(parts), re.IGNORECASE)


def redact(text: str, names: Iterable[str] = (), *, person_names: bool = False) -> str:
    """Mask personal data in *text* (see the module docstring for what and how).

    Parameters
    ----------
    text : str
        Any text: a quote, a unit, a whole transcript.
    names : iterable of str
        Names to mask as ``[name]`` (e.g. study.yml ``coding.redact_names``); Latin names match
        case-insensitively on word boundaries.
    person_names : bool
        Also mask words jieba tags as person names (opt-in, see :func:`find_personal_data`).

    Returns
    -------
    str

    Examples
    --------
    >>> redact("我的手机是138 1234 5678，身份证11010519491231002X，客服王芳很耐心。", names=["王芳"])
    '我的手机是[phone]，身份证[id]，客服[name]很耐心。'
    >>> redact("李先生(上海赤峰路63号) QQ：383161223，订单号110105194912310021")
    '[name]先生([address]) QQ：[account]，订单号110105194912310021'
    """
    if not isinstance(text, str):
        return text
    pieces = []
    cursor = 0
    for item in find_personal_data(text, names, person_names=person_names):
        pieces.append(text[cursor : item.start])
        pieces.append(item.mask)
        cursor = item.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def pseudonymise(identifier: str, key: str, *, prefix: str = "R-", length: int = 8) -> str:
    """A short, stable pseudonym for a respondent id: keyed hash (HMAC-SHA256) of the id.

    The same id and key always give the same token, so tables stay joinable; without the key
    the id cannot be recovered by trying candidate ids. Keep the key out of the repository
    (study.yml ``coding.pseudonym_key_env`` names the environment variable holding it).

    Examples
    --------
    >>> pseudonymise("zh01", key="secret")
    'R-b60ef873'
    >>> pseudonymise("zh01", key="secret") == pseudonymise("zh01", key="other")
    False
    """
    if not key:
        raise DataError(
            "A pseudonymisation key is required",
            hint="Set the environment variable named in study.yml coding.pseudonym_key_env.",
        )
    digest = hmac.new(key.encode("utf-8"), str(identifier).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}{digest[:length]}"
