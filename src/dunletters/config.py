"""Settings: ``dunletters.toml`` or ``[tool.dunletters]`` in ``pyproject.toml``.

The escalation policy is configuration, not code (DESIGN.md): a bank sets its own
stage boundaries, tone rules and thresholds here. Every table is validated with
``extra="forbid"`` so a misspelt key is an error that names it, instead of a
setting silently ignored in a run that sends letters to thousands of people.

Lookup order for :func:`load_settings`: an explicit path; else ``dunletters.toml``
in the working directory; else ``[tool.dunletters]`` in ``pyproject.toml``; else
the built-in defaults (with the synthetic example creditor, for demos only).

A batch refuses to send letters for a creditor nobody configured: without a
``[creditor]`` table, or with one marked ``example = true`` (the examples' config),
only ``--demo`` runs it (:attr:`Settings.creditor_status`).
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from dunletters.columns import check_aliases, check_ignored
from dunletters.errors import ConfigError, describe_validation
from dunletters.models import DAYS_TOLERANCE, Account, Creditor, PaymentChannels, parse_amount
from dunletters.vocabulary import STAGE_NAMES, STAGES, TONES, Stage

# STAGES, STAGE_NAMES and TONES live in ``vocabulary``; re-exported for older importers.
__all__ = [
    "CREDITOR_HINT",
    "STAGES",
    "STAGE_NAMES",
    "TONES",
    "Allowance",
    "BatchSettings",
    "CreditorStatus",
    "LedgerPolicy",
    "LedgerSettings",
    "LetterSettings",
    "LintSettings",
    "Policy",
    "RenderSettings",
    "Settings",
    "SmsSettings",
    "StageRule",
    "ToneRule",
    "example_creditor",
    "load_settings",
]

_TONE = re.compile(r"[a-z][a-z0-9_-]{1,31}")


def _tone(value: object) -> object:
    if isinstance(value, str) and not _TONE.fullmatch(value):
        raise ValueError("语气名须为小写字母开头的英文标识，如 courteous")
    return value


Tone = Annotated[str, BeforeValidator(_tone)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StageRule(_Strict):
    """One escalation stage: its day range, default tone and payment deadline."""

    id: Stage
    min_days: int = Field(ge=1)
    max_days: int | None = Field(default=None, ge=1, description="None: no upper bound")
    tone: Tone
    deadline_days: int = Field(ge=1, le=60, description="签发日起多少天内还款")

    @property
    def name(self) -> str:
        """The stage's Chinese name (前期提醒 …)."""
        return STAGE_NAMES[self.id]


DEFAULT_SOURCES = {
    "stage": "阶段缺省语气",
    "hardship_tone": "困难客户（hardship_tone）",
    "broken_promise_tone": "多次爽约（broken_promise_tone）",
}
"""Where a tone comes from when no tone rule matched: the manifest's ``tone_rule``
value, and what people read. A tone rule may not take one of these names."""

_Money = Annotated[Decimal, BeforeValidator(parse_amount)]


