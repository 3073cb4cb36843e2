"""Redaction of personal data and keyed pseudonyms (research.privacy)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from research import DataError
from research.privacy import (
    find_personal_data,
    is_luhn_valid,
    is_valid_resident_id,
    pseudonymise,
    redact,
)

# GB 11643-1999 gives 11010519491231002X as its worked example (check digit X); 440524188001010014
# is the example used in the Chinese Wikipedia article on the resident ID number.
VALID_IDS = ["11010519491231002X", "440524188001010014"]
# Same numbers with the last digit changed: the check digit no longer matches.
INVALID_IDS = ["110105194912310021", "440524188001010015"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_resident_id_is_masked(number):
    assert is_valid_resident_id(number)
    assert redact(f"身份证号{number}，谢谢") == "身份证号[id]，谢谢"


@pytest.mark.parametrize("number", INVALID_IDS)
def test_invalid_checksum_is_not_an_id(number):
    assert not is_valid_resident_id(number)
    assert redact(f"订单号{number}") == f"订单号{number}"


def test_lowercase_x_check_digit():
    assert redact("id 11010519491231002x.") == "id [id]."


def test_luhn_reference_numbers():
    # Wikipedia "Luhn algorithm" worked example 79927398713; 4111 1111 1111 1111 is the
    # published Visa test card number. Changing one digit breaks the check.
    assert is_luhn_valid("79927398713")
    assert is_luhn_valid("4111 1111 1111 1111")
    assert not is_luhn_valid("4111 1111 1111 1112")


def test_bank_cards():
    assert redact("卡号4111111111111111。") == "卡号[card]。"
    assert redact("card 4111 1111 1111 1111 ok") == "card [card] ok"
    assert redact("card 4111-1111-1111-1112 ok") == "card 4111-1111-1111-1112 ok"  # Luhn fails


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的手机13812345678，", "我的手机[phone]，"),
        ("call +86 139-1234-5678 now", "call [phone] now"),
        ("电话 138 1234 5678", "电话 [phone]"),
        ("座机010-12345678转", "座机[phone]转"),
        ("(021)87654321", "[phone]"),
        ("（0755）1234567", "[phone]"),
        ("mail li.na@example.com.cn!", "mail [email]!"),
        # Landlines written without a separator (area code + 8 / 7-8 digits) or grouped 4-4.
        ("座机01012345678。", "座机[phone]。"),
        ("座机075588886666", "座机[phone]"),
        ("座机0755-8888 6666", "座机[phone]"),
        # Full-width digits typed with a Chinese input method.
        ("手机１３８１２３４５６７８", "手机[phone]"),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "身份证[id]"),
        # An ID right after Latin letters is still an ID (its check digit is valid).
        ("ID11010519491231002X。", "ID[id]。"),
    ],
)
def test_phones_and_emails(text, expected):
    assert redact(text) == expected


def test_not_personal_data():
    # Service numbers, short numbers, durations and prices stay.
    text = "打10086等了40分钟，套餐128元，2025-07-07上线，工单号20250707"
    assert redact(text) == text
    # A 12-digit number is not a mobile number (no partial match inside longer digit runs).
    assert redact("流水号913812345678") == "流水号913812345678"
    # A 10-digit number starting with 0 is too short for area code + local number.
    assert redact("编号0123456789") == "编号0123456789"


def test_names_chinese_and_latin():
    text = "客服王芳很好，Li said Lily helped; li Na too"
    assert redact(text, names=["王芳", "Li"]) == "客服[name]很好，[name] said Lily helped; [name] Na too"


def test_spans_do_not_overlap_and_id_wins_over_phone():
    found = find_personal_data("11010519491231002X 13812345678")
    assert [(p.kind, p.start, p.end) for p in found] == [("id", 0, 18), ("phone", 19, 30)]


def test_pseudonymise_is_keyed_hmac():
    token = pseudonymise("zh01", key="k1")
    expected = hmac.new(b"k1", b"zh01", hashlib.sha256).hexdigest()[:8]
    assert token == f"R-{expected}"
    assert pseudonymise("zh01", key="k1") == token
    assert pseudonymise("zh01", key="k2") != token
    assert pseudonymise("zh02", key="k1") != token


def test_pseudonymise_needs_a_key():
    with pytest.raises(DataError, match="key is required"):
        pseudonymise("zh01", key="")


def test_sample_transcripts_are_fully_redacted():
    import re

    from research import load_study
    from research.coding import load_transcripts

    study = load_study("sample")
    names = study.section("coding")["redact_names"]
    kinds = set()
    for transcript in load_transcripts(study):
        kinds |= {item.kind for item in find_personal_data(transcript.text, names)}
        clean = redact(transcript.text, names)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", clean), transcript.id
        assert "@" not in clean, transcript.id
        assert not any(is_valid_resident_id(m) for m in re.findall(r"\d{17}[\dX]", clean)), transcript.id
        assert not any(is_luhn_valid(m) for m in re.findall(r"\d{16,19}", clean)), transcript.id
        assert not any(name in clean for name in names), transcript.id
    assert kinds == {"phone", "email", "id", "card", "name"}  # every planted kind is found
