"""WeasyPrint's C libraries loaded by their sonames, without probing with a compiler.

``weasyprint.text.ffi`` tries each library under several names, and cffi hands every
name that does not load as it is to ``ctypes.util.find_library``, which on Linux runs
``ldconfig``, then ``gcc`` and ``ld`` for each miss: two dozen subprocesses before the
name that works (``libpango-1.0.so.0``), a third of a letters batch's start-up
(benchmarks/README.md, start-up). On Linux every library WeasyPrint needs is in its
list by soname, which the dynamic loader finds on its own, so during that import
``find_library`` answers "not found" and the soname is used. Should a system need the
probes after all (a library only the compiler's search path knows), the import is
done again with them.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from collections.abc import Iterator

__all__ = ["load_weasyprint"]

_FFI = "weasyprint.text.ffi"


@contextlib.contextmanager
def _sonames_only() -> Iterator[None]:
    """``ctypes.util.find_library`` finds nothing while WeasyPrint opens its libraries."""
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load_weasyprint() -> None:
    """Import ``weasyprint.text.ffi`` (WeasyPrint's libraries) the fast way, once."""
    if _FFI in sys.modules or not sys.platform.startswith("linux"):
        return
    try:
        # WeasyPrint prints its installation advice before it fails: not shown for a
        # failure the second attempt may not have.
        with _sonames_only(), contextlib.redirect_stdout(io.StringIO()):
            __import__(_FFI)
    except OSError:
        for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
            del sys.modules[name]  # the half-imported package, imported again whole
        __import__(_FFI)
