"""Readers and writers: encodings, clear errors, atomic writes, data/raw protection."""

from __future__ import annotations

import pandas as pd
import pytest

from research import DataError
from research.io import (
    atomic_open,
    detect_encoding,
    file_sha256,
    read_table,
    read_text,
    write_json,
    write_table,
    write_text,
)

TEXT = "受访者：营业厅排队太久了，等了40分钟。\r\nInterviewer: thanks"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_read_text_detects_encoding(tmp_path, encoding):
    path = tmp_path / "t.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_text(path) == TEXT  # BOM dropped, CRLF kept as stored


def test_declared_wrong_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(TEXT.encode("gbk"))
    with pytest.raises(DataError, match="Cannot decode the file as utf-8") as caught:
        read_text(path, encoding="utf-8")
    assert "t.txt" in str(caught.value)


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\x81\x20\xff\xfe\x00" * 3 + b"\x80")
    with pytest.raises(DataError, match="UTF-8 or GBK"):
        detect_encoding(path.read_bytes()[1:], file=path)


def test_read_table_csv_gbk_and_xlsx(tmp_path):
    frame = pd.DataFrame({"id": [1, 2], "满意度": ["非常满意", "不满意"]})
    csv = tmp_path / "s.csv"
    csv.write_bytes(frame.to_csv(index=False).encode("gbk"))
    pd.testing.assert_frame_equal(read_table(csv), frame)
    xlsx = tmp_path / "s.xlsx"
    frame.to_excel(xlsx, index=False)
    pd.testing.assert_frame_equal(read_table(xlsx), frame)


def test_missing_columns_named(tmp_path):
    csv = tmp_path / "s.csv"
    csv.write_text("id,q1\n1,5\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_table(csv, required_columns=["id", "wave"])
    message = str(caught.value)
    assert "s.csv" in message and "'wave'" in message and "q1" in message


def test_missing_file_and_format(tmp_path):
    with pytest.raises(DataError, match="File not found"):
        read_table(tmp_path / "none.csv")
    odd = tmp_path / "data.parquetx"
    odd.write_text("x")
    with pytest.raises(DataError, match="Unsupported table format"):
        read_table(odd)


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "old")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temp file left behind


def test_writers_refuse_data_raw(tmp_path):
    raw = tmp_path / "data" / "raw" / "study"
    with pytest.raises(DataError, match="data/raw"):
        write_text(raw / "x.txt", "no")
    assert not raw.exists()


def test_write_json_and_table_roundtrip(tmp_path):
    import numpy as np

    path = write_json(tmp_path / "r.json", {"nps": np.float64(12.5), "n": np.int64(3), "label": "满意"})
    assert '"nps": 12.5' in path.read_text(encoding="utf-8") and "满意" in path.read_text(encoding="utf-8")
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "营业厅"]})
    pd.testing.assert_frame_equal(read_table(write_table(frame, tmp_path / "t.csv")), frame)
    pd.testing.assert_frame_equal(read_table(write_table(frame, tmp_path / "t.xlsx")), frame)


def test_file_sha256_changes_with_content(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("a")
    # SHA-256 of "a" (FIPS 180-2 test vectors list "abc"; this value is from `sha256sum`).
    assert file_sha256(path) == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
    folder_hash = file_sha256(tmp_path)
    (tmp_path / "b.txt").write_text("b")
    assert file_sha256(tmp_path) != folder_hash


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        path = write_text(tmp_path / "report.html", "<p>x</p>")
    finally:
        os.umask(mask)
    assert (path.stat().st_mode & 0o777) == 0o644


# Every reader problem is a DataError naming the file and what to do (no TypeError, LookupError
# or pandas message reaches the user).
@pytest.mark.parametrize(
    ("name", "content", "options", "message"),
    [
        ("empty.csv", b"", {}, "The file is empty"),
        ("header.csv", b"id,q1\n", {}, "header but no data rows"),
        ("renamed.xlsx", b"id,q1\n1,5\n", {}, "is not an Excel workbook"),
        ("book.csv", b"PK\x03\x04rest-of-a-zip", {}, "is an Excel workbook or another binary"),
        ("opts.csv", b"id,q1\n1,5\n", {"header_rows": 2}, "Unknown reader option: 'header_rows'"),
        ("enc.csv", b"id,q1\n1,5\n", {"encoding": "gbk-utf"}, "Unknown encoding 'gbk-utf'"),
        ("bom.csv", "\ufeffid,满意\n1,5\n".encode(), {"encoding": "gbk"}, "byte-order mark"),
        ("gbk.csv", "id,满意\n1,5\n".encode("gbk"), {"encoding": "utf-8"}, "cannot be read as 'utf-8'"),
    ],
)
def test_reader_problems_are_data_errors(tmp_path, name, content, options, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as caught:
        read_table(path, **options)
    assert caught.value.file.endswith(name)


def test_unknown_encoding_suggests_the_detected_one(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("id,满意\n1,5\n".encode("gbk"))
    with pytest.raises(DataError, match="looks like gb18030"):
        read_table(path, encoding="gbk2")
