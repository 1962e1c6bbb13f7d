"""WeasyPrint's libraries are opened by soname, without compiler or linker probes."""

from __future__ import annotations

import os
import subprocess
import sys

_PROBE = """
import ctypes.util, subprocess
original = ctypes.util.find_library
spawned = []
popen_init = subprocess.Popen.__init__
def spy(self, args, *rest, **options):
    spawned.append(args)
    popen_init(self, args, *rest, **options)
subprocess.Popen.__init__ = spy
from dunletters.pdf.libraries import load_weasyprint
load_weasyprint()
subprocess.Popen.__init__ = popen_init
from weasyprint.text.ffi import harfbuzz, pango
assert ctypes.util.find_library is original
assert pango.pango_version() > 0 and harfbuzz.hb_version_atleast(4, 1, 0)
print(len(spawned))
"""


def test_weasyprint_opens_its_libraries_without_spawning_a_process() -> None:
    """Unpatched, cffi's ``find_library`` runs ldconfig, gcc and ld for every name that
    misses (two dozen processes); the libraries open by soname instead, and
    ``find_library`` is WeasyPrint's to use as before afterwards."""
    found = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    assert found.strip() == "0"


def test_without_the_fast_path_the_probes_run() -> None:
    """The test above can fail: a plain import spawns the probes on this system."""
    probe = _PROBE.replace(
        "from dunletters.pdf.libraries import load_weasyprint\nload_weasyprint()",
        "import weasyprint.text.ffi",
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    assert int(found) > 0


_FALLBACKS = """
import sys
from dunletters.pdf.libraries import load_weasyprint
load_weasyprint()
import weasyprint.pdf.fonts as fonts
assert "fontTools.varLib" not in sys.modules  # neither fallback loaded at start
options = fonts.subset.Options(hinting=False)  # WeasyPrint's fontTools fallback
assert options.hinting is False and "fontTools.varLib" in sys.modules
import fontTools.varLib.instancer as instancer
assert instancer.instantiateVariableFont is not fonts.instantiateVariableFont
import traceback
try:
    fonts.instantiateVariableFont(None, {})
except Exception as error:  # the real instancer's own complaint about no font
    print(traceback.extract_tb(error.__traceback__)[-1].filename)
"""


def test_fonttools_fallbacks_load_when_weasyprint_first_uses_them() -> None:
    """The subsetter and instancer WeasyPrint imports for fonts HarfBuzz cannot subset
    and variable fonts are loaded on first use, and are then the real modules."""
    found = subprocess.run(
        [sys.executable, "-c", _FALLBACKS], check=True, capture_output=True, text=True
    ).stdout
    assert found.strip().endswith("fontTools/varLib/instancer/__init__.py")


def test_the_accelerators_off_switch_imports_weasyprint_plainly() -> None:
    """DUNLETTERS_PDF_ACCEL=0 leaves ``find_library`` and fontTools as WeasyPrint expects."""
    code = (
        "import ctypes.util, sys\n"
        "seen = []\n"
        "original = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: seen.append(name) or original(name)\n"
        "from dunletters.pdf.libraries import load_weasyprint\n"
        "load_weasyprint()\n"
        "print(len(seen) > 0, type(sys.modules['fontTools.subset']).__name__)\n"
    )
    plain = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True, text=True, check=True,
        env={**os.environ, "DUNLETTERS_PDF_ACCEL": "0"},
    )  # fmt: skip
    assert plain.stdout.split() == ["True", "module"]
