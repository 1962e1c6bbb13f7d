"""The letter theme: ``letters/theme.toml``, read by the PDF writer and the preview.

A theme folder (the built-in ``templates/letters/`` or a user's overlay) says which
font families its stylesheet asks for — the PDF writer derives, subsets and embeds
exactly those, so a system without Debian's ``fonts-noto-cjk`` names its own CJK
fonts here and in its stylesheet — and which stylesheet it uses. ``page_size`` is
checked (dunletters writes one-page A4 letters), ``margins`` and ``[letterhead]``
describe the stylesheet and layout and are validated only. The highest-precedence
folder that has a ``theme.toml`` wins, as for templates; without one, the defaults
below (the built-in theme's values) apply.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dunletters.errors import TemplateError, describe_validation, key_reason
from dunletters.pdf.fonts import DEFAULT_FAMILIES, FamilySpec

__all__ = ["THEME_FILE", "Theme", "load_theme"]

THEME_FILE = "theme.toml"

_LENGTH = re.compile(r"^-?\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|px)$|^0$")


class Letterhead(BaseModel):
    """Where the letterhead text comes from (see the built-in theme.toml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["creditor"] = "creditor"
    show_department: bool = True


class Theme(BaseModel):
    """A theme folder's settings (``letters/theme.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    page_size: Literal["A4"] = "A4"
    margins: str = "22mm 20mm 20mm 20mm"
    stylesheet: str = Field(default="letter.css", pattern=r"^[A-Za-z0-9_.-]+\.css$")
    fonts: dict[str, str] = Field(
        default_factory=lambda: {
            "serif": "Noto Serif CJK SC",
            "sans": "Noto Sans CJK SC",
            "fallback": "HanaMinB",
        },
        min_length=1,
    )
    letterhead: Letterhead = Letterhead()

    @field_validator("margins")
    @classmethod
    def _css_margins(cls, value: str) -> str:
        parts = value.split()
        if not 1 <= len(parts) <= 4 or not all(_LENGTH.match(part) for part in parts):
            raise ValueError("应为 1–4 个 CSS 长度（如 22mm 20mm 20mm 20mm）")
        return value

    @field_validator("fonts")
    @classmethod
    def _family_names(cls, value: dict[str, str]) -> dict[str, str]:
        for role, family in value.items():
            if not family.strip() or any(char in family for char in "<>&\"'"):
                raise ValueError(f"字体 {role} 的名称无效")
        return value

    def families(self) -> tuple[FamilySpec, ...]:
        """The families to embed: Debian's Noto CJK files where the theme names them, any
        other family found through fontconfig; the ``fallback`` role's as it is, if
        installed (it serves only characters the others lack)."""
        known = {spec.family: spec for spec in DEFAULT_FAMILIES}
        specs: dict[str, FamilySpec] = {}
        for role, family in self.fonts.items():
            if family in specs:
                continue
            if family in known:
                specs[family] = known[family]
            elif role == "fallback":
                specs[family] = FamilySpec(
                    family, family, weights=(400,), derive=False, optional=True
                )
            else:
                specs[family] = FamilySpec(family, f"DL {family}")
        return tuple(specs.values())


def load_theme(folders: Sequence[Path]) -> Theme:
    """The theme of the first folder (highest precedence) that has a ``theme.toml``.

    Errors name the file and the key. The stylesheet must exist in one of the folders.
    """
    theme, source = Theme(), None
    for folder in folders:
        path = Path(folder) / THEME_FILE
        if path.is_file():
            theme, source = _read(path), path
            break
    if source is not None and not any((Path(f) / theme.stylesheet).is_file() for f in folders):
        raise TemplateError(f"{source}：stylesheet 指向的 {theme.stylesheet} 不存在")
    return theme


def _read(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TemplateError(f"{path}：无法读取主题（{error}）") from None
    try:
        return Theme.model_validate(data)
    except ValidationError as error:
        where = f"{path}：主题设置无效："
        raise TemplateError(
            describe_validation(error, where, reason=key_reason, separator="：")
        ) from None