class ToneRule(_Strict):
    """A tone chosen by policy (``[[policy.tone_rules]]``): accounts that meet every
    condition given get ``tone`` — the first matching rule wins, before the hardship
    and broken-promise defaults and the stage's own tone (issue #16, item 5)."""

    name: str = Field(min_length=1, max_length=40, description="规则名：写入清单，供审核追溯")
    tone: Tone | None = Field(default=None, description="采用的语气；省略时用账户“语气”列所指定的")
    stages: tuple[Stage, ...] = Field(default=(), description="只用于这些阶段；空为全部阶段")
    hardship: bool | None = Field(default=None, description="true：仅困难客户；false：仅非困难客户")
    min_promises_broken: int | None = Field(default=None, ge=1, description="爽约至少几次")
    min_total_due: _Money | None = Field(default=None, description="欠款总额 ≥ 此数")
    max_total_due: _Money | None = Field(default=None, description="欠款总额 < 此数")
    min_days: int | None = Field(default=None, ge=1, description="逾期天数 ≥ 此数")
    max_days: int | None = Field(default=None, ge=1, description="逾期天数 ≤ 此数")
    segments: tuple[str, ...] = Field(default=(), description="客群（segment 列）为其中之一")
    requested: tuple[Tone, ...] = Field(
        default=(), description="账户“语气”列（tone）为其中之一；未写 tone 时即采用该语气"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ToneRule:
        if self.tone is None and not self.requested:
            raise ValueError(f"语气规则「{self.name}」须写 tone，或以 requested 采用账户指定的语气")
        if self.name in DEFAULT_SOURCES:
            raise ValueError(f"语气规则名「{self.name}」为保留名，请换一个")
        low, high = self.min_total_due, self.max_total_due
        if low is not None and high is not None and high <= low:
            raise ValueError(f"语气规则「{self.name}」的 max_total_due 须大于 min_total_due")
        if (
            self.min_days is not None
            and self.max_days is not None
            and self.max_days < self.min_days
        ):
            raise ValueError(f"语气规则「{self.name}」的 max_days 小于 min_days")
        return self

    def matches(self, account: Account, stage: str, days: int) -> bool:
        """Whether an account of this stage, ``days`` past due, meets every condition."""
        return (
            (not self.stages or stage in self.stages)
            and (self.hardship is None or account.hardship == self.hardship)
            and (
                self.min_promises_broken is None
                or account.promises_broken >= self.min_promises_broken
            )
            and (self.min_total_due is None or account.total_due >= self.min_total_due)
            and (self.max_total_due is None or account.total_due < self.max_total_due)
            and (self.min_days is None or days >= self.min_days)
            and (self.max_days is None or days <= self.max_days)
            and (not self.segments or account.segment in self.segments)
            and (not self.requested or account.tone in self.requested)
        )

    def tone_for(self, account: Account) -> str:
        """The tone this rule gives a matching account."""
        return self.tone or account.tone

    def tones(self) -> tuple[str, ...]:
        """Every tone this rule can give (each needs its templates)."""
        return (self.tone,) if self.tone else self.requested

    def describe(self) -> str:
        """The accounts the rule reaches, in one Chinese phrase (``stages``, previews)."""
        parts = []
        if self.stages:
            parts.append("阶段为" + "、".join(STAGE_NAMES[s] for s in self.stages))
        if self.min_days is not None or self.max_days is not None:
            low, high = self.min_days, self.max_days
            parts.append(
                f"逾期{low}–{high}天"
                if low is not None and high is not None
                else (f"逾期 ≥ {low} 天" if low is not None else f"逾期 ≤ {high} 天")
            )
        if self.min_total_due is not None:
            parts.append(f"欠款总额 ≥ ¥{self.min_total_due:,.2f}")
        if self.max_total_due is not None:
            parts.append(f"欠款总额 < ¥{self.max_total_due:,.2f}")
        if self.hardship is not None:
            parts.append("困难客户" if self.hardship else "非困难客户")
        if self.min_promises_broken is not None:
            parts.append(f"爽约 ≥ {self.min_promises_broken} 次")
        if self.segments:
            parts.append("客群为" + "、".join(self.segments))
        if self.requested:
            parts.append("账户指定语气为" + "、".join(self.requested))
        return "、".join(parts) or "所有账户"


def _default_stages() -> tuple[StageRule, ...]:
    return (
        StageRule(id="early", min_days=1, max_days=5, tone="courteous", deadline_days=7),
        StageRule(id="middle", min_days=6, max_days=18, tone="firm", deadline_days=7),
        StageRule(id="late", min_days=19, max_days=28, tone="firm", deadline_days=5),
        StageRule(id="final", min_days=29, max_days=None, tone="firm", deadline_days=5),
    )


class Policy(_Strict):
    """How days past due and case flags become a (stage, tone) or a hold."""

    stages: tuple[StageRule, ...] = Field(default_factory=_default_stages)
    hardship_tone: Tone = "empathetic"
    firm_after_promises_broken: int = Field(default=2, ge=1)
    broken_promise_tone: Tone = "firm"
    min_amount: Annotated[Decimal, BeforeValidator(parse_amount)] = Decimal("10.00")
    tone_rules: tuple[ToneRule, ...] = Field(
        default=(), description="语气规则：按顺序，第一条符合的决定语气"
    )

    @field_validator("stages", mode="before")
    @classmethod
    def _stage_names(cls, value: Any) -> Any:
        # Name the unknown stage in the message (pydantic's literal error would not
        # say which table of the list was wrong).
        if isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, dict) and item.get("id") not in STAGES:
                    raise ValueError(
                        f"第{index + 1}个阶段的 id 不是已知阶段（可用：{'、'.join(STAGES)}）"
                    )
        return value

    @model_validator(mode="after")
    def _contiguous(self) -> Policy:
        ids = [stage.id for stage in self.stages]
        if len(set(ids)) != len(ids):
            raise ValueError("阶段 id 重复")
        if not self.stages or self.stages[0].min_days != 1:
            raise ValueError("第一个阶段须从逾期第1天开始")
        for before, after in zip(self.stages, self.stages[1:], strict=False):
            if before.max_days is None or after.min_days != before.max_days + 1:
                raise ValueError(f"阶段 {before.id} 与 {after.id} 的天数区间不连续")
        for stage in self.stages:
            if stage.max_days is not None and stage.max_days < stage.min_days:
                raise ValueError(f"阶段 {stage.id} 的 max_days 小于 min_days")
        if self.stages[-1].max_days is not None:
            raise ValueError("最后一个阶段不能设上限（max_days），否则逾期更久的账户无处可去")
        names = [rule.name for rule in self.tone_rules]
        if len(set(names)) != len(names):
            raise ValueError("语气规则名重复：每条规则须有自己的名字（清单据此追溯）")
        for rule in self.tone_rules:
            unknown = [stage for stage in rule.stages if stage not in ids]
            if unknown:
                raise ValueError(f"语气规则「{rule.name}」的阶段 {'、'.join(unknown)} 不在策略中")
        return self

    def tones(self) -> set[str]:
        """Every tone this policy can produce (the registry checks each has templates)."""
        return {tone for stage in self.stages for tone, _ in self.tone_sources(stage.id)}

    def tone_sources(self, stage: str) -> list[tuple[str, str]]:
        """Every (tone, where it comes from) this policy can give a stage: its tone rules
        (by name) first, then the hardship, broken-promise and stage defaults."""
        default = next(rule.tone for rule in self.stages if rule.id == stage)
        found = [
            (tone, rule.name)
            for rule in self.tone_rules
            if not rule.stages or stage in rule.stages
            for tone in rule.tones()
        ]
        return [
            *found,
            (self.hardship_tone, "hardship_tone"),
            (self.broken_promise_tone, "broken_promise_tone"),
            (default, "stage"),
        ]


