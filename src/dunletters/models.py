"""Records: the overdue account and the creditor who writes to its holder.

These pydantic models are the contract of every later step: the batch reader
produces them, the escalation policy decides on them, the templates render them
(their field names are the template variables) and the linter checks every printed
figure against them.

Two habits run through the module:

* Money is :class:`~decimal.Decimal` with at most two decimals, never a float —
  a float cannot hold 0.10 exactly and would make figure and 大写 disagree.
* Validation errors name the field (and the row, when the record came from a file)
  and never echo the value: names, card numbers and phone numbers are personal
  data (《个人信息保护法》第六条、第二十八条). :func:`parse_account` turns pydantic's
  errors into a :class:`~dunletters.errors.RecordError` built that way.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import from_json

from dunletters import fastbuild
from dunletters.cells import EXCEL_ERRORS
from dunletters.checksums import id_valid
from dunletters.errors import RecordError, validation_items
from dunletters.fields import (
    CONTROL,
    MAX_AMOUNT,
    Gender,
    parse_amount,
    parse_bool,
    parse_date,
    read_count,
    read_gender,
    read_name,
    read_optional_date,
    read_optional_int,
    read_text,
)
from dunletters.vocabulary import TONE_NAMES

__all__ = [
    "MAX_AMOUNT",
    "Account",
    "Creditor",
    "Gender",
    "PaymentChannels",
    "id_gender",
    "parse_account",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "validation_problems",
]

DAYS_TOLERANCE = 1
"""Days a given 逾期天数 may differ from the count from 到期还款日 to the run date (a core
system's cut-off a day earlier); ``[batch] days_tolerance`` sets another."""

_ACCOUNT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
_CARD = re.compile(r"[A-Za-z0-9]{4,32}")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_SEPARATORS = re.compile(r"[\s\-()（）]")
# Official numbers a debtor may be asked to call: 95xxx(x) short codes, 400/800
# numbers and landlines. Personal mobiles are not official (阿里云通知短信规范).
_OFFICIAL_PHONE = re.compile(r"95\d{3,4}|[48]00-?\d{3}-?\d{4}|0\d{2,3}-?\d{7,8}(-\d{1,6})?")
_SIGNATURE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,12}")


def _postcode(value: object) -> str:
    """A mainland postcode: six digits, or none (an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:06d}"
    if not isinstance(value, str):
        raise ValueError("邮政编码应为6位数字")
    text = value.strip()
    if text and not (len(text) == 6 and text.isascii() and text.isdigit()):
        raise ValueError("邮政编码应为6位数字")
    return text


_SEGMENT_LENGTH = 32
_TONE_ID = re.compile(r"[a-z][a-z0-9_-]{1,31}")
_TONE_BY_NAME = {name: tone for tone, name in TONE_NAMES.items()}


def _segment(value: object) -> str:
    """The customer segment (客群) as the bank names it, for tone rules: short text or none."""
    if value is None:
        return ""
    text = read_text(value)
    if not isinstance(text, str):
        raise ValueError("客群应为文字")
    if len(text) > _SEGMENT_LENGTH:
        raise ValueError(f"客群最长{_SEGMENT_LENGTH}个字")
    return text


def _requested_tone(value: object) -> str:
    """The tone the 语气 column asks for: a tone id (firm) or a built-in tone's Chinese name."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("语气应为文字")
    text = value.strip()
    text = _TONE_BY_NAME.get(text, text)
    if text and not _TONE_ID.fullmatch(text):
        raise ValueError("语气应为语气标识（如 firm）或内置语气名（以礼相待、劝慰、坚定）")
    return text


def _optional_amount(value: object) -> Decimal | None:
    """An amount that may be left out (an empty cell is none, never ¥0.00)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_amount(value)


_UNSET_TOTAL = Decimal("-1")
"""``total_due``'s default: left out (no amount is negative), so the sum of its parts."""
_NAME_LENGTH, _ADDRESS_LENGTH = 40, 200
_MAX_DAYS, _MAX_PROMISES = 36500, 999

Amount = Annotated[Decimal, BeforeValidator(parse_amount)]
Flag = Annotated[bool, BeforeValidator(parse_bool)]
Text = Annotated[str, BeforeValidator(read_text)]
Name = Annotated[str, BeforeValidator(read_name)]


