"""WeasyPrint imported without its start-up detours: no compiler probes, no fallbacks.

``weasyprint.text.ffi`` tries each library under several names, and cffi hands every
name that does not load as it is to ``ctypes.util.find_library``, which on Linux runs
``ldconfig``, then ``gcc`` and ``ld`` for each miss: subprocesses for every name
before the one that works (``libpango-1.0.so.0``), much of a letters batch's start-up
(benchmarks/README.md, "Current figures"). On Linux every library WeasyPrint needs is in its
list by soname, which the dynamic loader finds on its own, so during that import
``find_library`` answers "not found" and the soname is used. Should a system need the
probes after all (a library only the compiler's search path knows), the import is
done again with them. WeasyPrint's fontTools fallbacks (subsetter, instancer) are
loaded when first used (:func:`_fonttools_deferred`). ``DUNLETTERS_PDF_ACCEL=0``, the
accelerator's off switch, imports WeasyPrint plainly (:func:`accelerator_requested`).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import importlib.util
import io
import os
import sys
import types
from collections.abc import Iterator
from typing import Any

__all__ = ["ENVIRONMENT_VARIABLE", "accelerator_requested", "load_weasyprint"]

_FFI = "weasyprint.text.ffi"

ENVIRONMENT_VARIABLE = "DUNLETTERS_PDF_ACCEL"
"""The accelerator's off switch (``0``, ``false``, ``no``, ``off``), read here so that this
module, which :mod:`dunletters.pdf.accel` needs imported first, honours it too."""


def accelerator_requested(accelerate: bool | None = None) -> bool:
    """``accelerate`` if given, else the environment (``DUNLETTERS_PDF_ACCEL=0`` is off)."""
    if accelerate is not None:
        return accelerate
    value = os.environ.get(ENVIRONMENT_VARIABLE, "1").strip().casefold()
    return value not in ("0", "false", "no", "off")


@contextlib.contextmanager
def _sonames_only() -> Iterator[None]:
    """``ctypes.util.find_library`` finds nothing while WeasyPrint opens its libraries."""
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


_SUBSET = "fontTools.subset"
_INSTANCER = "fontTools.varLib.instancer"


@contextlib.contextmanager
def _fonttools_deferred() -> Iterator[None]:
    """WeasyPrint's fallbacks get fontTools' subsetter and instancer when they first use them.

    ``weasyprint.pdf.fonts`` imports both (and the many modules they need) at the top,
    for fonts HarfBuzz cannot subset and for variable fonts — neither is a letter's. The subsetter is a lazy module (loaded on first attribute use); the
    instancer's one imported name is a function that imports it when called.
    """
    if _SUBSET not in sys.modules:
        spec = importlib.util.find_spec(_SUBSET)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
            module = importlib.util.module_from_spec(spec)
            sys.modules[_SUBSET] = module
            spec.loader.exec_module(module)
            sys.modules["fontTools"].subset = module  # type: ignore[attr-defined]
    placeholder = None
    if _INSTANCER not in sys.modules:
        placeholder = sys.modules[_INSTANCER] = _forwarding(_INSTANCER, "instantiateVariableFont")
    try:
        yield
    finally:
        if placeholder is not None and sys.modules.get(_INSTANCER) is placeholder:
            del sys.modules[_INSTANCER]  # later imports get the module itself


def _forwarding(module: str, name: str) -> types.ModuleType:
    """A stand-in for ``module`` whose ``name`` imports the real one when called (any
    other attribute imports it at once)."""

    def real() -> types.ModuleType:
        if sys.modules.get(module) is stand_in:
            del sys.modules[module]
        return importlib.import_module(module)

    def forward(*args: Any, **options: Any) -> Any:
        return getattr(real(), name)(*args, **options)

    def other(attribute: str) -> Any:
        if attribute.startswith("__"):  # asked by the import system itself
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    stand_in = types.ModuleType(module)
    setattr(stand_in, name, forward)
    stand_in.__getattr__ = other  # type: ignore[method-assign]
    return stand_in


def load_weasyprint() -> None:
    """Import ``weasyprint.text.ffi`` (WeasyPrint's libraries) the fast way, once."""
    if _FFI in sys.modules:
        return
    if not sys.platform.startswith("linux") or not accelerator_requested():
        __import__(_FFI)  # the plain import, with WeasyPrint's own library probes
        return
    try:
        # WeasyPrint prints its installation advice before it fails: not shown for a
        # failure the second attempt may not have.
        with _sonames_only(), _fonttools_deferred(), contextlib.redirect_stdout(io.StringIO()):
            __import__(_FFI)
    except OSError:
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]  # the half-imported package, imported again whole
        with _fonttools_deferred():
            __import__(_FFI)
