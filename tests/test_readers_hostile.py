"""Hostile input: every file of the corpus (tests/hostile/corpus.py) gives a clear error or
the right outputs, and each red-team repro of the intake (D-01–D-05, D-07–D-11, D-17,
D-23–D-28) and new-user friction point gives the review's "should happen".

Batches run for real (SMS only, one worker: the intake is what is tested). Synthetic
people only.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.batch.readers import open_records
from dunletters.cli import main
from dunletters.config import Settings, settings_from_mapping
from dunletters.errors import InputError
from dunletters.models import parse_account

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from conftest import TEST_CONFIG, TEST_CONFIG_TABLE, TEST_SETTINGS
from corpus import HEADER, Expected, write_corpus

AS_OF = date(2026, 11, 28)
pytestmark = pytest.mark.slow

SUSPICIOUS = ("#", "<", ">", "{", "}", "\u202e", "\u200b", "请转账", "鐜", "锟", "\ufffd")
"""Text that must never reach a debtor: markup, Excel errors, bidi and zero-width
characters, a transfer instruction, mojibake."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expected]]:
    folder = tmp_path_factory.mktemp("hostile")
    return folder, write_corpus(folder)


def _run(
    source: Path, out: Path, settings: Settings | None = None, **options: object
) -> dict[str, int]:
    batch = BatchOptions(
        input=source, out=out, as_of=AS_OF, channels=("sms",), workers=1, **options
    )  # type: ignore[arg-type]
    return run_batch(settings or TEST_SETTINGS, batch).counts


def _sms(out: Path) -> list[dict[str, str]]:
    with (out / "sms.csv").open(encoding="utf-8-sig") as stream:
        return list(csv.DictReader(stream))


def _rejects(out: Path) -> dict[int, dict[str, str]]:
    with (out / "rejects.csv").open(encoding="utf-8-sig") as stream:
        return {int(r["row"]): r for r in csv.DictReader(stream)}


CORPUS_FILES = [
    "utf8.csv", "utf8-bom.csv", "gbk.csv", "gb18030.csv", "utf16le-bom.csv", "utf16be-bom.csv",
    "utf16le-nobom.csv", "big5.csv", "latin1.csv", "utf8-one-bad-byte.csv", "values.csv",
    "unknown-flag-column.csv", "plain.xlsx", "cells.xlsx", "truncated.xlsx",
    "broken-workbook.xlsx", "entity-bomb.xlsx", "xxe.xlsx", "padded-dtd.xlsx", "zip-bomb.xlsx",
    "missing-sheet.xlsx", "not-a-zip.xlsx", "old-excel.xls", "types.jsonl",
]  # fmt: skip


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_every_hostile_file_gives_a_clear_error_or_the_right_messages(
    corpus: tuple[Path, dict[str, Expected]], name: str, tmp_path: Path
) -> None:
    folder, expected = corpus
    want = expected[name]
    out = tmp_path / "out"
    if want.error is not None:
        with pytest.raises(InputError, match=want.error) as caught:
            _run(folder / name, out)
        assert "Error" not in str(caught.value) or "ParseError" in str(caught.value)
        assert not out.exists(), "nothing is created for a file that cannot be read"
        return
    counts = _run(folder / name, out)
    assert (counts.get("written", 0), counts.get("rejected", 0)) == (want.written, want.rejected)
    for sms in _sms(out):
        assert not any(bad in sms["text"] for bad in SUSPICIOUS), sms["account_id"]
    for reject in _rejects(out).values():
        assert reject["reason"] and "Traceback" not in reject["reason"]


def test_the_corpus_is_tested_whole(corpus: tuple[Path, dict[str, Expected]]) -> None:
    assert sorted(corpus[1]) == sorted(CORPUS_FILES)


# -- the red-team repros, one by one ---------------------------------------------------------


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.write_text("".join(",".join(r) + "\n" for r in [header, *rows]), encoding="utf-8")
    return path


ROW = ["D1", "张伟", "男", "6217374590813668", "13800138000", "1000.00", "2026-11-05"]