def _clock(value: object) -> object:
    if isinstance(value, str):
        if not re.fullmatch(r"\d{2}:\d{2}(:00)?", value):
            raise ValueError("时间应写成 HH:MM，如 08:00")
        return time.fromisoformat(value)
    return value


Clock = Annotated[time, BeforeValidator(_clock)]


class SmsSettings(_Strict):
    """SMS sending rules (CBA 2026 指引: no collection 22:00–08:00; we keep an hour inside)."""

    window_start: Clock = time(8, 0)
    window_end: Clock = time(21, 0)
    timezone: str = "Asia/Shanghai"
    max_per_day: int = Field(default=1, ge=1, le=10)
    rate_per_minute: int = Field(
        default=1000, ge=1, le=1_000_000, description="每分钟排入发送的短信条数（摊开发送时间）"
    )
    max_segments: int = Field(default=2, ge=1, le=7)
    international: bool = Field(
        default=False, description="按 GSM-7 160/153 计费（仅国际/港澳台号码）"
    )
    shared_mobile: Literal["hold", "warn"] = Field(
        default="hold",
        description="同一手机号对应不同姓名时：hold 暂停这些账户的短信（缺省），warn 照发并在摘要中提示",
    )

    @model_validator(mode="after")
    def _window(self) -> SmsSettings:
        if self.window_end <= self.window_start:
            raise ValueError("发送时段的结束时间须晚于开始时间")
        if self.window_start < time(8, 0) or self.window_end > time(22, 0):
            raise ValueError("发送时段不能早于08:00或晚于22:00（行业催收指引）")
        return self


