"""The intake of a real bank export: the new-user review's friction points 1, 6, 8, 9, 10,
11, 13 and 23, and ``dunletters columns``. Synthetic people only (ID numbers made with
their check digit by dunletters.checksums)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from dunletters.batch.readers import open_records
from dunletters.checksums import id_check_digit
from dunletters.cli import main
from dunletters.errors import RecordError
from dunletters.models import parse_account

AS_OF = date(2026, 11, 28)
EXPORT_HEADER = ["序号", "合同编号", "客户姓名", "证件号", "信用卡卡号", "手机号码", "通讯地址",
                 "欠款本金", "利息", "滞纳金", "应还总额", "最后还款日", "逾期天数", "是否已故",
                 "投诉争议", "邮政编码"]  # fmt: skip


def synthetic_id(birth: str, sequence: str) -> str:
    """An 18-digit ID number with a valid check character (area 110101: synthetic use)."""
    body = f"110101{birth}{sequence}"
    return body + id_check_digit(body)


def export_xlsx(path: Path, *, title: bool = False, total: bool = False) -> Path:
    """A bank's export as the new-user review made it: Chinese headers, numbers and dates."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["示范银行信用卡中心逾期客户明细表（2026年11月）"])
    sheet.append(EXPORT_HEADER)
    from datetime import datetime

    people = [("欧阳文强", "0011", "否", "否"), ("司马静", "0022", "否", "否"),
              ("阿卜杜热合曼·买买提", "0031", "是", "否"), ("诸葛丽", "0042", "否", "是")]  # fmt: skip
    for index, (name, sequence, deceased, dispute) in enumerate(people, start=1):
        sheet.append([
            index, f"HT2026{index:04d}", name, synthetic_id("19900307", sequence[:3]),
            "6217374590813668", 13800138000 + index, "上海市浦东新区示例路1号", 11000.13, 488.3,
            0.0, 11488.429999999998, datetime(2026, 11, 5), 23, deceased, dispute, "200120",
        ])  # fmt: skip
    if total:
        sheet.append([None, "合计", None, None, None, None, None, 44000.52, None, None, None])
        sheet.append([None, None, "制表人：王五"])
    book.save(path)
    return path


def test_a_real_export_maps_every_header_without_configuration(tmp_path: Path) -> None:
    """Friction 1, 2, 6, 8: built-in aliases, hold flags, gender from the ID, Excel float sums."""
    header, rows = open_records(export_xlsx(tmp_path / "export.xlsx"))
    assert header.ignored == ["序号"]  # 邮政编码 is the postcode field (issue #16)
    assert header.notes == ["输入中没有承诺还款日列：全部账户按无此情形处理（不会因此暂停）"]
    accounts = [parse_account(row.cells, as_of=AS_OF, row=row.number) for row in rows]
    assert [a.gender for a in accounts] == ["male", "female", "male", "female"]
    assert {a.total_due for a in accounts} == {parse_account_total("11488.43")}
    assert [a.deceased for a in accounts] == [False, False, True, False]
    assert [a.dispute for a in accounts] == [False, False, False, True]
    assert accounts[0].account_id == "HT20260001" and accounts[0].mobile == "13800138001"
    assert {a.postcode for a in accounts} == {"200120"}


def parse_account_total(text: str) -> object:
    from decimal import Decimal

    return Decimal(text)


def test_title_and_total_rows_are_recognised_and_reported(tmp_path: Path) -> None:
    """Friction 9: the header on row 2 is found; the 合计 row is reported once, not rejected."""
    header, rows = open_records(export_xlsx(tmp_path / "t.xlsx", title=True, total=True))
    read = list(rows)
    assert [row.number for row in read] == [3, 4, 5, 6]
    assert all(row.problem is None for row in read)
    assert header.notes[0] == "表头在第2行，其上 1 行（标题）已跳过"
    assert header.notes[-2:] == [
        "第7行是合计行，未作为账户处理",
        "第8行在合计行之后且没有账号（表尾），未作为账户处理",
    ]
    header, rows = open_records(tmp_path / "t.xlsx", header_row=2)
    assert len(list(rows)) == 4


def test_a_title_row_in_csv_and_the_header_row_option(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "逾期客户明细\n,\naccount_id,name,card_number,mobile,principal,due_date\n"
        "T1,张伟,6217374590813668,13800138000,100,2026-11-05\n合计,,,,100,\n",
        encoding="utf-8",
    )
    header, rows = open_records(path)
    assert [(row.number, row.cells.get("account_id")) for row in rows] == [(4, "T1")]
    assert header.notes[0] == "表头在第3行，其上 2 行（标题）已跳过"
    assert header.notes[-1] == "第5行是合计行，未作为账户处理"


def test_gender_from_the_id_number(row: dict[str, str]) -> None:
    """Friction 6: the 17th digit when the gender is missing; a wrong check digit is refused."""
    record = dict(row, gender="", id_number=synthetic_id("19851203", "002"))
    assert parse_account(record, as_of=AS_OF).gender == "female"
    record["id_number"] = synthetic_id("19851203", "003")
    assert parse_account(record, as_of=AS_OF).gender == "male"
    bad = record["id_number"][:-1] + ("0" if record["id_number"][-1] != "0" else "1")
    with pytest.raises(RecordError) as caught:
        parse_account(dict(record, id_number=bad), as_of=AS_OF)
    assert caught.value.problems == [("id_number", "身份证号校验位不符（号码有误）")]
    with pytest.raises(RecordError) as caught:
        parse_account(dict(record, gender="女"), as_of=AS_OF)
    assert caught.value.problems == [("gender", "性别与身份证号不符")]
    assert parse_account(dict(record, id_number="E12345678"), as_of=AS_OF).gender is None
    assert "id_number" not in parse_account(record, as_of=AS_OF).model_dump()


