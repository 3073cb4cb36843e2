"""Redaction of personal data and keyed pseudonyms (research.privacy)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from research import DataError
from research.privacy import (
    MASK_PATTERN,
    PersonalData,
    find_personal_data,
    is_luhn_valid,
    is_valid_resident_id,
    looks_like_resident_id,
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
def test_invalid_checksum_is_still_an_id_but_flagged(number):
    # A mistyped ID is still a person's ID (issue 10): masked, and the span says the check fails.
    assert not is_valid_resident_id(number)
    assert redact(f"身份证{number}") == "身份证[id]"
    (item,) = find_personal_data(f"身份证{number}")
    assert (item.kind, item.note) == ("id", "check digit fails")
    assert find_personal_data("11010519491231002X")[0].note == ""


@pytest.mark.parametrize("number", INVALID_IDS)
def test_order_number_with_an_ids_shape_is_kept(number):
    # Right after an order cue a number that fails the ID check digit is an order number.
    assert redact(f"订单号{number}") == f"订单号{number}"
    assert redact(f"订单号：{VALID_IDS[0]}") == "订单号：[id]"  # a valid ID is masked anyway


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


# Every form listed under "Why" in issue 10 (real Chinese customer text), and the forms the
# issue asks for beside them. 6222021234567890128 and 4111111111111111 pass the Luhn check.
MASKED_FORMS = [
    ("富爸爸粉丝交流！QQ：383161223（注明：当当）", "富爸爸粉丝交流！QQ：[account]（注明：当当）"),
    ("联系QQ 282369262 我", "联系QQ [account] 我"),
    ("要的请加qq673946022", "要的请加qq[account]"),
    ("微信号: abc_123，", "微信号: [account]，"),
    ("加我vx：zhang_san88", "加我vx：[account]"),
    ("wx: wxid_abc123 thanks", "wx: [account] thanks"),
    ("13774321320 李先生(上海赤峰路63号)", "[phone] [name]先生([address])"),
    ("还是崔小姐主动打电话", "还是[name]小姐主动打电话"),
    ("感谢王经理和欧阳老师", "感谢[name]经理和[name]老师"),
    ("找张师傅修，保洁刘阿姨很好", "找[name]师傅修，保洁[name]阿姨很好"),
    ("前台张颖经理说帮我们处理", "前台[name]经理说帮我们处理"),
    ("寄到北京市海淀区中关村大街27号", "寄到[address]"),
    ("住在南京东路100号3楼", "住在[address]"),
    ("阳光花园3栋2单元501室", "[address]"),
    ("请打 +86 10 6234 5678", "请打 [phone]"),
    ("+86-755-8888-6666。", "[phone]。"),
    ("旧身份证110105491231002，", "旧身份证[id]，"),
    ("身份证 110105 19491231 002X", "身份证 [id]"),
    ("身份证110105-1949-1231-002X", "身份证[id]"),
    ("手机138.1234.5678", "手机[phone]"),
    ("卡号 6222 0212 3456 7890 128", "卡号 [card]"),
    ("卡号 4111.1111.1111.1111", "卡号 [card]"),
    ("电话一三八一二三四五六七八", "电话[phone]"),
    ("电话幺三八幺二三四五六七八", "电话[phone]"),
    ("手机１３８．１２３４．５６７８", "手机[phone]"),
    ("身份证110105194912310021", "身份证[id]"),  # wrong check digit: still masked
    # A Chinese numeral word right after a number is a word, not more digits.
    ("电话13812345678一直打不通", "电话[phone]一直打不通"),
    ("13812345678二十分钟后再打", "[phone]二十分钟后再打"),
]


@pytest.mark.parametrize(("text", "expected"), MASKED_FORMS)
def test_forms_found_in_real_customer_text_are_masked(text, expected):
    assert redact(text) == expected


# Forms that must stay: prices, order numbers, ISBNs, dates, service numbers, and honorifics or
# road-like words after ordinary words (前台小姐, 值班经理, 一路3号).
KEPT_FORMS = [
    "¥1380",
    "1380元，价格1380块",
    "订单号：201910011234567890",
    "订单号 4111111111111111",
    "快递单号13812345678",
    "运单号：110105491231002",
    "ISBN 978-7-111-12345-6",
    "ISBN 9787111123456",
    "ISBN 7-111-12345-6",
    "2019年10月1日入住",
    "2019-10-01",
    "2019.10.01 13:45",
    "20191001",
    "打10086，95588也打了",
    "400-810-8888",
    "4008108888",
    "800-820-8820",
    "8008208820",
    "一路3号才到",
    "地铁3号线",
    "前台小姐，值班经理，客房阿姨，大堂经理",
    "帅哥，空姐，班主任",
    "我和先生一起入住，我家先生说",
    "房间总是很脏，总的来说还行，这周总算",
    "收钱时小姐把钱",
    "康师傅方便面",
    "微信支付，QQ游戏，QQ2010，use the wechat account",
    "V2.3.1，192.168.1.1",
    "一二三四五六七，三五个",
    "6222 0212 3456 7890 123",  # fails the Luhn check: no card, and no phone inside it
]


@pytest.mark.parametrize("text", KEPT_FORMS)
def test_kept_forms_are_not_masked(text):
    assert redact(text) == text


def test_person_names_from_jieba_are_opt_in():
    text = "张伟说送货太慢了"
    assert redact(text) == text
    assert redact(text, person_names=True) == "[name]说送货太慢了"


def test_looks_like_resident_id_checks_region_and_birth_date():
    assert looks_like_resident_id("110105491231002")
    assert not looks_like_resident_id("110105491331002")  # month 13
    assert not looks_like_resident_id("910105491231002")  # no region starts with 9
    assert not looks_like_resident_id("110105 1949 0230 0021")  # 30 February
    assert redact("编码110105491331002") == "编码110105491331002"


def test_mask_pattern_and_spans_stay_compatible():
    # Other modules build PersonalData(start, end, kind) and strip masks with MASK_PATTERN.
    item = PersonalData(0, 3, "account")
    assert item.mask == "[account]" and repr(item) == "PersonalData(start=0, end=3, kind='account')"
    clean = redact("QQ：383161223，李先生，上海赤峰路63号，13812345678")
    assert MASK_PATTERN.sub("", clean) == "QQ：，先生，，"