class LetterSettings(_Strict):
    """Letter numbering (函号): unique and sequential per creditor and year."""

    number_format: str = "示银信催〔{year}〕第{seq:06d}号"
    pdf_variant: Literal["pdf/a-2b"] | None = Field(
        default=None, description="PDF/A-2b 归档格式（WeasyPrint 的 pdf_variant）；缺省为普通 PDF"
    )
    fee_label: Literal["违约金", "滞纳金", "逾期费用"] = Field(
        default="违约金", description="欠款明细中费用一项的名称（按合同用语）"
    )
    print_order: Literal["input", "postcode"] = Field(
        default="input",
        description="印刷合并文件每个分册内的信函顺序：input 按输入顺序，postcode 按邮编（便于邮局分拣）",
    )

    @field_validator("number_format")
    @classmethod
    def _number_format(cls, value: str) -> str:
        try:
            value.format(year=2026, seq=1)
        except (KeyError, IndexError, ValueError):
            raise ValueError("函号格式只能使用 {year} 与 {seq}（如 {seq:06d}）") from None
        if "{seq" not in value:
            raise ValueError("函号格式须包含序号 {seq}")
        return value


class RenderSettings(_Strict):
    """Bounds on rendering one document (a template is text: its loops must not hang a run)."""

    time_limit: float = Field(default=10.0, gt=0, le=600, description="每份文书的渲染时限（秒）")
    max_output_chars: int = Field(
        default=1_000_000, ge=10_000, le=50_000_000, description="每份文书渲染结果的字符上限"
    )


class BatchSettings(_Strict):
    """The batch job's input: a project's own column headers, the ones to ignore, tolerances.

    ``[batch.columns]`` maps a header as it appears in the file (CSV, XLSX or JSON Lines
    key) to a canonical column, on top of the built-in Chinese aliases
    (``dunletters.columns.BUILTIN_ALIASES``): ``"证件卡号" = "card_number"``.
    ``ignore_columns`` lists headers the batch may skip (any other unknown header stops
    it); ``days_tolerance`` is how far a given 逾期天数 may be from the count of days
    since the due date; ``worker_writes`` has the workers write the files to the output
    folder themselves (``--worker-writes``: shared storage, past a few dozen cores).
    """

    columns: dict[str, str] = Field(default_factory=dict)
    ignore_columns: list[str] = Field(default_factory=list)
    days_tolerance: int = Field(default=DAYS_TOLERANCE, ge=0, le=31)
    worker_writes: bool = Field(
        default=False, description="工作进程自己把文件写入输出目录（共享存储），同 --worker-writes"
    )

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        return check_aliases(value)

    @field_validator("ignore_columns")
    @classmethod
    def _ignore_columns(cls, value: list[str]) -> list[str]:
        return check_ignored(value)


SeverityName = Literal["error", "warning", "info"]


class Allowance(_Strict):
    """A project-level, reasoned relaxation of a compliance rule (DL6xx)."""

    code: str = Field(pattern=r"^DL6\d\d$")
    reason: str = Field(min_length=8, description="为何可以放宽：写给合规审查的人看")
    paths: tuple[str, ...] = Field(default=(), description="只对这些文件（glob）生效；空为全部")


