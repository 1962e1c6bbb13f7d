"""Column aliases: the built-in Chinese headers plus a project's own ``[batch.columns]``.

A project's headers reach the batch through CSV, XLSX and JSON Lines alike; a bad
alias table is a configuration error that names the header; a file with two
columns meaning the same thing stops before any letter is written. Synthetic
accounts only (dunletters.samples.generate_accounts).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_CONFIG_TABLE, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.batch.readers import BUILTIN_ALIASES, check_aliases, header_key, open_records
from dunletters.cli import main
from dunletters.config import Settings, load_settings, settings_from_mapping
from dunletters.errors import ConfigError, InputError
from dunletters.samples import generate_accounts

AS_OF = date(2026, 11, 28)
PROJECT = {"客户名称": "name", "证件卡号": "card_number", "Mobile No.": "mobile"}
"""A project's own headers (none of them built in)."""


def accounts(n: int = 5) -> list[dict[str, str]]:
    return list(generate_accounts(n, seed=7, as_of=AS_OF))


def renamed(row: dict[str, str]) -> dict[str, str]:
    """The row under the project's headers (and one built-in Chinese header)."""
    back = {canonical: header for header, canonical in PROJECT.items()} | {"principal": "本金"}
    return {back.get(key, key): value for key, value in row.items()}


def settings(columns: dict[str, str]) -> Settings:
    return settings_from_mapping({**TEST_CONFIG_TABLE, "batch": {"columns": columns}}, "test")


def test_project_headers_in_csv_xlsx_and_jsonl(tmp_path: Path) -> None:
    data = accounts()
    sources = [write_csv(tmp_path / "a.csv", [renamed(r) for r in data])]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        "".join(json.dumps(renamed(r), ensure_ascii=False) + "\n" for r in data), encoding="utf-8"
    )
    sources.append(jsonl)
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(list(renamed(data[0])))
    for row in data:
        book.active.append(list(renamed(row).values()))
    book.save(tmp_path / "a.xlsx")
    sources.append(tmp_path / "a.xlsx")
    for source in sources:
        header, rows = open_records(source, aliases=PROJECT)
        cells = [row.cells for row in rows]
        assert [c["name"] for c in cells] == [r["name"] for r in data], source.name
        assert [c["card_number"] for c in cells] == [r["card_number"] for r in data]
        assert [c["mobile"] for c in cells] == [r["mobile"] for r in data]
        assert [c["principal"] for c in cells] == [r["principal"] for r in data]
        assert header.ignored == []


def test_without_the_project_table_its_headers_are_unknown(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "a.csv", [renamed(r) for r in accounts(2)])
    with pytest.raises(InputError, match="2 个未识别的表头") as caught:
        open_records(source)
    message = str(caught.value)
    assert "「证件卡号」" in message and "「Mobile No.」 → mobile（手机号）" in message
    assert "另缺少必需的列：卡号（card_number）、手机号（mobile）" in message


def test_headers_match_whatever_their_case_spaces_and_width(tmp_path: Path) -> None:
    data = accounts(2)
    odd = {"mobile": "  ＭＯＢＩＬＥ ＮＯ．", "name": " 客户名称 ", "account_id": "Account_ID"}
    back = {canonical: header for header, canonical in PROJECT.items()}
    rows = [{odd.get(back.get(k, k), odd.get(k, k)): v for k, v in r.items()} for r in data]
    header = next(iter(rows))
    assert "  ＭＯＢＩＬＥ ＮＯ．" in header and "Account_ID" in header
    _, found = open_records(write_csv(tmp_path / "a.csv", rows), aliases=PROJECT)
    assert [row.cells["mobile"] for row in found] == [r["mobile"] for r in data]
    assert header_key("  Ｍｏｂｉｌｅ　ＮＯ．") == header_key("mobile no.")


def test_canonical_and_alias_columns_together_stop_the_file(tmp_path: Path) -> None:
    data = [renamed(r) | {"name": r["name"]} for r in accounts(2)]
    with pytest.raises(InputError, match="列「客户名称」与「name」都表示 姓名（name）") as caught:
        open_records(write_csv(tmp_path / "a.csv", data), aliases=PROJECT)
    assert data[0]["name"] not in str(caught.value)
    builtin = [{**r, "姓名": r["name"]} for r in accounts(2)]
    with pytest.raises(InputError, match="列「name」与「姓名」都表示 姓名（name）"):
        open_records(write_csv(tmp_path / "b.csv", builtin))


