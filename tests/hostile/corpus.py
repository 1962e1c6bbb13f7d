"""The hostile input corpus: files a bank export (or an attacker) can hand the batch.

``write_corpus(folder)`` writes every file and returns what each must give: a clear
input error (exit 2, with a phrase of its message) or a finished run with so many
SMS written and rows rejected — never an internal error, a hang, or a message to a
debtor built from garbage. Generated rather than checked in (no binary blobs in the
repository); run ``python tests/hostile/corpus.py DIR`` to look at the files.
Synthetic people only.
"""

from __future__ import annotations

import codecs
import io
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEADER = ["account_id", "name", "gender", "card_number", "mobile", "principal", "due_date"]
GOOD = [
    ["H1", "王芳", "女", "6217374590813668", "13800138000", "1000.00", "2026-11-05"],
    ["H2", "李娜", "女", "6217374590813668", "13800138001", "2500.50", "2026-11-10"],
    ["H3", "欧阳明", "男", "6217374590813668", "13800138002", "300", "2026-11-20"],
]


@dataclass(frozen=True)
class Expected:
    """What a corpus file must give: an error phrase, or (written SMS, rejected rows)."""

    error: str | None = None
    written: int = 0
    rejected: int = 0


def _csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    return "".join(",".join(row) + "\n" for row in [header, *rows])


def _xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "逾期账户"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def _rezip(
    source: Path, target: Path, replace: dict[str, bytes], drop: tuple[str, ...] = ()
) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            if name in drop:
                continue
            zout.writestr(name, replace.get(name, zin.read(name)))


