"""Input columns: the canonical names, the headers real exports use, and what is ignored.

The record layer's vocabulary for a file's header row (CSV, XLSX, JSON Lines keys):
every header is accounted for before a letter is written — a canonical column, a
built-in or project alias (``[batch.columns]``), explicitly ignored
(``[batch] ignore_columns``, ``--ignore-column``), or unknown, which stops the run with
the closest known field as a hint (a hold flag dropped in silence sends letters to a
deceased or disputing customer). Headers compare by :func:`header_key`: NFKC
(full-width → half-width), trimmed, case-folded.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "BUILTIN_ALIASES",
    "BUILTIN_IGNORED",
    "CANONICAL_COLUMNS",
    "FIELD_LABELS",
    "HOLD_FLAG_COLUMNS",
    "INPUT_ONLY_COLUMNS",
    "REQUIRED_COLUMNS",
    "check_aliases",
    "check_ignored",
    "header_key",
    "label",
    "lookup_table",
    "suggest",
]

CANONICAL_COLUMNS = (
    "account_id",
    "name",
    "gender",
    "card_number",
    "mobile",
    "address",
    "principal",
    "interest",
    "fees",
    "total_due",
    "due_date",
    "days_past_due",
    "dispute",
    "deceased",
    "hardship",
    "promises_broken",
    "promise_to_pay_until",
    "id_number",
    "minimum_due",
    "postcode",
    "segment",
    "tone",
)
REQUIRED_COLUMNS = ("account_id", "name", "card_number", "mobile", "principal", "due_date")
INPUT_ONLY_COLUMNS = frozenset({"id_number"})
"""Read at intake and not kept: the ID number only gives the gender (no letter prints it)."""
HOLD_FLAG_COLUMNS = ("dispute", "deceased", "promise_to_pay_until")
"""Columns that hold an account back; a file without them is said to have none."""

FIELD_LABELS: Mapping[str, str] = {
    "account_id": "账号",
    "name": "姓名",
    "gender": "性别",
    "card_number": "卡号",
    "mobile": "手机号",
    "address": "通讯地址",
    "principal": "本金",
    "interest": "利息",
    "fees": "违约金",
    "total_due": "欠款总额",
    "due_date": "到期还款日",
    "days_past_due": "逾期天数",
    "dispute": "争议",
    "deceased": "已故",
    "hardship": "还款困难",
    "promises_broken": "爽约次数",
    "promise_to_pay_until": "承诺还款日",
    "id_number": "身份证号",
    "minimum_due": "最低还款额",
    "postcode": "邮政编码",
    "segment": "客群",
    "tone": "语气",
}
"""Each column's Chinese name, for messages a user reads."""

BUILTIN_ALIASES: Mapping[str, str] = {
    "账号": "account_id",
    "账户号": "account_id",
    "客户号": "account_id",
    "合同编号": "account_id",
    "借据号": "account_id",
    "姓名": "name",
    "客户姓名": "name",
    "客户名称": "name",
    "性别": "gender",
    "卡号": "card_number",
    "信用卡卡号": "card_number",
    "贷款合同号": "card_number",
    "合同号": "card_number",
    "手机号": "mobile",
    "手机号码": "mobile",
    "手机": "mobile",
    "移动电话": "mobile",
    "地址": "address",
    "通讯地址": "address",
    "联系地址": "address",
    "本金": "principal",
    "欠款本金": "principal",
    "利息": "interest",
    "违约金": "fees",
    "滞纳金": "fees",
    "滞纳金/违约金": "fees",
    "欠款总额": "total_due",
    "应还总额": "total_due",
    "应还金额": "total_due",
    "到期日": "due_date",
    "到期还款日": "due_date",
    "最后还款日": "due_date",
    "逾期天数": "days_past_due",
    "争议": "dispute",
    "是否争议": "dispute",
    "投诉争议": "dispute",
    "已故": "deceased",
    "是否已故": "deceased",
    "困难": "hardship",
    "是否困难": "hardship",
    "爽约次数": "promises_broken",
    "承诺还款日": "promise_to_pay_until",
    "证件号": "id_number",
    "证件号码": "id_number",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "最低还款额": "minimum_due",
    "最低还款": "minimum_due",
    "最低应还金额": "minimum_due",
    "最低应还款额": "minimum_due",
    "邮编": "postcode",
    "邮政编码": "postcode",
    "客群": "segment",
    "分群": "segment",
    "客户分层": "segment",
    "语气": "tone",
    "指定语气": "tone",
}
"""The usual Chinese headers of a core-system export (issue: batch generation, #15)."""

BUILTIN_IGNORED = frozenset({"序号"})
"""Headers every export has that no letter uses: the row count."""


def header_key(title: str) -> str:
    """How headers are compared: NFKC (full-width → half-width), trimmed, case-folded.

    >>> header_key("  Ｍｏｂｉｌｅ "), header_key("\\ufeff账号")
    ('mobile', '账号')
    """
    return unicodedata.normalize("NFKC", title.lstrip("\ufeff")).strip().casefold()


def label(column: str) -> str:
    """A column as a user reads it: 本金（principal）.

    >>> label("principal"), label("(整行)")
    ('本金（principal）', '(整行)')
    """
    chinese = FIELD_LABELS.get(column)
    return f"{chinese}（{column}）" if chinese else column


def _builtin_lookup() -> dict[str, str]:
    lookup = {header_key(name): name for name in CANONICAL_COLUMNS}
    lookup.update((header_key(alias), canonical) for alias, canonical in BUILTIN_ALIASES.items())
    return lookup