class Account(BaseModel):
    """One overdue account, as the batch input and the templates see it.

    ``days_past_due`` may be given (the core system's count) or left out; with a
    run date in the validation context (``{"as_of": date}``) it is computed from
    ``due_date``. ``total_due`` may be left out and is then the sum of its parts;
    when given it must equal 本金 + 利息 + 违约金 to the fen.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    account_id: str = Field(description="账号：唯一标识，也用作输出文件名")
    name: Name = Field(min_length=1, max_length=_NAME_LENGTH, description="姓名")
    gender: Annotated[Gender | None, BeforeValidator(read_gender)] = Field(
        default=None, description="性别，用于称谓先生/女士"
    )
    card_number: str = Field(description="卡号或贷款合同号，只以尾号形式打印")
    mobile: str = Field(description="中国大陆手机号")
    address: Text = Field(default="", max_length=_ADDRESS_LENGTH, description="通讯地址")
    principal: Amount = Field(description="本金（元）")
    interest: Amount = Field(default=Decimal("0"), description="利息（元）")
    fees: Amount = Field(default=Decimal("0"), description="违约金（元）")
    total_due: Amount = Field(default=_UNSET_TOTAL, description="欠款总额（元）")
    due_date: Annotated[date, BeforeValidator(parse_date)] = Field(description="到期还款日")
    days_past_due: Annotated[int | None, BeforeValidator(read_optional_int)] = Field(
        default=None, ge=0, le=_MAX_DAYS, description="逾期天数"
    )
    dispute: Flag = Field(default=False, description="有争议/投诉")
    deceased: Flag = Field(default=False, description="已故")
    hardship: Flag = Field(default=False, description="还款困难")
    promises_broken: Annotated[int, BeforeValidator(read_count)] = Field(
        default=0, ge=0, le=_MAX_PROMISES, description="爽约次数"
    )
    promise_to_pay_until: Annotated[date | None, BeforeValidator(read_optional_date)] = Field(
        default=None, description="承诺还款日"
    )
    minimum_due: Annotated[Decimal | None, BeforeValidator(_optional_amount)] = Field(
        default=None, description="最低还款额（元），前期信函写明"
    )
    postcode: Annotated[str, BeforeValidator(_postcode)] = Field(
        default="", description="邮政编码（6位），印在信封窗口的收件人栏"
    )
    segment: Annotated[str, BeforeValidator(_segment)] = Field(
        default="", description="客群（分群），供语气规则 [[policy.tone_rules]] 使用"
    )
    tone: Annotated[str, BeforeValidator(_requested_tone)] = Field(
        default="", description="指定语气，仅在语气规则 requested 列出时采用"
    )

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_id(cls, value: object) -> object:
        if type(value) is str and _ACCOUNT_ID.fullmatch(value):
            return value  # the usual cell: nothing to strip
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            value = value.strip()
            if not _ACCOUNT_ID.fullmatch(value):
                raise ValueError("只能包含字母、数字、点、下划线和连字符，最长64位")
        return value

    @field_validator("card_number", mode="before")
    @classmethod
    def _card_number(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            if _CARD.fullmatch(value):  # the usual cell: no separator to remove
                return value
            value = _SEPARATORS.sub("", value)
            if not _CARD.fullmatch(value):
                raise ValueError("应为4至32位字母或数字")
        return value

    @field_validator("mobile", mode="before")
    @classmethod
    def _mobile(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            if _MAINLAND_MOBILE.fullmatch(value):  # the usual cell: 11 digits, no +86
                return value
            if not value.isascii():  # full-width digits, ＋ and －, as dashes and spaces
                value = unicodedata.normalize("NFKC", value)
            digits = _SEPARATORS.sub("", value)
            for prefix in ("+86", "0086", "86"):
                if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
                    digits = digits[len(prefix) :]
                    break
            if not _MAINLAND_MOBILE.fullmatch(digits):
                raise ValueError("不是中国大陆手机号（应为1开头的11位号码）")
            return digits
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Account:
        context = info.context or {}
        _settle(
            self.__dict__,
            context.get("as_of"),
            context.get("days_tolerance", DAYS_TOLERANCE),
        )
        return self

    @classmethod
    def from_journal(cls, record_json: str) -> Account:
        """An account this program validated and wrote as JSON, read back without re-validating.

        The batch journal keeps each account as ``model_dump_json()`` of a validated
        record, beside its SHA-256; the caller checks that hash first, so the values
        are exactly ones that passed validation and running every validator again
        would be wasted work (benchmarks/NOTES.md#records). The JSON types map back
        one to one: amounts were written as strings of their ``Decimal``, dates as ISO
        text; every field is there, in the model's order. Where :mod:`.fastbuild` does
        not fit the installed pydantic, the record is validated again.
        """
        if not fastbuild.ENABLED:
            return cls.model_validate_json(record_json)
        data = from_json(record_json)
        for name in _AMOUNTS:
            data[name] = Decimal(data[name])
        for name in _DATES:
            if data[name] is not None:
                data[name] = date.fromisoformat(data[name])
        if data["minimum_due"] is not None:
            data["minimum_due"] = Decimal(data["minimum_due"])
        return fastbuild.build(cls, data, set(data))

    def journal_json(self) -> str:
        """``model_dump_json()``, by the model's serializer directly: the same text,
        without the keyword handling (once per account in a batch)."""
        return _SERIALIZER.to_json(self).decode()

    def overdue_days(self) -> int:
        """Days past due; only valid once resolved against a run date."""
        if self.days_past_due is None:
            raise RecordError([("days_past_due", "缺少逾期天数，且未给出基准日以便计算")])
        return self.days_past_due


_SERIALIZER = Account.__pydantic_serializer__


def _settle(values: dict[str, Any], as_of: object, tolerance: int = DAYS_TOLERANCE) -> None:
    """The record-level rules, on an account's field values (in place).

    ``total_due`` left out is the sum of its parts, given it must equal them;
    ``days_past_due`` left out is counted from ``due_date`` to ``as_of`` (a date),
    given it must agree with that count within ``tolerance`` days.
    """
    parts = values["principal"] + values["interest"] + values["fees"]
    total = values["total_due"]
    if total == _UNSET_TOTAL:
        if parts > MAX_AMOUNT:
            raise _FieldError("total_due", "本金、利息与违约金之和超出可处理范围（万亿元以内）")
        values["total_due"] = parts
    elif total != parts:
        raise _FieldError("total_due", "欠款总额不等于本金、利息与违约金之和")
    minimum = values.get("minimum_due")
    if minimum is not None and minimum > values["total_due"]:
        raise _FieldError("minimum_due", "最低还款额大于欠款总额")
    if isinstance(as_of, date):
        due, days = values["due_date"], values["days_past_due"]
        if due > as_of and (days or 0) > 0:
            raise _FieldError("due_date", "到期日晚于基准日，逾期天数却大于0")
        counted = max(0, (as_of - due).days)
        if days is None:
            values["days_past_due"] = counted
        elif abs(days - counted) > tolerance:
            # A letter would print 「到期还款日为11月26日，现已逾期40天」 (D-09).
            raise _FieldError(
                "days_past_due", f"逾期天数与到期还款日、基准日不符（按日期计为{counted}天）"
            )


_AMOUNTS = ("principal", "interest", "fees", "total_due")
_DATES = ("due_date", "promise_to_pay_until")


class _FieldError(ValueError):
    """A model-level check that blames one field (so the message can name it)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class PaymentChannels(BaseModel):
    """The creditor's official ways to pay — the only ones a letter may name.

    Naming a personal account or a transfer to a collector is a classic fraud
    pattern; the linter (DL606) refuses any other channel.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    bank_account_name: str = Field(min_length=2, description="收款户名（债权机构对公账户）")
    bank_account_number: str = Field(
        pattern=r"^[0-9 ]{8,40}$", description="收款账号（对公账户，可全文打印）"
    )
    bank_name: str = Field(min_length=2, description="开户行")
    app: str = Field(default="", description="官方App名称")
    branches: str = Field(default="", description="可办理还款的网点说明")


class Creditor(BaseModel):
    """The issuing institution: who writes, how to reach it, how to pay it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=60, description="机构全称")
    department: str = Field(default="", max_length=30, description="部门，如 信用卡中心")
    hotline: str = Field(description="官方客服热线：95xxx、400 或固定电话")
    complaint_hotline: str = Field(default="", description="投诉/异议热线，缺省同客服热线")
    address: str = Field(min_length=4, max_length=120, description="机构地址")
    website: str = Field(default="", description="官方网站（https://…）")
    sms_signature: str = Field(description="短信签名，2至12个汉字、字母或数字，不含【】")
    payment: PaymentChannels

    @field_validator("hotline", "complaint_hotline")
    @classmethod
    def _official_phone(cls, value: str, info: ValidationInfo) -> str:
        if value == "" and info.field_name == "complaint_hotline":
            return value
        if not _OFFICIAL_PHONE.fullmatch(value):
            raise ValueError("须为95开头的客服号码、400/800号码或带区号的固定电话")
        return value

    @field_validator("sms_signature")
    @classmethod
    def _signature(cls, value: str) -> str:
        if any(c in value for c in "【】[]"):
            raise ValueError("短信签名不能包含【】或[]，平台会自动加上【】")
        if not _SIGNATURE.fullmatch(value):
            raise ValueError("短信签名须为2至12个汉字、字母或数字，不含空格和符号")
        if "测试" in value or "test" in value.lower():
            raise ValueError("短信签名不能含“测试”或“test”")
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        if value and not re.fullmatch(r"https://[A-Za-z0-9.\-]+(/[^\s]*)?", value):
            raise ValueError("官方网站须为 https:// 开头的网址")
        return value

    @model_validator(mode="after")
    def _complaints_default(self) -> Creditor:
        if not self.complaint_hotline:
            object.__setattr__(self, "complaint_hotline", self.hotline)
        return self