def test_d01_hold_flag_headers_of_real_exports_hold_the_account(tmp_path: Path) -> None:
    source = _csv(tmp_path / "flags.csv", [[*ROW, "是", "是"]], [*HEADER, "是否已故", "是否争议"])
    counts = _run(source, tmp_path / "out")
    assert counts.get("written", 0) == 0 and counts["held"] == 1
    assert _sms(tmp_path / "out") == []


def test_d01_an_unknown_header_stops_the_run_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _csv(tmp_path / "flags.csv", [[*ROW, "是", "x"]], [*HEADER, "是否死亡", "所属分行"])
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as caught:
        main(
            [
                "--config",
                str(TEST_CONFIG),
                "batch",
                str(source),
                "--out",
                str(out),
                "--as-of",
                "2026-11-28",
                "--channels",
                "sms",
            ]
        )
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "「是否死亡」 → deceased（已故）？在 [batch.columns] 中加一行" in err
    assert "「所属分行」" in err and "--ignore-column" in err
    assert not out.exists()


def test_d01_ignored_columns_and_aliases_let_the_run_go(tmp_path: Path) -> None:
    source = _csv(tmp_path / "flags.csv", [[*ROW, "是", "x"]], [*HEADER, "是否死亡", "所属分行"])
    settings = settings_from_mapping(
        {
            **TEST_CONFIG_TABLE,
            "batch": {"columns": {"是否死亡": "deceased"}, "ignore_columns": ["所属分行"]},
        },
        "test",
    )
    counts = _run(source, tmp_path / "out", settings)
    assert counts["held"] == 1
    counts = _run(source, tmp_path / "out2", settings_from_mapping(
        {**TEST_CONFIG_TABLE, "batch": {"columns": {"是否死亡": "deceased"}}}, "test"), ignore_columns=("所属分行",))  # fmt: skip
    assert counts["held"] == 1