_BUILTIN_LOOKUP = _builtin_lookup()
_BUILTIN_IGNORED_KEYS = frozenset(header_key(title) for title in BUILTIN_IGNORED)


def lookup_table(aliases: Mapping[str, str]) -> dict[str, str]:
    """Normalised header → canonical column: the built-in names and aliases, then the project's."""
    return _BUILTIN_LOOKUP | {header_key(alias): canonical for alias, canonical in aliases.items()}


def ignored_keys(ignore: Iterable[str]) -> frozenset[str]:
    """Normalised headers to ignore: the built-in ones and the project's or command's."""
    return _BUILTIN_IGNORED_KEYS | {header_key(title) for title in ignore}


def check_aliases(aliases: Mapping[str, str]) -> dict[str, str]:
    """Validate a project's header aliases (header in the file → canonical column).

    Raises :class:`ValueError` naming the header when the target is not a canonical
    column, when two headers of the table are the same header once normalised
    (:func:`header_key`) but mean different columns, or when a header already
    means another column built in (``姓名`` is ``name``; ``"姓名" = "address"``
    would silently change every file that uses it).

    >>> check_aliases({"证件卡号": "card_number"})
    {'证件卡号': 'card_number'}
    >>> check_aliases({"姓名": "address"})
    Traceback (most recent call last):
    ...
    ValueError: 「姓名」已是内置列名或别名，表示 name，不能改为 address
    """
    seen: dict[str, tuple[str, str]] = {}
    for header, target in aliases.items():
        key = header_key(header)
        if not key:
            raise ValueError("别名的表头不能为空")
        if target not in CANONICAL_COLUMNS:
            raise ValueError(
                f"「{header}」的目标列 {target!r} 不是已知列（可用：{'、'.join(CANONICAL_COLUMNS)}）"
            )
        builtin = _BUILTIN_LOOKUP.get(key)
        if builtin is not None and builtin != target:
            raise ValueError(f"「{header}」已是内置列名或别名，表示 {builtin}，不能改为 {target}")
        if key in seen and seen[key][1] != target:
            other, meaning = seen[key]
            raise ValueError(
                f"「{other}」与「{header}」是同一个表头（不计大小写、空格与全角半角），"
                f"却分别表示 {meaning} 与 {target}"
            )
        seen[key] = (header, target)
    return dict(aliases)


def check_ignored(headers: Iterable[str]) -> list[str]:
    """Validate headers to ignore: none empty, none a known column (that would drop data).

    >>> check_ignored(["所属分行"])
    ['所属分行']
    >>> check_ignored(["是否已故"])
    Traceback (most recent call last):
    ...
    ValueError: 「是否已故」是已知的列（deceased），不能忽略
    """
    titles = list(headers)
    for title in titles:
        key = header_key(title)
        if not key:
            raise ValueError("忽略的表头不能为空")
        known = _BUILTIN_LOOKUP.get(key)
        if known is not None:
            raise ValueError(f"「{title}」是已知的列（{known}），不能忽略")
    return titles


_HINTS = (
    (re.compile("已故|死亡|身故"), "deceased"),
    (re.compile("争议|投诉|异议"), "dispute"),
    (re.compile("困难"), "hardship"),
    (re.compile("爽约|违约次数"), "promises_broken"),
    (re.compile("承诺"), "promise_to_pay_until"),
    (re.compile("最低"), "minimum_due"),
    (re.compile("滞纳|违约|罚息|费用"), "fees"),
    (re.compile("利息"), "interest"),
    (re.compile("本金"), "principal"),
    (re.compile("总额|应还|欠款金额|合计"), "total_due"),
    (re.compile("天数"), "days_past_due"),
    (re.compile("日期|还款日|到期"), "due_date"),
    (re.compile("手机|电话"), "mobile"),
    (re.compile("卡号"), "card_number"),
    (re.compile("身份证|证件"), "id_number"),
    (re.compile("地址"), "address"),
    (re.compile("姓名|名称|客户名"), "name"),
    (re.compile("性别"), "gender"),
    (re.compile("账号|编号|合同|借据"), "account_id"),
)
"""Words a header may hold and the column they most likely mean (hold flags first)."""


def suggest(title: str) -> str | None:
    """The known column an unknown header most likely means, or None.

    >>> suggest("是否已故"), suggest("客户是否投诉"), suggest("Mobil"), suggest("所属分行")
    ('deceased', 'dispute', 'mobile', None)
    """
    key = header_key(title)
    for pattern, column in _HINTS:
        if pattern.search(key):
            return column
    close = difflib.get_close_matches(key, list(_BUILTIN_LOOKUP), n=1, cutoff=0.6)
    return _BUILTIN_LOOKUP[close[0]] if close else None


def unknown_message(source: str, unknown: list[str]) -> str:
    """The error for headers nobody mapped: each with its likely column and what to add."""
    lines = []
    for title in unknown:
        column = suggest(title)
        if column is None:
            hint = f"在 [batch] ignore_columns 中列出或用 --ignore-column {title} 忽略"
            lines.append(f"  「{title}」：不是已知的列；若无用，{hint}")
        else:
            lines.append(
                f"  「{title}」 → {column}（{FIELD_LABELS[column]}）？"
                f'在 [batch.columns] 中加一行 "{title}" = "{column}"；'
                f"若无用，用 --ignore-column {title} 忽略"
            )
    return f"{source}：有 {len(unknown)} 个未识别的表头，未生成任何文书：\n" + "\n".join(lines)