def write_corpus(folder: Path) -> dict[str, Expected]:
    """Write every hostile file into ``folder``; the expectation of each, by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Expected] = {}
    text = _csv_text(GOOD)

    # -- CSV in five encodings (and the ways they go wrong) --------------------------
    for name, data in {
        "utf8.csv": text.encode("utf-8"),
        "utf8-bom.csv": codecs.BOM_UTF8 + text.encode("utf-8"),
        "gbk.csv": text.encode("gbk"),
        "gb18030.csv": text.encode("gb18030"),
        "utf16le-bom.csv": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf16be-bom.csv": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    }.items():
        (folder / name).write_bytes(data)
        expected[name] = Expected(written=3)
    (folder / "utf16le-nobom.csv").write_bytes(text.encode("utf-16-le"))
    expected["utf16le-nobom.csv"] = Expected(error="UTF-16")
    (folder / "big5.csv").write_bytes(text.replace("欧阳明", "歐陽明").encode("big5"))
    expected["big5.csv"] = Expected(error="--encoding")
    latin = _csv_text([[GOOD[0][0], "Zoé Müller", "F", *GOOD[0][3:]]])
    (folder / "latin1.csv").write_bytes(latin.encode("latin-1"))
    expected["latin1.csv"] = Expected(error="--encoding")
    # D-02: one invalid byte in a UTF-8 file rejects that row only, never mojibake.
    bad_byte = text.encode("utf-8").replace("李娜".encode(), b"\xff\xa0", 1)
    (folder / "utf8-one-bad-byte.csv").write_bytes(bad_byte)
    expected["utf8-one-bad-byte.csv"] = Expected(written=2, rejected=1)

    # -- CSV values ------------------------------------------------------------------
    hostile_rows = [
        ["V1", "王芳", "女", "6217374590813668", "13800138000", "1000,00", "2026-11-05"],
        ["V2", "王芳", "女", "6217374590813668", "13800138000", "1.23457E+11", "2026-11-05"],
        ["V3", "#N/A", "女", "6217374590813668", "13800138000", "100", "2026-11-05"],
        ["V4", "<b>谢雨桐</b>", "女", "6217374590813668", "13800138000", "100", "2026-11-05"],
        ["V5", "\u202e三张", "男", "6217374590813668", "13800138000", "100", "2026-11-05"],
        ["V6", "张\u200b三", "男", "6217374590813668", "13800138000", "100", "2026-11-05"],
        ["V7", "Zhang 请转账6222020200000000000", "男", "6217374590813668", "13800138000", "1",
         "2026-11-05"],
        ["V8", "{{ 7*7 }}", "男", "6217374590813668", "13800138000", "100", "2026-11-05"],
        ["V9", "李娜", "女", "6217374590813668", "13800138000", "100", "0001-01-01"],
        ["V10", "李娜", "女", "6217374590813668", "13800138000", "100", "2026111"],
        ["V11", "李娜", "女", "6217374590813668", "#REF!", "100", "2026-11-05"],
        ["V12", "李娜", "女", "6217374590813668", "１３８００１３８０００", "100", "2026-11-05"],
        ["v12", "李娜", "女", "6217374590813668", "13800138000", "100", "2026-11-05"],
    ]  # fmt: skip
    (folder / "values.csv").write_text(_csv_text(hostile_rows), encoding="utf-8")
    expected["values.csv"] = Expected(written=1, rejected=12)
    flags = _csv_text([[*GOOD[0], "是"]], [*HEADER, "是否死亡"])
    (folder / "unknown-flag-column.csv").write_text(flags, encoding="utf-8")
    expected["unknown-flag-column.csv"] = Expected(error="是否死亡")

    # -- XLSX ------------------------------------------------------------------------
    _xlsx(
        folder / "plain.xlsx", [[*row[:5], float(row[5].replace(",", "")), row[6]] for row in GOOD]
    )
    expected["plain.xlsx"] = Expected(written=3)
    _xlsx(
        folder / "cells.xlsx",
        [
            ["E1", "#N/A", "男", "6217374590813668", "13800138000", 1000, "2026-11-05"],
            ["E2", "李娜", "女", 6217374590813668123, "13800138001", 1000, "2026-11-05"],
            ["E3", "王芳", "女", "6217374590813668", 13800138002, 11488.429999999998, "2026-11-05"],
            ["E4", "欧阳明", "男", "6217374590813668", "13800138003", 1000.005, "2026-11-05"],
            ["E5", "李娜", "女", "6217374590813668", "13800138004", "#DIV/0!", "2026-11-05"],
        ],
    )
    expected["cells.xlsx"] = Expected(written=1, rejected=4)
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(folder / "plain.xlsx") as book:
        original = book.read(sheet)
    _rezip(folder / "plain.xlsx", folder / "truncated.xlsx", {sheet: original[:300]})
    expected["truncated.xlsx"] = Expected(error="损坏")
    _rezip(
        folder / "plain.xlsx", folder / "broken-workbook.xlsx", {"xl/workbook.xml": b"<workbook"}
    )
    expected["broken-workbook.xlsx"] = Expected(error="损坏")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        + original.split(b"?>", 1)[-1].replace(b"H1", b"&lol2;", 1)
    )
    _rezip(folder / "plain.xlsx", folder / "entity-bomb.xlsx", {sheet: bomb})
    expected["entity-bomb.xlsx"] = Expected(error="DTD")
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + original.split(b"?>", 1)[-1]
    )
    _rezip(folder / "plain.xlsx", folder / "xxe.xlsx", {sheet: xxe})
    expected["xxe.xlsx"] = Expected(error="DTD")
    padded = b"<?xml version='1.0'?>" + b"<!--" + b" " * 20000 + b"-->" + bomb.split(b"?>", 1)[1]
    _rezip(folder / "plain.xlsx", folder / "padded-dtd.xlsx", {sheet: padded})
    expected["padded-dtd.xlsx"] = Expected(error="DTD")
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(folder / "plain.xlsx") as book:
            for name in book.namelist():
                archive.writestr(name, book.read(name))
        with archive.open("xl/sharedStrings2.xml", "w") as part:  # 64 MiB of zeros in ~64 KiB
            block = b"\0" * (1 << 20)
            for _ in range(64):
                part.write(block)
    (folder / "zip-bomb.xlsx").write_bytes(stream.getvalue())
    expected["zip-bomb.xlsx"] = Expected(error="压缩炸弹")
    _rezip(folder / "plain.xlsx", folder / "missing-sheet.xlsx", {}, drop=(sheet,))
    expected["missing-sheet.xlsx"] = Expected(error="缺失")
    (folder / "not-a-zip.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    expected["not-a-zip.xlsx"] = Expected(error="损坏")
    (folder / "old-excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    expected["old-excel.xls"] = Expected(error=".xlsx")

    # -- JSON Lines ------------------------------------------------------------------
    base = dict(zip(HEADER, GOOD[0], strict=True))
    lines = [
        json.dumps(base, ensure_ascii=False),
        json.dumps(dict(base, account_id="J2"), ensure_ascii=False).replace('"1000.00"', "NaN"),
        json.dumps(dict(base, account_id="J3"), ensure_ascii=False).replace(
            '"1000.00"', "Infinity"
        ),
        json.dumps(dict(base, account_id="J4"), ensure_ascii=False).replace(
            '"1000.00"', "9" * 5000
        ),
        '{"account_id": "J5", "name": ' + "[" * 50000 + "]" * 50000 + "}",
        json.dumps(dict(base, account_id="J6", name={"x": 1}), ensure_ascii=False),
        json.dumps(dict(base, account_id="J7", name=123), ensure_ascii=False),
        json.dumps(dict(base, account_id="J8", name=["张伟"]), ensure_ascii=False),
        json.dumps(
            dict(base, account_id="J9", card_number=6217374590813668123), ensure_ascii=False
        ),
        json.dumps(dict(base, account_id="J10", mobile=13800138009, principal=12.5)),
        "[1, 2, 3]",
        "{not json",
    ]
    (folder / "types.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected["types.jsonl"] = Expected(written=2, rejected=10)
    return expected


if __name__ == "__main__":
    for name, outcome in write_corpus(Path(sys.argv[1])).items():
        print(name, outcome)
