"""Records: valid rows parse exactly; every bad field is named, its value never echoed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from dunletters.config import example_creditor
from dunletters.errors import RecordError
from dunletters.models import Creditor, parse_account, parse_amount, parse_date


def test_valid_row_parses_exactly(row: dict[str, Any], as_of: date) -> None:
    account = parse_account(row, as_of=as_of)
    assert account.principal == Decimal("1000.00")
    assert account.total_due == Decimal("1004.50")
    assert account.card_number == "6259000000001234"
    assert account.mobile == "13800001234"
    assert account.gender == "male"
    assert account.days_past_due == 8  # computed from due_date and as_of
    assert (account.dispute, account.deceased, account.hardship) == (False, False, False)
    assert account.promises_broken == 0
    assert account.promise_to_pay_until is None


def test_total_due_is_computed_when_absent(row: dict[str, Any], as_of: date) -> None:
    del row["total_due"]
    assert parse_account(row, as_of=as_of).total_due == Decimal("1004.50")


def test_given_days_past_due_wins(row: dict[str, Any], as_of: date) -> None:
    row["days_past_due"] = "6"
    assert parse_account(row, as_of=as_of).days_past_due == 6


def _problems(row: dict[str, Any], as_of: date, **changes: Any) -> RecordError:
    row.update(changes)
    with pytest.raises(RecordError) as caught:
        parse_account(row, as_of=as_of, row=7, source="accounts.csv")
    return caught.value


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("principal", "-5.00", "负数"),
        ("interest", "1.005", "两位小数"),
        ("fees", "abc", "金额"),
        ("principal", "99999999999999.00", "范围"),
        ("mobile", "+852 9123 4567", "中国大陆手机号"),
        ("mobile", "12345", "中国大陆手机号"),
        ("due_date", "2026-13-40", "日期"),
        ("gender", "未知", "男/女"),
        ("dispute", "maybe", "是/否"),
        ("account_id", "../../etc/passwd", "字母"),
        ("card_number", "12", "4至32位"),
        ("promises_broken", "-1", "负数"),
        ("name", "", "不能为空"),
        ("name", "张\x00三", "控制字符"),
    ],
)
def test_bad_field_is_named_and_value_not_echoed(
    row: dict[str, Any], as_of: date, field: str, value: str, reason: str
) -> None:
    error = _problems(row, as_of, **{field: value})
    fields = [name for name, _ in error.problems]
    assert field in fields
    assert reason in str(error)
    assert "第7行" in str(error)
    assert "accounts.csv" in str(error)
    if len(value) > 2:
        assert value not in str(error)


def test_components_must_add_up(row: dict[str, Any], as_of: date) -> None:
    error = _problems(row, as_of, total_due="1004.51")
    assert error.problems == [("total_due", "欠款总额不等于本金、利息与违约金之和")]
    assert "1004.51" not in str(error)


def test_due_date_after_as_of_with_days_overdue(row: dict[str, Any], as_of: date) -> None:
    error = _problems(row, as_of, due_date="2026-12-05", days_past_due="3")
    assert [field for field, _ in error.problems] == ["due_date"]


def test_missing_required_fields_are_all_listed(as_of: date) -> None:
    with pytest.raises(RecordError) as caught:
        parse_account({"account_id": "A1"}, as_of=as_of)
    fields = {field for field, _ in caught.value.problems}
    assert {"name", "card_number", "mobile", "principal", "due_date"} <= fields


def test_unknown_column_is_an_error(row: dict[str, Any], as_of: date) -> None:
    error = _problems(row, as_of, salary="9000")
    assert ("salary", "不是已知字段") in error.problems


def test_float_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="浮点"):
        parse_amount(0.1)


def test_amount_forms() -> None:
    assert parse_amount("￥1,004.50") == Decimal("1004.50")
    assert parse_amount("12元") == Decimal("12")
    assert parse_amount(7) == Decimal("7")


def test_creditor_signature_rules() -> None:
    base = example_creditor().model_dump()
    for bad in ("【示范银行】", "示", "示范 银行", "测试银行", "a" * 13):
        data = dict(base, sms_signature=bad)
        with pytest.raises(ValueError, match="sms_signature"):
            Creditor.model_validate(data)


def test_creditor_hotline_must_be_official() -> None:
    base = example_creditor().model_dump()
    for good in ("95099", "400-820-9099", "4008209099", "021-61234567"):
        assert Creditor.model_validate(dict(base, hotline=good)).hotline == good
    for bad in ("13800001234", "110", "hotline"):
        with pytest.raises(ValueError, match="hotline"):
            Creditor.model_validate(dict(base, hotline=bad))


def test_complaint_hotline_defaults_to_hotline() -> None:
    data = dict(example_creditor().model_dump(), complaint_hotline="")
    assert Creditor.model_validate(data).complaint_hotline == "95099"


@pytest.mark.parametrize(
    "value",
    ["0", "7", "007", "12.5", "1004.50", " 3.10 ", "9999999999999.99", "1,004.50", "¥12",
     "１２", "1E+2", "0.00"],
)  # fmt: skip
def test_plain_amount_fast_path_reads_as_the_general_path(value: str) -> None:
    from decimal import Decimal as D

    general = D(value.strip().replace(",", "").removeprefix("¥"))
    assert parse_amount(value) == general
    assert str(parse_amount(value)) == str(general)  # same exponent: 12.5 stays 12.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-11-28", date(2026, 11, 28)), (" 2026-01-05 ", date(2026, 1, 5)),
     ("2026-1-5", date(2026, 1, 5)), ("2024-02-29", date(2024, 2, 29))],
)  # fmt: skip
def test_dates_fast_and_general_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "0000-01-01", "2026-11-28x"])
def test_impossible_iso_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_date(text)


def test_journal_json_reads_back_as_validation_would(as_of: date) -> None:
    """``Account.from_journal`` (no validators) gives what ``model_validate_json`` gives."""
    from dunletters.models import Account
    from dunletters.samples import generate_accounts

    rows = list(generate_accounts(300, seed=11, as_of=as_of))
    rows[0].update(gender="", promise_to_pay_until="2026-12-01")
    del rows[0]["total_due"], rows[0]["days_past_due"]  # computed by the validators
    rows[1].update(principal="1E+2", interest="0", fees="0", total_due="100")
    for number, row in enumerate(rows, start=2):
        account = parse_account(row, as_of=as_of, row=number)
        text = account.model_dump_json()
        trusted, validated = Account.from_journal(text), Account.model_validate_json(text)
        assert trusted == validated == account
        assert trusted.model_dump() == validated.model_dump()
        assert trusted.model_dump_json() == text
        assert trusted.model_fields_set == validated.model_fields_set