def test_d01_a_file_without_flag_columns_says_so_at_start_and_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _csv(tmp_path / "plain.csv", [ROW])
    _run(source, tmp_path / "out")
    note = "输入中没有争议、已故、承诺还款日列"
    assert note in capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert any(note in n for n in summary["input_notes"])
    assert note in (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")


def test_d02_one_bad_byte_rejects_its_row_and_no_mojibake_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "moji.csv"
    path.write_bytes(
        _csv(tmp_path / "x.csv", [ROW]).read_bytes()
        + b"M2,\xff,,6217374590813668,13800138001,1000.00,2026-11-05\n"
    )
    counts = _run(path, tmp_path / "out")
    assert (counts["written"], counts["rejected"]) == (1, 1)
    assert "张先生" in _sms(tmp_path / "out")[0]["text"]
    assert _rejects(tmp_path / "out")[3]["field"] == "name"


@pytest.mark.parametrize(
    "amount", ['"1000,00"', '"1,2,3,4"', "1e3", "1.2E+3", "1.23457E+11", "1_000"]
)
def test_d03_amounts_in_any_other_form_are_refused(tmp_path: Path, amount: str) -> None:
    source = _csv(tmp_path / "amt.csv", [[*ROW[:5], amount, ROW[6]]])
    counts = _run(source, tmp_path / "out")
    assert counts["rejected"] == 1
    reject = _rejects(tmp_path / "out")[2]
    assert reject["field"] == "principal" and "金额格式不正确" in reject["reason"]


def _xlsx(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(header or ["账号", "姓名", "性别", "卡号", "手机号", "本金", "到期日"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!",
                                   "#NUM!", "#GETTING_DATA"])  # fmt: skip
def test_d04_excel_error_values_are_refused_in_any_field(tmp_path: Path, error: str) -> None:
    path = _xlsx(tmp_path / "na.xlsx", [["E1", error, "男", "6217374590813668", "13800138000", 1000,
                                         "2026-11-05"],
                                        ["E2", "李娜", "女", "6217374590813668", error, 1000,
                                         "2026-11-05"]])  # fmt: skip
    rows = [row.problem for row in open_records(path)[1]]
    assert [problem and problem[0] for problem in rows] == ["name", "mobile"]
    assert all(problem and "Excel 错误值" in problem[1] for problem in rows)


def test_d04_excel_errors_in_a_csv_name_the_field_not_an_ignored_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "e.csv", [["#N/A", *ROW[:4], "#REF!", *ROW[5:]]], ["备注", *HEADER])
    (row,) = open_records(path, ignore=["备注"])[1]
    assert row.problem == ("mobile", "是 Excel 错误值（如 #N/A、#REF!），请先修正公式")


def test_d05_numbers_excel_has_cut_are_refused_and_exact_ones_read(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "card.xlsx",
        [["E2", "李娜", "女", 6217374590813668123, "13800138001", 1000, "2026-11-05"],
         ["E3", "李娜", "女", 6217374590813660.0, "13800138001", 1000, "2026-11-05"],
         [12345678, "李娜", "女", "6217374590813668", 13800138001, 1000, "2026-11-05"]],
    )  # fmt: skip
    first, second, third = open_records(path)[1]
    assert first.problem == (
        "card_number",
        "须以文本格式存储（Excel 的数字只保留15位有效数字，后几位已丢失）",
    )
    assert second.problem is not None and second.problem[0] == "card_number"
    assert (third.cells["account_id"], third.cells["mobile"]) == ("12345678", "13800138001")


@pytest.mark.parametrize(
    "name",
    ["<b>谢雨桐</b>", "\u202e三张", "张\u200b三", "张\ufeff三", "张\u200e三", "张\U000e0001三",
     "\u115f张三", "\u0301张三", "张\n伟", "张\t伟", "-1+2", "{{ 7*7 }}", "&lt;b&gt;",
     "<script>x</script>", "Zhang 请转账6222020200000000000", "Zhao 95588", "张三\x85"],
)  # fmt: skip
def test_d07_d08_names_hold_only_what_a_name_can(row: dict[str, str], name: str) -> None:
    from dunletters.errors import RecordError

    with pytest.raises(RecordError) as caught:
        parse_account(dict(row, name=name), as_of=AS_OF)
    assert [field for field, _ in caught.value.problems] == ["name"]
    assert name not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "read"),
    [("阿卜杜热合曼·买买提", "阿卜杜热合曼·买买提"), ("  王 芳 ", "王芳"), ("李𠀀", "李𠀀"),
     ("Zhang  San", "Zhang San"), ("欧阳明", "欧阳明"), ("José Núñez", "José Núñez")],
)  # fmt: skip
def test_d07_real_names_are_kept(row: dict[str, str], name: str, read: str) -> None:
    assert parse_account(dict(row, name=name), as_of=AS_OF).name == read


def test_d09_days_contradicting_the_due_date_are_rejected(tmp_path: Path) -> None:
    source = _csv(tmp_path / "days.csv", [[*ROW, "1"], [*ROW[:6], "2026-11-26", "40"]],
                  [*HEADER, "days_past_due"])  # fmt: skip
    counts = _run(source, tmp_path / "out")
    assert counts["rejected"] == 2  # the second row is also a duplicate id: rejected either way
    assert _rejects(tmp_path / "out")[2]["field"] == "days_past_due"
    relaxed = settings_from_mapping({**TEST_CONFIG_TABLE, "batch": {"days_tolerance": 22}}, "test")
    assert _run(source, tmp_path / "out2", relaxed)["written"] == 1