class LintSettings(_Strict):
    """The ``[lint]`` table: which rules run, their severities, parameters and lists.

    Select and ignore by code (``DL302``), prefix (``DL3``) or name (``long-sentence``);
    override severities; set rule parameters; extend the phrase lists from a folder.
    Compliance rules (DL6xx) are different on purpose: a template author cannot turn
    them off inline, and a project can relax one only through an ``[[lint.allow]]``
    entry that names the code and a written reason (kept in the config, reviewed like
    code).
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    params: dict[str, dict[str, int | float | str]] = Field(default_factory=dict)
    allow: tuple[Allowance, ...] = ()
    lexicons: tuple[str, ...] = Field(default=(), description="额外词表目录，同名词表追加条目")
    link_allowlist: tuple[str, ...] = Field(default=(), description="允许出现的官方域名")
    second_opinion: Literal["drafts", "always", "off"] = Field(
        default="drafts",
        description=(
            "统计模型第二意见（规则未命中的句子若模型判为违规，给出警告）：drafts 只读人写的文字"
            "（草稿、模板、送检文件），不读批次按已审模板生成的信函；always 也读批次；off 关闭"
        ),
    )

    @model_validator(mode="after")
    def _compliance_needs_reason(self) -> LintSettings:
        allowed = {allowance.code for allowance in self.allow}
        for selector in self.ignore:
            if selector.upper().startswith("DL6") and not (
                len(selector) == 5 and selector.upper() in allowed
            ):
                raise ValueError(
                    f"合规规则 {selector} 不能用 ignore 关闭：请用 [[lint.allow]] 写明 code 与 reason"
                )
        for code, level in self.severity.items():
            if code.upper().startswith("DL6") and level != "error" and code.upper() not in allowed:
                raise ValueError(
                    f"合规规则 {code} 不能降级：请用 [[lint.allow]] 写明 code 与 reason"
                )
        return self


def example_creditor() -> Creditor:
    """The synthetic creditor of the demos and tests — not a real institution."""
    return Creditor(
        name="示范银行股份有限公司",
        department="信用卡中心",
        hotline="95099",
        complaint_hotline="400-820-9099",
        address="上海市浦东新区示范路100号",
        website="https://www.example-bank.cn",
        sms_signature="示范银行",
        payment=PaymentChannels(
            bank_account_name="示范银行股份有限公司信用卡中心",
            bank_account_number="3100 2000 1000 8888 0001",
            bank_name="示范银行上海分行营业部",
            app="示范银行手机银行App",
            branches="示范银行各营业网点",
        ),
    )


CreditorStatus = Literal["configured", "example", "missing"]
"""Whose letters a run writes: a creditor configured for real, the examples' creditor
(``[creditor] example = true``), or none at all (the built-in example stands in)."""

CREDITOR_HINT = (
    "请在 dunletters.toml 的 [creditor] 与 [creditor.payment] 中填写贵机构的名称、热线、地址、"
    "短信签名与收款账户（可参照 examples/dunletters.toml），用 --config 指定该文件"
)
"""How to configure a creditor, for every message that says none is configured."""


class Settings(_Strict):
    """Everything a run needs besides its records and templates."""

    creditor: Creditor = Field(default_factory=example_creditor)
    creditor_is_example: bool = Field(
        default=False, exclude=True, description="[creditor] example = true: a demo's creditor"
    )
    policy: Policy = Field(default_factory=Policy)
    sms: SmsSettings = Field(default_factory=SmsSettings)
    letters: LetterSettings = Field(default_factory=LetterSettings)
    render: RenderSettings = Field(default_factory=RenderSettings)
    lint: LintSettings = Field(default_factory=LintSettings)
    batch: BatchSettings = Field(default_factory=BatchSettings)
    ledger: LedgerSettings = Field(default_factory=lambda: LedgerSettings())
    source: str = Field(default="(内置默认)", exclude=True, description="where it was read from")

    @model_validator(mode="before")
    @classmethod
    def _example_flag(cls, data: Any) -> Any:
        # ``example`` sits in the [creditor] table of the examples' config, but it says
        # something about the configuration, not the institution: it never reaches a letter.
        creditor = data.get("creditor") if isinstance(data, dict) else None
        if isinstance(creditor, dict) and "example" in creditor:
            creditor = dict(creditor)
            flag = creditor.pop("example")
            if not isinstance(flag, bool):
                raise ValueError("creditor.example 须为 true 或 false")
            data = {**data, "creditor": creditor, "creditor_is_example": flag}
        return data

    @property
    def creditor_status(self) -> CreditorStatus:
        """Whether the creditor was configured, is the examples' one, or is missing."""
        if "creditor" not in self.model_fields_set:
            return "missing"
        return "example" if self.creditor_is_example else "configured"

    def stage_rule(self, stage: str) -> StageRule:
        """The rule for a stage id (KeyError-free: the policy holds every stage it uses)."""
        for rule in self.policy.stages:
            if rule.id == stage:
                return rule
        raise ConfigError(
            f"策略中没有阶段 {stage}（可用：{'、'.join(s.id for s in self.policy.stages)}）"
        )