def test_canonical_and_alias_keys_in_one_jsonl_line_reject_that_line(tmp_path: Path) -> None:
    data = accounts(3)
    lines = [renamed(data[0]), renamed(data[1]) | {"name": data[1]["name"]}, renamed(data[2])]
    source = tmp_path / "a.jsonl"
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8"
    )
    _, rows = open_records(source, aliases=PROJECT)
    found = list(rows)
    assert [row.problem for row in found] == [
        None,
        ("name", "键「客户名称」与「name」都表示 姓名（name）"),
        None,
    ]
    assert found[2].cells["name"] == data[2]["name"]


def test_batch_with_project_headers_equals_the_canonical_run(tmp_path: Path) -> None:
    data = accounts(8)
    plain = write_csv(tmp_path / "plain.csv", data)
    project = write_csv(tmp_path / "project.csv", [renamed(r) for r in data])
    run_batch(
        TEST_SETTINGS,
        BatchOptions(input=plain, out=tmp_path / "plain", as_of=AS_OF, channels=("sms",)),
    )
    result = run_batch(
        settings(PROJECT),
        BatchOptions(input=project, out=tmp_path / "project", as_of=AS_OF, channels=("sms",)),
    )
    assert result.counts["rejected"] == 0
    sms = (tmp_path / "project" / "sms.csv").read_bytes()
    assert sms == (tmp_path / "plain" / "sms.csv").read_bytes()
    assert sms.count(b"\n") > 1


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"客户名称": "nmae"}, ["batch.columns", "「客户名称」", "不是已知列"]),
        ({"姓名": "address"}, ["batch.columns", "「姓名」", "表示 name", "不能改为 address"]),
        ({"mobile": "name"}, ["「mobile」", "表示 mobile"]),
        (
            {"Phone": "mobile", "ｐｈｏｎｅ": "name"},
            ["「Phone」与「ｐｈｏｎｅ」", "mobile 与 name"],
        ),
        ({" ": "name"}, ["表头不能为空"]),
        ({"客户名称": 3}, ["batch.columns.客户名称"]),
    ],
)
def test_bad_alias_tables_are_config_errors_naming_the_header(
    tmp_path: Path, columns: dict[str, object], expected: list[str]
) -> None:
    path = tmp_path / "dunletters.toml"
    path.write_text(
        "[batch.columns]\n"
        + "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in columns.items()),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    for part in expected:
        assert part in str(caught.value)


def test_same_meaning_aliases_are_allowed() -> None:
    # Repeating a built-in alias with its own meaning, or two headers for one column, is fine.
    assert check_aliases({"姓名": "name", "客户名称": "name", "户名": "name"})
    assert settings({"Phone": "mobile", "PHONE": "mobile"}).batch.columns


def test_every_builtin_alias_targets_a_canonical_column() -> None:
    assert check_aliases(BUILTIN_ALIASES) == dict(BUILTIN_ALIASES)


def test_bad_alias_table_exits_2_from_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "dunletters.toml"
    config.write_text('[batch.columns]\n"姓名" = "mobile"\n', encoding="utf-8")
    source = write_csv(tmp_path / "a.csv", accounts(2))
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(config), "batch", str(source), "--out", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert caught.value.code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("dunletters: 错误: 配置错误") and "batch.columns" in err and "姓名" in err
    assert not (tmp_path / "out").exists()


def test_a_row_the_encoding_cannot_decode_is_rejected_by_column(tmp_path: Path) -> None:
    """A wrong byte in one cell rejects that row, naming the column — never the bytes."""
    rows = accounts(3)
    path = write_csv(tmp_path / "mixed.csv", rows)
    data = path.read_bytes()
    name = rows[1]["name"].encode("utf-8")
    path.write_bytes(data.replace(name, b"\xff\xfe" + name[3:], 1))
    _, records = open_records(path, encoding="utf-8")
    found = list(records)
    assert [row.problem for row in found if row.problem] == [
        ("name", "无法按 utf-8 编码解码，请检查文件编码")
    ]
    assert sum(1 for row in found if not row.problem) == 2