def test_d09_a_file_cut_inside_its_last_row_rejects_that_row(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    full = "T1,张伟,男,6217374590813668,13800138000,1000.00,2026-11-10,18\n"
    path.write_text(
        ",".join([*HEADER, "days_past_due"]) + "\n" + full + full.replace("T1", "T2")[:-20],
        encoding="utf-8",
    )
    rows = list(open_records(path)[1])
    assert [row.problem for row in rows] == [None, ("(整行)", "最后一行不完整（文件可能被截断）")]
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert list(open_records(path)[1])[1].problem is None  # a short row that ends its line


@pytest.mark.parametrize("due", ["0001-01-01", "1900-01-01", "2100-01-01"])
def test_d10_due_dates_outside_sane_bounds_are_rejected(row: dict[str, str], due: str) -> None:
    from dunletters.errors import RecordError

    with pytest.raises(RecordError) as caught:
        parse_account(dict(row, due_date=due), as_of=AS_OF)
    assert caught.value.problems == [("due_date", "日期超出合理范围（应在1990年至2099年之间）")]


def test_d11_jsonl_hostility_rejects_rows_never_an_internal_error(tmp_path: Path) -> None:
    good = json.dumps(dict(zip(HEADER, ROW, strict=True)), ensure_ascii=False)
    path = tmp_path / "j.jsonl"
    path.write_text(
        "\n".join([good.replace('"1000.00"', "NaN"), good.replace('"1000.00"', "-Infinity"),
                   good.replace('"1000.00"', "1" * 5000), "[" * 100000 + "]" * 100000,
                   good.replace('"张伟"', '{"x": 1}'), good.replace('"张伟"', "123"),
                   good.replace('"D1"', '"D2"')]) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(TEST_CONFIG), "batch", str(path), "--out", str(tmp_path / "out"), "--as-of", "2026-11-28",
              "--channels", "sms", "--workers", "1"])  # fmt: skip
    assert caught.value.code == 1
    rejects = _rejects(tmp_path / "out")
    assert sorted(rejects) == [1, 2, 3, 4, 5, 6]
    assert (rejects[5]["field"], rejects[6]["field"]) == ("name", "name")
    assert len(_sms(tmp_path / "out")) == 1


def test_d24_hidden_and_several_sheets_are_named_and_chosen(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "说明"
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    data = book.create_sheet("Data")
    data.append(["账号", "姓名", "卡号", "手机号", "本金", "到期日"])
    data.append(["H1", "张伟", "6217374590813668", "13800138000", "1000", "2026-11-05"])
    book.create_sheet("备注").append(["账号", "姓名"])
    book.save(tmp_path / "h.xlsx")
    header, rows = open_records(tmp_path / "h.xlsx")
    assert [row.cells["account_id"] for row in rows] == ["H1"]
    assert any("只读了「Data」" in note and "--sheet" in note for note in header.notes)
    with pytest.raises(
        InputError, match="没有工作表「Sheet9」（现有：「说明」、「Data」、「备注」）"
    ):
        open_records(tmp_path / "h.xlsx", sheet="Sheet9")


def test_d26_a_total_above_the_maximum_is_rejected_at_intake(row: dict[str, str]) -> None:
    from dunletters.errors import RecordError

    record = dict(row, principal="9999999999999.99", interest="0.01", fees="0", total_due="")
    with pytest.raises(RecordError) as caught:
        parse_account(record, as_of=AS_OF)
    assert caught.value.problems[0][0] == "total_due"


@pytest.mark.parametrize(
    ("text", "read"),
    [("2026-11-05", date(2026, 11, 5)), ("2026/11/5", date(2026, 11, 5)),
     ("2026.11.05", date(2026, 11, 5)), ("20261105", date(2026, 11, 5)),
     ("2026年11月5日", date(2026, 11, 5)), ("2026-11-05 00:00:00", date(2026, 11, 5))],
)  # fmt: skip
def test_d27_dates_in_every_common_form(row: dict[str, str], text: str, read: date) -> None:
    assert parse_account(dict(row, due_date=text), as_of=AS_OF).due_date == read


@pytest.mark.parametrize(
    "text", ["2026111", "202611", "11/05/2026", "05.11.2026", "2026-11-05 10:30"]
)
def test_d27_ambiguous_dates_are_refused(row: dict[str, str], text: str) -> None:
    from dunletters.errors import RecordError

    with pytest.raises(RecordError):
        parse_account(dict(row, due_date=text), as_of=AS_OF)


def test_d28_ids_differing_only_in_case_are_duplicates(tmp_path: Path) -> None:
    source = _csv(tmp_path / "ci.csv", [["a1", *ROW[1:]], ["A1", "李娜", "女", *ROW[3:]]])
    counts = _run(source, tmp_path / "out")
    assert (counts["written"], counts["rejected"]) == (1, 1)
    assert "重复" in _rejects(tmp_path / "out")[3]["reason"]
    summary = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "账号（account_id）" in summary and "已生成" in summary  # friction 10