def test_an_id_number_stored_as_an_excel_number_is_refused(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["账号", "姓名", "身份证号", "卡号", "手机号", "本金", "到期日"])
    book.active.append(["I1", "张伟", 1.10101199003073e17, "6217374590813668", "13800138000",
                        100, "2026-11-05"])  # fmt: skip
    book.save(tmp_path / "id.xlsx")
    (only,) = open_records(tmp_path / "id.xlsx")[1]
    assert only.problem is not None and only.problem[0] == "id_number"
    assert "须以文本格式存储" in only.problem[1]


@pytest.mark.parametrize(
    "mobile", ["１３８００１３８０００", "138-0013-8000", "＋８６ １３８ ００１３ ８０００"]
)
def test_full_width_digits_in_a_mobile_read_like_dashes(row: dict[str, str], mobile: str) -> None:
    """Friction 11: headers are NFKC-normalised; mobiles now too."""
    assert parse_account(dict(row, mobile=mobile), as_of=AS_OF).mobile == "13800138000"


def test_render_takes_the_chinese_keys_batch_takes(tmp_path: Path) -> None:
    """Friction 23: one record loader for batch, render and preview."""
    record = {"账号": "R1", "客户姓名": "赵敏", "性别": "女", "卡号": "6217374590813668",
              "手机号码": "13912345678", "欠款本金": "100.00", "最后还款日": "2026-11-05"}  # fmt: skip
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["render", str(path), "--channel", "sms", "-o", str(tmp_path / "r.txt"),
              "--as-of", "2026/11/28"])  # fmt: skip
    assert caught.value.code == 0
    assert "赵女士" in (tmp_path / "r.txt").read_text(encoding="utf-8")


def test_the_run_date_in_the_forms_excel_users_type(capsys: pytest.CaptureFixture[str]) -> None:
    """Friction 10: ``--as-of 2026/11/28`` is a date; a wrong one is refused in Chinese."""
    from dunletters.cli import RUN_DATE

    assert RUN_DATE.convert("2026年11月28日", None, None).date() == AS_OF
    assert RUN_DATE.convert("20261128", None, None).date() == AS_OF
    with pytest.raises(SystemExit) as caught:
        main(["render", "--sample", "--channel", "sms", "-o", "x.txt", "--as-of", "28/11/2026"])
    assert caught.value.code == 2
    assert "「28/11/2026」不是有效日期" in capsys.readouterr().err


def test_columns_shows_the_mapping_and_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerow(
            ["账号", "姓名", "卡号", "手机号", "本金", "到期日", "是否死亡", "序号"]
        )
    with pytest.raises(SystemExit) as caught:
        main(["columns", str(path)])
    assert caught.value.code == 2
    out = capsys.readouterr().out
    assert "账号 → 账号（account_id）" in out.replace("  ", "")
    assert (
        '不认识：最接近 已故（deceased）？在 [batch.columns] 中加一行 "是否死亡" = "deceased"'
        in out
    )
    assert "忽略（内置）" in out
    with pytest.raises(SystemExit) as caught:
        main(["columns", str(path), "--ignore-column", "是否死亡"])
    assert caught.value.code == 0
    assert "全部表头都有着落" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == [path]


def test_json_values_of_every_usual_type_read_as_the_batch_reads_them() -> None:
    from dunletters.cells import record_cells

    cells = record_cells(
        {"账号": 12345, "dispute": 1, "deceased": False, "本金": 12, "利息": 0.5,
         "手机号": 13800138000, "逾期天数": 23.0, "到期日": "2026-11-05", "地址": None}
    )  # fmt: skip
    assert cells == {"account_id": "12345", "dispute": "1", "deceased": "否", "principal": "12",
                     "interest": "0.5", "mobile": "13800138000", "days_past_due": "23",
                     "due_date": "2026-11-05"}  # fmt: skip
    with pytest.raises(RecordError) as caught:
        record_cells({"姓名": 123})
    assert caught.value.problems == [("name", "应为文本，不能是数字")]


@pytest.mark.parametrize(("suffix", "separator"), [(".tsv", "\t"), (".csv", ";"), (".txt", "\t")])
def test_tab_and_semicolon_separated_files(tmp_path: Path, suffix: str, separator: str) -> None:
    path = tmp_path / f"in{suffix}"
    lines = [["账号", "姓名", "卡号", "手机号", "本金", "到期日"],
             ["T1", "张伟", "6217374590813668", "13800138000", "1,000.00", "2026-11-05"]]  # fmt: skip
    path.write_text("".join(separator.join(line) + "\n" for line in lines), encoding="gbk")
    (row,) = open_records(path)[1]
    assert (row.cells["name"], row.cells["principal"]) == ("张伟", "1,000.00")


def test_an_encrypted_workbook_is_named_as_such(tmp_path: Path) -> None:
    """An .xlsx with a password is an OLE file, like an .xls: say so (friction 13)."""
    from dunletters.errors import InputError

    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    with pytest.raises(InputError, match="加密的工作簿或旧的"):
        open_records(path)
