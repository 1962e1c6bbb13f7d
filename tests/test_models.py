"""Records: valid rows parse exactly; every bad field is named, its value never echoed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
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


def test_given_days_past_due_wins_within_the_tolerance(row: dict[str, Any], as_of: date) -> None:
    counted = (as_of - parse_date(row["due_date"])).days
    row["days_past_due"] = str(counted - 1)
    assert parse_account(row, as_of=as_of).days_past_due == counted - 1
    row["days_past_due"] = str(counted + 2)
    assert parse_account(row, as_of=as_of, days_tolerance=2).days_past_due == counted + 2


def test_days_past_due_contradicting_the_due_date_is_refused(
    row: dict[str, Any], as_of: date
) -> None:
    """D-09: 「到期还款日为11月26日，现已逾期40天」 must never be printed."""
    row.update(due_date=(as_of - timedelta(days=2)).isoformat(), days_past_due="40")
    error = _problems(row, as_of)
    assert error.problems == [
        ("days_past_due", "逾期天数与到期还款日、基准日不符（按日期计为2天）")
    ]


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
     "１２", "0.00"],
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
    rows[1].update(principal="1,000.0", interest="0", fees="0", total_due="1000")
    for number, row in enumerate(rows, start=2):
        account = parse_account(row, as_of=as_of, row=number)
        text = account.journal_json()
        assert text == account.model_dump_json()
        trusted, validated = Account.from_journal(text), Account.model_validate_json(text)
        assert trusted == validated == account
        assert trusted.model_dump() == validated.model_dump()
        assert trusted.model_dump_json() == text
        assert trusted.model_fields_set == validated.model_fields_set


# Hostile cells for the fast path of parse_account (every check it must make).
_HOSTILE: dict[str, list[str]] = {
    "account_id": ["../../etc/passwd", "A-1.2_3", "_A1", "a" * 64, "a" * 65, " A1 ", "账号1", ""],
    "name": ["", " ", "张\x00三", "<b>张三</b>", "张" * 40, "张" * 41, " 张三 ", "\u3000张三\u3000",
             "张\ud800三", "\x1c张三", "张\t三", "张三\x7f", "\u200b", "王 芳", "Zhang San",
             "阿卜杜热合曼·买买提", "李𠀀", "\u202e三张", "张\u200b三", "Zhao 95588", "{{ 7*7 }}",
             "-1+2", "·张三", "José Núñez"],
    "gender": ["男", "女", "M", "f", "Female", "先生", "other", "未知", "", " 男 "],
    "card_number": ["12", "6259 0000 0000 1234", "6259-0000", "a" * 32, "a" * 33, "卡号1234", ""],
    "mobile": ["+86 138-0000-1234", "008613800001234", "8613800001234", "12345", "+852 9123 4567",
               "12800001234", "１３８００００１２３４", "138000012345", ""],
    "address": ["", "a" * 200, "a" * 201, "地址\x7f", "地址\udcff", "  上海  "],
    "principal": ["1,234.5", "¥12", "12元", "-5", "-0", "1.005", "NaN", "inf", "1E+2", "0E+1000",
                  "１２", "10000000000000", " 3.10 ", "abc", ""],
    "total_due": ["1", "0", ""],
    "due_date": ["2026/11/28", "20261128", "2026年11月28日", "2026-02-30", "2026-1-5", "11/28/2026",
                 "2026-12-05", "0000-01-01", ""],
    "days_past_due": ["-1", "0", "1.5", "36500", "36501", "007", "+5", " 8 ", "٣", "9" * 5000, ""],
    "dispute": ["是", "否", "Y", "n", "true", "1", "有", "maybe", ""],
    "promises_broken": ["-1", "999", "1000", "x", " 3 ", ""],
    "promise_to_pay_until": ["2026-12-01", "2026/12/1", "2026-02-30", " ", ""],
}  # fmt: skip


def _cases(as_of: date) -> Any:
    from dunletters.samples import generate_accounts

    base = {k: v for k, v in next(generate_accounts(1, seed=5, as_of=as_of)).items() if v}
    yield base
    for field, values in _HOSTILE.items():
        for value in values:
            yield dict(base, **{field: value})
        yield {k: v for k, v in base.items() if k != field}
    yield dict(base, salary="9000")
    yield dict(base, days_past_due="3", due_date="2026-12-05")


@pytest.mark.parametrize("as_of", [date(2026, 11, 28), None])
def test_fast_path_accepts_exactly_what_pydantic_accepts(as_of: date | None) -> None:
    """``_account_from_cells`` (text cells) agrees with ``Account.model_validate``:
    None exactly when validation fails, else the same account, fields set included."""
    from pydantic import ValidationError

    from dunletters.models import Account, _account_from_cells

    accepted = refused = 0
    for data in _cases(date(2026, 11, 28)):
        fast = _account_from_cells(data, as_of)
        try:
            validated = Account.model_validate(dict(data), context={"as_of": as_of})
        except ValidationError:
            assert fast is None, data.keys()
            refused += 1
            continue
        assert fast is not None
        assert fast.__getstate__() == validated.__getstate__()
        assert repr(fast) == repr(validated)
        assert fast.model_dump_json() == validated.model_dump_json()
        accepted += 1
    assert accepted > 50
    assert refused > 50


def test_fast_path_leaves_other_cells_to_pydantic(row: dict[str, Any], as_of: date) -> None:
    from dunletters.models import _account_from_cells

    assert _account_from_cells(row, as_of) is not None
    assert _account_from_cells(dict(row, promises_broken=3), as_of) is None  # not text
    error = _problems(row, as_of, promises_broken=-3)
    assert error.problems == [("promises_broken", "不能为负数")]


@pytest.mark.parametrize(
    "value", ["13800001234", "19912345678", "１３８００００１２３４", "8613800001234", "1380000123"]
)
def test_plain_mobile_reads_as_with_separators(value: str) -> None:
    """A bare number takes a shortcut; with a separator it goes the general way."""
    from dunletters.models import Account

    def read(text: str) -> object:
        return _verdict(Account._mobile, text)

    assert read(value) == read(" " + value) == read(value + "-")


@pytest.mark.parametrize(
    "value", ["6259000000001234", "abcd", "abc", "a" * 32, "a" * 33, "１２３４"]
)
def test_plain_card_reads_as_with_separators(value: str) -> None:
    from dunletters.models import Account

    def read(text: str) -> object:
        return _verdict(Account._card_number, text)

    assert read(value) == read(" " + value) == read("-" + value)


def _verdict(validator: Callable[[str], object], text: str) -> object:
    """What a field validator makes of a cell: its value, or its error message."""
    try:
        return validator(text)
    except ValueError as error:
        return str(error)


@pytest.mark.parametrize("value", ["0", "23", "007", "٣", "１２", "²", "1.5", "-0", "9" * 5000])
def test_plain_integer_reads_as_with_spaces(value: str) -> None:
    from dunletters.fields import read_optional_int

    def read(text: str) -> object:
        try:
            return read_optional_int(text)
        except ValueError as error:
            return str(error)

    assert read(value) == read(f" {value} ")


def test_journal_reads_back_odd_text(row: dict[str, Any], as_of: date) -> None:
    """JSON escapes and characters outside the BMP come back as validation reads them."""
    from dunletters.models import Account

    for text in ('张"三\\', "张\t三", "𠀀三", "</script>", "张\u2028三"):
        record = dict(
            row,
            name="𠀀三",
            address=text + "路\n1号",
            minimum_due="",
            postcode="",
            segment="",
            tone="",
        )
        account = parse_account(record, as_of=as_of)
        text = account.model_dump_json()
        trusted = Account.from_journal(text)
        assert trusted.__getstate__() == Account.model_validate_json(text).__getstate__()
        assert trusted.__getstate__() == account.__getstate__()


def _outcome(data: dict[str, Any], as_of: date | None) -> Any:
    """An account's ``__getstate__`` and ``repr``, or the problems a record is refused with."""
    try:
        account = parse_account(data, as_of=as_of, row=2)
    except RecordError as error:
        return ("refused", error.problems)
    return ("accepted", account, account.__getstate__(), repr(account))


