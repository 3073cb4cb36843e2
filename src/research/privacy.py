"""Personal data in interview text: find it, mask it, pseudonymise respondent ids.

Every text that reaches a report, or an export meant for sharing, goes through :func:`redact`.
What is masked, and with which placeholder:

========================================================  ===========
mainland mobile numbers (``1[3-9]`` + 9 digits, ``+86``)  ``[phone]``
landline numbers with area code (``010-12345678``,        ``[phone]``
``(0755) 8888 8888``, ``01012345678``)
e-mail addresses                                          ``[email]``
18-digit resident ID numbers with a valid GB 11643-1999   ``[id]``
check digit (an invalid check digit is *not* an ID)
bank card numbers (16-19 digits) with a valid Luhn digit  ``[card]``
configured names (staff, respondents)                     ``[name]``
========================================================  ===========

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
from dataclasses import dataclass

from research.errors import DataError

MASKS = {"phone": "[phone]", "email": "[email]", "id": "[id]", "card": "[card]", "name": "[name]"}

# Digits may be grouped by spaces or hyphens (138 1234 5678, 6222-0212-3456-7890); the
# look-arounds keep a match from starting or ending inside a longer number or code.
_NO_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_DIGIT_AFTER = r"(?![0-9])"
# A letter may precede an ID ("ID11010519491231002X"); the check digit guards against codes.
_ID_RE = re.compile(r"(?<![0-9])\d{17}[\dXx]" + r"(?![0-9A-Za-z])")
_CARD_RES = (
    re.compile(_NO_ALNUM_BEFORE + r"\d{16,19}" + _NOT_DIGIT_AFTER),
    re.compile(r"(?<![0-9])\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?" + _NOT_DIGIT_AFTER),
)
_MOBILE_RE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}" + _NOT_DIGIT_AFTER
)
_LANDLINE_RE = re.compile(
    r"(?<![0-9])(?:(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -])\s?(?:\d{7,8}|\d{3,4}[ -]\d{4})"
    r"|0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8})(?:-\d{1,5})?" + _NOT_DIGIT_AFTER  # unseparated: 11-12 digits
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Same-length map of full-width digits and signs to ASCII, so offsets stay valid.
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－（）　ｘＸ", "0123456789+-() xX")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class PersonalData:
    """One piece of personal data found in a text: ``text[start:end]`` of *kind*."""

    start: int
    end: int
    kind: str  # "phone" | "email" | "id" | "card" | "name"

    @property
    def mask(self) -> str:
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


def find_personal_data(text: str, names: Iterable[str] = ()) -> list[PersonalData]:
    """Spans of personal data in *text*, sorted and non-overlapping.

    Longer, validated numbers win over shorter patterns inside them: a resident ID is never
    also reported as a phone number.

    Examples
    --------
    >>> find_personal_data("call 13812345678 or mail li@example.com")
    [PersonalData(start=5, end=16, kind='phone'), PersonalData(start=25, end=39, kind='email')]
    """
    found: list[PersonalData] = []
    taken = [False] * (len(text) + 1)
    digits = text.translate(_FULLWIDTH)

    def claim(start: int, end: int, kind: str) -> None:
        if any(taken[start:end]):
            return
        for i in range(start, end):
            taken[i] = True
        found.append(PersonalData(start, end, kind))

    for match in _EMAIL_RE.finditer(text):
        claim(match.start(), match.end(), "email")
    for match in _ID_RE.finditer(digits):
        if is_valid_resident_id(match.group()):
            claim(match.start(), match.end(), "id")
    for card_re in _CARD_RES:
        for match in card_re.finditer(digits):
            if is_luhn_valid(match.group()):
                claim(match.start(), match.end(), "card")
    for pattern in (_MOBILE_RE, _LANDLINE_RE):
        for match in pattern.finditer(digits):
            claim(match.start(), match.end(), "phone")
    name_re = _name_pattern(names)
    if name_re is not None:
        for match in name_re.finditer(text):
            claim(match.start(), match.end(), "name")
    return sorted(found, key=lambda item: item.start)


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Mask personal data in *text* (see the module docstring for what and how).

    Parameters
    ----------
    text : str
        Any text: a quote, a unit, a whole transcript.
    names : iterable of str
        Names to mask as ``[name]`` (e.g. study.yml ``coding.redact_names``); Latin names match
        case-insensitively on word boundaries.

    Returns
    -------
    str

    Examples
    --------
    >>> redact("我的手机是138 1234 5678，身份证11010519491231002X，客服王芳很耐心。", names=["王芳"])
    '我的手机是[phone]，身份证[id]，客服[name]很耐心。'
    >>> redact("ID 110105194912310021 is not valid")  # wrong check digit: not an ID
    'ID 110105194912310021 is not valid'
    """
    if not isinstance(text, str):
        return text
    pieces = []
    cursor = 0
    for item in find_personal_data(text, names):
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