def _reason(item: ErrorDetails) -> str:
    """A settings error's reason: our validators' own text, else pydantic's."""
    if item["type"] == "extra_forbidden":
        return "未知的配置项"
    if item["type"] == "missing":
        return "缺少必填项"
    ctx = item.get("ctx") or {}
    return str(ctx.get("error") or item["msg"])


def settings_from_mapping(data: dict[str, Any], source: str) -> Settings:
    """Validate a parsed TOML table into :class:`Settings` (errors name the key)."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as error:
        where = f"配置错误（{source}）："
        raise ConfigError(describe_validation(error, where, reason=_reason, top="(顶层)")) from None
    return settings.model_copy(update={"source": source})


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件：{path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码") from None


def load_settings(path: Path | None = None, *, cwd: Path | None = None) -> Settings:
    """Find and load the settings (see the module docstring for the lookup order)."""
    if path is not None:
        data = _read_toml(path)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("dunletters", {})
        return settings_from_mapping(data, str(path))
    here = cwd or Path.cwd()
    candidate = here / "dunletters.toml"
    if candidate.is_file():
        return settings_from_mapping(_read_toml(candidate), str(candidate))
    pyproject = here / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("dunletters")
        if isinstance(table, dict):
            return settings_from_mapping(table, f"{pyproject} [tool.dunletters]")
    return Settings()


class LedgerPolicy(_Strict):
    """Caps and sequence the batch enforces from the contact ledger (safe defaults)."""

    sms_per_day: int = Field(default=1, ge=1, description="每位客户每天最多几条短信")
    sms_per_week: int = Field(default=3, ge=1, description="每位客户 7 天内最多几条短信")
    sms_per_month: int = Field(default=8, ge=1, description="每位客户 30 天内最多几条短信")
    phone_sms_per_day: int = Field(default=1, ge=1, description="每个手机号每天最多几条短信")
    phone_sms_per_week: int = Field(default=3, ge=1, description="每个手机号 7 天内最多几条")
    phone_sms_per_month: int = Field(default=8, ge=1, description="每个手机号 30 天内最多几条")
    letter_min_gap_days: int = Field(default=7, ge=0, description="两封信函之间至少相隔几天")
    one_letter_per_stage: bool = Field(default=True, description="每个逾期周期每个阶段至多一封信函")
    allow_stage_skip: bool = Field(
        default=False, description="允许在本周期没有已送达的前一阶段文书时直接发后一阶段"
    )
    hold_returned_mail: bool = Field(default=True, description="上一封信函被退回时暂停，待核实地址")


class LedgerSettings(_Strict):
    """``[ledger]``: the contact history shared by every batch (off unless enabled)."""

    enabled: bool = False
    url: str | None = Field(
        default=None,
        description="sqlite:///路径 或 postgresql://…；默认为函号文件旁的 ledger.sqlite",
    )
    secret: SecretStr | None = Field(
        default=None,
        description="手机号 HMAC 的密钥；也可用环境变量 DUNLETTERS_LEDGER_SECRET（优先）",
    )
    retention_years: int = Field(
        default=5, ge=1, le=30, description="催收记录保存年限（催收记录至少保存 5 年）"
    )
    policy: LedgerPolicy = Field(default_factory=LedgerPolicy)

    @field_validator("url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite:///", "postgresql")):
            raise ValueError("只支持 sqlite:///路径 或 postgresql://…")
        return value


Settings.model_rebuild()