@pytest.mark.parametrize("as_of", [date(2026, 11, 28), None])
def test_parse_account_gives_the_same_accounts_with_and_without_fastbuild(
    as_of: date | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gated fast path (cells + slots) and the plain ``model_validate`` fallback give
    equal accounts with equal state, and refuse the same records for the same reasons."""
    from dunletters import fastbuild

    records = list(_cases(date(2026, 11, 28)))
    fast = [_outcome(data, as_of) for data in records]
    monkeypatch.setattr(fastbuild, "ENABLED", False)
    plain = [_outcome(data, as_of) for data in records]
    assert fast == plain
    assert sum(kind == "accepted" for kind, *_ in fast) > 50


def test_journal_read_back_is_the_same_with_and_without_fastbuild(
    as_of: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dunletters import fastbuild
    from dunletters.models import Account
    from dunletters.samples import generate_accounts

    texts = [parse_account(r, as_of=as_of).journal_json() for r in generate_accounts(50, seed=3)]
    fast = [Account.from_journal(text) for text in texts]
    monkeypatch.setattr(fastbuild, "ENABLED", False)
    plain = [Account.from_journal(text) for text in texts]
    assert fast == plain
    assert [a.__getstate__() for a in fast] == [a.__getstate__() for a in plain]


def test_fastbuild_stands_down_outside_the_pinned_pydantic_versions() -> None:
    import pydantic

    from dunletters import fastbuild, gates

    assert fastbuild.enabled_for(pydantic.VERSION) and fastbuild.ENABLED
    for version in ("2.13.4", "2.15.0", "3.0.0"):
        with pytest.warns(gates.LibraryVersionWarning, match=f"pydantic {version}"):
            assert not fastbuild.enabled_for(version)
