"""What must be the same on every machine of a run for its letters to be the same bytes.

A worker compares its :func:`fingerprint` with the driver's before it takes a job
(``--executor dask``): versions, template files and font files, by hash.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from contextlib import suppress
from pathlib import Path

from dunletters import __version__
from dunletters.errors import DunlettersError, ExitStatus
from dunletters.produce import RunSpec
from dunletters.registry import BUILTIN_TEMPLATES

__all__ = ["ClusterError", "differences", "fingerprint", "refusal"]


class ClusterError(DunlettersError):
    """The cluster cannot run this batch (not installed, unreachable, a worker refused)."""

    exit_status = ExitStatus.USAGE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def fingerprint(spec: RunSpec) -> dict[str, str]:
    """What decides a run's bytes on this machine: versions, template files, font files.

    Keys name a package, a template file (by its place in the template folders) or a
    font face (by family and weight), never a machine path, so machines can compare.
    """
    found = {"dunletters": __version__}
    for package in ("jinja2", "pydantic"):
        found[f"package {package}"] = _version(package)
    roots = [Path(folder) for folder in spec.template_dirs] + [BUILTIN_TEMPLATES]
    for number, root in enumerate(roots):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[f"template {number}:{path.relative_to(root).as_posix()}"] = _sha256(path)
    if spec.pdf:
        from dunletters.pdf.fonts import ensure_fonts
        from dunletters.pdf.fonts.cache import font_cache_dir

        for package in ("weasyprint", "pydyf", "fonttools"):
            found[f"package {package}"] = _version(package)
        known = _KnownHashes(font_cache_dir() / HASHES_NAME)
        for face in ensure_fonts().faces:
            name = f"font {face.family} {face.weight}"
            found[name] = known.sha256(face.path)
            if face.fallback is not None:
                found[name + " fallback"] = known.sha256(face.fallback)
        known.save()
    return found


HASHES_NAME = "fingerprint-hashes.json"
"""Beside the derived fonts, their SHA-256 by path and ``stat``: hashing ~100 MiB of fonts
again was most of each process's start-up check (benchmarks/NOTES.md#dask-executor)."""


class _KnownHashes:
    """Font files' SHA-256, remembered while the file is unchanged: same path, inode, size,
    modification and change times (``ctime`` cannot be set back, so a rewrite is noticed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.known: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.known = {}
        self.seen: dict[str, str] = {}

    def sha256(self, path: Path) -> str:
        """The file's SHA-256, hashed only when unknown or changed."""
        found = path.stat()
        key = "\0".join(
            str(part)
            for part in (path.resolve(), found.st_ino, found.st_size,
                         found.st_mtime_ns, found.st_ctime_ns)
        )  # fmt: skip
        digest = self.known.get(key)
        if not isinstance(digest, str):
            digest = _sha256(path)
        self.seen[key] = digest
        return digest

    def save(self) -> None:
        """Keep what this run hashed (only the files it uses); best effort, atomically."""
        if self.seen == self.known:
            return
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with suppress(OSError):
            temp.write_text(json.dumps(self.seen, sort_keys=True), encoding="utf-8")
            os.replace(temp, self.path)
        with suppress(OSError):
            temp.unlink(missing_ok=True)


def differences(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    """The keys whose values differ, or that one side lacks, in order."""
    return sorted(
        key for key in expected.keys() | found.keys() if expected.get(key) != found.get(key)
    )


def refusal(address: str, differ: list[str]) -> str:
    """The one-line reason a worker is refused."""
    shown = "、".join(differ[:5]) + ("等" if len(differ) > 5 else "")
    return (
        f"Dask 工作节点 {address} 与本机不一致（{shown}），字节会不同：批次未开始。"
        "请在每台机器安装同一版本的 dunletters、模板与字体"
    )