_PYDANTIC_REASONS = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不是已知字段",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "greater_than_equal": "不能为负数",
    "less_than_equal": "超出允许范围",
    "string_pattern_mismatch": "格式不正确",
    "date_type": "不是有效日期",
    "date_from_datetime_parsing": "不是有效日期",
    "model_type": "应为一组字段",
    "model_attributes_type": "应为一组字段",
}


def validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into ``(field, reason)`` pairs without input values.

    pydantic's own ``str(error)`` includes ``input_value=…``; for personal data
    that is a leak into logs, so we rebuild the messages from the error types and
    our own validators' (value-free) reasons.
    """
    problems: list[tuple[str, str]] = []
    for field, item in validation_items(error, "(记录)"):
        ctx = item.get("ctx") or {}
        raised = ctx.get("error")
        if isinstance(raised, _FieldError):
            problems.append((raised.field, raised.reason))
        elif item["type"] == "value_error" and raised is not None:
            problems.append((field, str(raised)))
        else:
            problems.append((field, _PYDANTIC_REASONS.get(item["type"], "取值无效")))
    return problems


def parse_account(
    data: Mapping[str, Any],
    *,
    as_of: date | None = None,
    row: int | None = None,
    source: str | None = None,
    days_tolerance: int = DAYS_TOLERANCE,
) -> Account:
    """Validate one account record, resolving ``days_past_due`` against ``as_of``.

    An ``id_number`` (身份证号) is read here and not kept: it gives the gender when the
    record has none. Raises :class:`RecordError` naming each bad field (and the row),
    never a value.
    """
    if "id_number" in data:
        data = _with_gender(data, row, source)
    if fastbuild.ENABLED:
        account = _account_from_cells(data, as_of, days_tolerance)
        if account is not None:
            return account
    try:
        return Account.model_validate(
            dict(data), context={"as_of": as_of, "days_tolerance": days_tolerance}
        )
    except ValidationError as error:
        raise RecordError(validation_problems(error), row=row, source=source) from None


_ID_18 = re.compile(r"\d{17}[\dX]", re.ASCII)
_ID_15 = re.compile(r"\d{15}", re.ASCII)


def id_gender(number: str) -> Gender | None:
    """The gender a resident ID number encodes (odd: male), None for another document.

    The 17th digit of an 18-digit 身份证号 (checked with its check character,
    GB 11643-1999), the 15th of an old 15-digit one; a passport number says nothing.

    >>> id_gender("110101199003070011"), id_gender("11010119900307002X"), id_gender("E12345678")
    ('male', 'female', None)
    """
    text = number.strip().upper()
    if _ID_18.fullmatch(text):
        if not id_valid(text):
            raise ValueError("身份证号校验位不符（号码有误）")
        return "male" if int(text[16]) % 2 else "female"
    if _ID_15.fullmatch(text):
        return "male" if int(text[14]) % 2 else "female"
    if CONTROL.search(text) or EXCEL_ERRORS.search(text):
        raise ValueError("证件号码含有不允许的字符")
    return None


def _with_gender(data: Mapping[str, Any], row: int | None, source: str | None) -> dict[str, Any]:
    """The record without its ID number, with the gender it gives when none is recorded."""
    record = dict(data)
    number = record.pop("id_number")
    if number is None or number == "":
        return record
    if not isinstance(number, str):
        raise RecordError([("id_number", "身份证号应为文本")], row=row, source=source)
    try:
        derived = id_gender(number)
        given = read_gender(record.get("gender"))
    except ValueError as error:
        field = "id_number" if "身份证" in str(error) or "证件" in str(error) else "gender"
        raise RecordError([(field, str(error))], row=row, source=source) from None
    if derived is not None:
        if given is None:
            record["gender"] = derived
        elif given != derived:
            raise RecordError([("gender", "性别与身份证号不符")], row=row, source=source)
    return record


# -- the cell fast path: parse_account's shortcut where fastbuild fits pydantic ---------

_repeated = functools.lru_cache(maxsize=1024)
"""For the cells a file repeats (a few dates, counts, 是/否): each is read once, then
looked up. Only here, where every cell is a (hashable) string and the results are
immutable (benchmarks/NOTES.md#records)."""

_CELL_CHECKS: dict[str, Callable[[str], Any]] = {
    "account_id": Account._account_id,
    "name": read_name,
    "gender": _repeated(read_gender),
    "card_number": Account._card_number,
    "mobile": Account._mobile,
    "address": read_text,
    "principal": parse_amount,
    "interest": parse_amount,
    "fees": parse_amount,
    "total_due": parse_amount,
    "due_date": _repeated(parse_date),
    "days_past_due": _repeated(read_optional_int),
    "dispute": _repeated(parse_bool),
    "deceased": _repeated(parse_bool),
    "hardship": _repeated(parse_bool),
    "promises_broken": _repeated(read_count),
    "promise_to_pay_until": _repeated(read_optional_date),
    "minimum_due": _optional_amount,
    "postcode": _postcode,
    "segment": _segment,
    "tone": _requested_tone,
}
"""Each field's own (before-)validator, as the model runs it on a text cell."""

_REQUIRED = frozenset(name for name, info in Account.model_fields.items() if info.is_required())
_DEFAULTS = {name: info.default for name, info in Account.model_fields.items()}
"""Every field in the model's order, with its default (required ones are always replaced)."""


def _account_from_cells(
    data: Mapping[str, Any], as_of: date | None, tolerance: int = DAYS_TOLERANCE
) -> Account | None:
    """The account that validating ``data`` gives, or None: then pydantic must say why.

    The same checks as :class:`Account`'s, run here on a record of text cells (every
    CSV row) instead of through pydantic, which calls a dozen Python before-validators
    from Rust at a cost that shows in a batch (benchmarks/NOTES.md#records); only
    where :mod:`.fastbuild` fits the installed pydantic. Each field goes through the
    model's own validator (:data:`_CELL_CHECKS`), then the constraints pydantic adds
    (lengths, ranges, text that pydantic-core cannot take: lone surrogates), then the
    record-level rules (:func:`_settle`). Anything else — an unknown or missing
    field, a cell that is not text, any check failing — returns None, and the caller
    validates the record through pydantic for the exact, complete list of problems.
    """
    if not data.keys() >= _REQUIRED:
        return None
    values = _DEFAULTS.copy()
    try:
        for name, cell in data.items():
            if type(cell) is not str:
                return None
            values[name] = _CELL_CHECKS[name](cell)
        (values["name"] + values["address"]).encode()  # a lone surrogate raises, as in pydantic
        days, promises = values["days_past_due"], values["promises_broken"]
        if (
            not 1 <= len(values["name"]) <= _NAME_LENGTH
            or len(values["address"]) > _ADDRESS_LENGTH
            or not (days is None or 0 <= days <= _MAX_DAYS)
            or not 0 <= promises <= _MAX_PROMISES
        ):
            return None
        _settle(values, as_of, tolerance)
    except Exception:  # any refusal: pydantic reports it (or raises it) as it always has
        return None
    return fastbuild.build(Account, values, set(data))
