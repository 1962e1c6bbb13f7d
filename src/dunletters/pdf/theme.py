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

from dunletters.errors import TemplateError
from dunletters.pdf.fonts import DEFAULT_FAMILIES, FamilySpec

__all__ = ["THEME_FILE", "Theme", "load_theme"]

THEME_FILE = "theme.toml"

_LENGTH = re.compile(r"^-?\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|px)$|^0$")


class Letterhead(BaseModel):
    """Where the letterhead text comes from (see the built-in theme.toml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["creditor"] = "creditor"
    show_department: bool = True


class Seal(BaseModel):
    """A registered electronic seal drawn at the 落款 (issue #16): an image file of the
    theme's folder, fetched only from the templates folders like the stylesheet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    image: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.(?:png|svg)$")
    size: str = "38mm"

    @field_validator("size")
    @classmethod
    def _length(cls, value: str) -> str:
        if not _LENGTH.match(value) or value.startswith("-"):
            raise ValueError("应为一个 CSS 长度（如 38mm）")
        return value

    def css(self) -> str:
        """The stylesheet that draws it over the issuer and date, as a seal is applied."""
        return (
            f'.signoff .seal-image {{ background-image: url("{self.image}");'
            f" width: {self.size}; height: {self.size}; }}\n"
            ".signoff .seal { display: none; }\n"
        )


class Theme(BaseModel):
    """A theme folder's settings (``letters/theme.toml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    page_size: Literal["A4"] = "A4"
    margins: str = "22mm 20mm 20mm 20mm"
    stylesheet: str = Field(default="letter.css", pattern=r"^[A-Za-z0-9_.-]+\.css$")
    fonts: dict[str, str] = Field(
        default_factory=lambda: {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"},
        min_length=1,
    )
    letterhead: Letterhead = Letterhead()
    seal: Seal | None = None
    """None (the default): real letters carry no seal and no placeholder."""

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
        """The families to derive and embed: Debian's Noto CJK files where the theme
        names them, any other family found through fontconfig."""
        known = {spec.family: spec for spec in DEFAULT_FAMILIES}
        specs: list[FamilySpec] = []
        for family in dict.fromkeys(self.fonts.values()):
            spec = known.get(family) or FamilySpec(family, f"DL {family}")
            specs.append(spec)
        return tuple(specs)


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
    if theme.seal is not None and not any((Path(f) / theme.seal.image).is_file() for f in folders):
        raise TemplateError(f"{source}：seal.image 指向的 {theme.seal.image} 不存在")
    return theme


def _read(path: Path) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TemplateError(f"{path}：无法读取主题（{error}）") from None
    try:
        return Theme.model_validate(data)
    except ValidationError as error:
        detail = "；".join(
            f"{'.'.join(str(p) for p in item['loc'])}："
            + ("未知的键" if item["type"] == "extra_forbidden" else item["msg"])
            for item in error.errors(include_url=False, include_input=False)
        )
        raise TemplateError(f"{path}：主题设置无效：{detail}") from None
