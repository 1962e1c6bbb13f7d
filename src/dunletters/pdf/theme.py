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


_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "px": 25.4 / 96}


def _to_mm(length: str) -> float:
    """A CSS length of the theme (validated by ``_LENGTH``) in millimetres."""
    if length == "0":
        return 0.0
    return float(length[:-2]) * _MM[length[-2:]]


class Envelope(BaseModel):
    """Where a window envelope shows the recipient block, in mm from the sheet's top left.

    The default is the common DL (220 × 110 mm, GB/T 1416-2003) window envelope with
    its window 90 × 45 mm, 20 mm from the left edge and 15 mm from the bottom (ISO 269 /
    DIN 680), for an A4 sheet folded in three; on the letter that is the address field
    of DIN 5008 form B: 20 mm from the left, 45 mm from the top, 85 × 45 mm.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    left: float = Field(default=20.0, ge=0, le=150)
    top: float = Field(default=45.0, ge=0, le=200)
    width: float = Field(default=85.0, gt=20, le=150)
    height: float = Field(default=45.0, gt=15, le=100)


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
    seal: Seal | None = None
    """None (the default): real letters carry no seal and no placeholder."""
    envelope: Envelope = Envelope()

    def window_css(self) -> str:
        """The stylesheet that puts the recipient block in the envelope's window.

        The letterhead gets a fixed height so the window band starts exactly at
        ``envelope.top``; the band floats left, the title and the first lines flow
        beside it, and everything below the window uses the full width again.
        """
        parts = [_to_mm(part) for part in self.margins.split()]
        top, left = parts[0], parts[{1: 0, 2: 1, 3: 1, 4: 3}[len(parts)]]  # CSS shorthand
        window = self.envelope
        head = window.top - top - 3
        return (
            f".letterhead {{ box-sizing: border-box; height: {head:.2f}mm; overflow: hidden; }}\n"
            f".window {{ margin-top: 3mm; width: {window.left - left + window.width + 4:.2f}mm;"
            f" height: {window.height:.2f}mm; }}\n"
            f".window .recipient {{ margin-left: {window.left - left:.2f}mm;"
            f" width: {window.width:.2f}mm; height: {window.height:.2f}mm; }}\n"
        )

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
        where = f"{path}：主题设置无效："
        raise TemplateError(
            describe_validation(error, where, reason=key_reason, separator="：")
        ) from None
