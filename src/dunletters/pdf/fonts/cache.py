"""The per-user cache of derived faces: keyed by source and builder, locked, atomic."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from dunletters.pdf.fonts.derive import BUILDER_VERSION, build_derived_font, face_index, subfamily
from dunletters.usercache import user_cache_dir

__all__ = ["derived_face", "font_cache_dir"]

LOGGER = logging.getLogger("dunletters.pdf.fonts")


def font_cache_dir() -> Path:
    """``$DUNLETTERS_FONT_CACHE``, else ``$XDG_CACHE_HOME/dunletters/fonts``."""
    return user_cache_dir("fonts", "DUNLETTERS_FONT_CACHE")


_README = """\
Derived fonts made by dunletters (dunletters.pdf.fonts) from the fonts named in each
file's name table (ID 10). They are the original faces renamed, with the glyphs put
in an order that makes PDF subsetting cheap (*-full.otf), and the most used part of
each (*.otf, the "core"); outlines are unchanged.
The originals (Noto CJK, by Adobe and Google) are licensed under the SIL Open Font
License 1.1 (see /usr/share/doc/fonts-noto-cjk/copyright or
https://openfontlicense.org); these derived files are under the same license.
This folder is a cache: delete it at any time, it is rebuilt on first use.
"""


def _write_readme(cache: Path) -> None:
    readme = cache / "README.txt"
    if not readme.exists():
        readme.write_text(_README, encoding="utf-8")


def _cache_key(source: Path, index: int, family: str, weight: int) -> str:
    stat = source.stat()
    text = "\0".join(
        (
            str(BUILDER_VERSION),
            str(source.resolve()),
            str(stat.st_size),
            str(stat.st_mtime_ns),
            str(index),
            family,
            str(weight),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _face_index(source: Path, hint: int | None, family: str, weight: int, cache: Path) -> int:
    """:func:`face_index`, noted in the cache per source file (as it is now) and face
    asked for: finding it reads every face's name table with fontTools, at every start."""
    stat = source.stat()
    text = "\0".join(
        (
            str(source.resolve()),
            str(stat.st_size),
            str(stat.st_mtime_ns),
            family,
            str(weight),
            str(hint),
        )
    )
    note = cache / "indexes" / hashlib.sha256(text.encode()).hexdigest()[:16]
    with contextlib.suppress(OSError, ValueError):
        return int(note.read_text(encoding="ascii"))
    index = face_index(source, family, weight, hint)
    with contextlib.suppress(OSError):  # a cache that cannot be written: found again next time
        note.parent.mkdir(parents=True, exist_ok=True)
        temp = note.with_name(f".{note.name}.{os.getpid()}")
        temp.write_text(str(index), encoding="ascii")
        temp.replace(note)
    return index


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def derived_face(
    source: Path, hint: int | None, family: str, derived: str, weight: int, cache: Path
) -> tuple[Path, Path | None]:
    """The cached derived file(s) for one face (core, whole face or ``None``)."""
    index = _face_index(source, hint, family, weight, cache)
    key = _cache_key(source, index, derived, weight)
    stem = f"{derived.replace(' ', '')}-{subfamily(weight)}"
    target = cache / f"{stem}-{key}.otf"
    full = cache / f"{stem}-{key}-full.otf"
    if target.is_file():
        _write_readme(cache)
        return target, (full if full.is_file() else None)
    with _locked(cache / ".lock"):
        if not target.is_file():  # another process may have built it meanwhile
            started = time.perf_counter()
            build_derived_font(source, index, target, derived, weight, full=full)
            LOGGER.info("built %s in %.1f s", target.name, time.perf_counter() - started)
            _write_readme(cache)
            for stale in cache.glob(f"{stem}-*.otf"):  # older sources or builder versions
                if stale not in (target, full):
                    stale.unlink(missing_ok=True)
            for leftover in cache.glob(".build-*"):  # a build killed midway (we hold the lock)
                leftover.unlink(missing_ok=True)
    return target, (full if full.is_file() else None)
