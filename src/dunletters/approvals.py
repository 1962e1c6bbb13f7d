"""Template approvals bound to content: who approved which wording, when (issue #16).

A template is approved when an approval names its loader name and the SHA-256 of what
it prints: its body (the text after the front matter) and every template it extends,
includes or imports (the letters' ``_layout`` and ``_macros``), resolved as a run
resolves them (:func:`content_sha256`). A copied template, an edited wording or an
edited layout gives another hash and shows as 「未审核」 until someone approves it again. Approvals live in
``approvals.toml`` beside ``letters/`` and ``sms/`` in each templates folder, a file the
team keeps in git; ``dunletters templates approve`` appends to it, one ``[[approval]]``
table each, so its history reads as a list of sign-offs::

    [[approval]]
    template = "letters/early.courteous.html.j2"
    sha256 = "…"
    by = "合规审查组"
    at = 2026-11-28T10:00:00+08:00
    note = "首版"
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dunletters.errors import TemplateError

__all__ = [
    "APPROVALS_FILE",
    "UNREVIEWED",
    "Approval",
    "append_approval",
    "body_sha256",
    "content_sha256",
    "find_approval",
    "load_approvals",
]

APPROVALS_FILE = "approvals.toml"
UNREVIEWED = "未审核"
"""How an unapproved template is labelled everywhere (list, preview, serve, batch)."""

_HEADER = (
    "# 模板审核记录：每条审核对应模板正文（头部之后的文字）及其引用的版式、宏文件的 SHA-256。\n"
    "# 正文或版式一改，原审核即不再适用，须重新审核：dunletters templates approve KEY --by 姓名\n"
    "# 本文件与模板一同纳入版本管理；只追加，不修改已有记录。\n"
)


class Approval(BaseModel):
    """One sign-off: a template's body, by whom, when, with an optional note."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    template: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    by: str = Field(min_length=1, max_length=60)
    at: datetime
    note: str = Field(default="", max_length=200)

    @property
    def label(self) -> str:
        """For people: who, on which day, which body."""
        return f"{self.by} {self.at.date().isoformat()} {self.sha256[:8]}"

    def to_json(self) -> dict[str, str]:
        """As the manifest records it (keys sorted, as every manifest object)."""
        return {"at": self.at.isoformat(), "by": self.by, "sha256": self.sha256}


def body_sha256(body: str) -> str:
    """The approved identity of a template: its body, line ends normalised (a Windows
    checkout of the same wording stays approved)."""
    return hashlib.sha256(body.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def content_sha256(body_hash: str, dependencies: Sequence[tuple[str, str]] = ()) -> str:
    """What an approval signs: the body's hash and each extended, included or imported
    template's name and text, so a changed layout changes every letter's hash.

    A template that uses no other keeps its body's hash: approvals recorded before
    layouts were covered stay valid for it (the SMS), and only for it.
    """
    if not dependencies:
        return body_hash
    digest = hashlib.sha256(body_hash.encode())
    for name, text in sorted(dependencies):
        digest.update(f"\n{name}\n{body_sha256(text)}".encode())
    return digest.hexdigest()


def load_approvals(roots: Iterable[Path]) -> list[Approval]:
    """Every approval in the folders' ``approvals.toml`` (a folder may have none)."""
    found: list[Approval] = []
    for root in roots:
        path = root / APPROVALS_FILE
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise TemplateError(f"{path}：审核记录无法读取（{error}）") from None
        entries = data.get("approval", [])
        if set(data) - {"approval"} or not isinstance(entries, list):
            raise TemplateError(f"{path}：审核记录只能由 [[approval]] 表组成")
        for number, entry in enumerate(entries, start=1):
            try:
                found.append(Approval.model_validate(entry))
            except ValidationError as error:
                fields = "、".join(".".join(map(str, e["loc"])) for e in error.errors())
                raise TemplateError(f"{path}：第{number}条审核记录无效（{fields}）") from None
    return found


def find_approval(approvals: Sequence[Approval], name: str, sha256: str) -> Approval | None:
    """The latest approval of exactly this template name and body, if any."""
    matching = [a for a in approvals if a.template == name and a.sha256 == sha256]
    return max(matching, key=lambda a: a.at) if matching else None


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def append_approval(root: Path, approval: Approval) -> Path:
    """Append one approval to the folder's ``approvals.toml`` (created with its header)."""
    path = root / APPROVALS_FILE
    entry = (
        "\n[[approval]]\n"
        f"template = {_toml_string(approval.template)}\n"
        f'sha256 = "{approval.sha256}"\n'
        f"by = {_toml_string(approval.by)}\n"
        f"at = {approval.at.isoformat()}\n"
        f"note = {_toml_string(approval.note)}\n"
    )
    existing = path.read_text(encoding="utf-8") if path.is_file() else _HEADER
    path.write_text(existing + entry, encoding="utf-8")
    return path
