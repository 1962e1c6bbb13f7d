"""The ``re`` seam (lint/charsets.py): a character class optimised once gives the same
patterns as without it, case-insensitive classes pass straight through, code remembered
in the store builds the same patterns as ``re``, and the off switch leaves ``re`` alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from re import _compiler  # type: ignore[attr-defined]

import pytest

from dunletters.lint import charsets

ORIGINAL = getattr(_compiler._optimize_charset, "__wrapped__", _compiler._optimize_charset)


def _classes() -> list[list[object]]:
    """The parsed classes of a few patterns the rules write (Chinese ranges, a dot, a
    negated class, literals)."""
    from re import _parser  # type: ignore[attr-defined]

    found = []
    for pattern in [r"[\u4e00-\u9fff·]{2,4}", r"[^，。！？\n]{0,8}", r"[王李张]", r"[0-9Xx*]"]:
        for op, av in _parser.parse(pattern):
            if op is _parser.MAX_REPEAT:
                op, av = av[2][0]
            if op is _parser.IN:
                found.append(list(av))
    return found


def test_a_remembered_class_is_the_same_class() -> None:
    optimise = charsets.remembering(ORIGINAL)
    for charset in _classes():
        first = optimise(charset)
        again = optimise(charset)
        assert first == again == ORIGINAL(charset)
        assert first[0] is not again[0]  # each caller gets its own list


def test_a_case_insensitive_class_is_not_remembered() -> None:
    calls = []

    def optimise(*args: object) -> tuple[list[object], bool]:
        calls.append(args)
        return [], False

    remembering = charsets.remembering(optimise)
    remembering([(_compiler.LITERAL, 65)], None, str.lower, None)
    remembering([(_compiler.LITERAL, 65)], None, str.lower, None)
    assert len(calls) == 2


def test_the_linter_installs_the_seam_once() -> None:
    assert charsets.install() is True
    assert _compiler._optimize_charset.__wrapped__ is ORIGINAL  # wrapped once, not twice


@pytest.mark.parametrize("value", ["0", "off", "false", "no"])
def test_the_off_switch_leaves_re_alone(value: str) -> None:
    code = (
        "import dunletters.lint, re._compiler as c;"
        "print(hasattr(c._optimize_charset, '__wrapped__'))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DUNLETTERS_RE_ACCEL": value, "PATH": ""},
    )
    assert run.stdout.strip() == "False"


def test_patterns_match_the_same_with_and_without_the_seam() -> None:
    texts = ["尊敬的张晓明：您好！", "欠款逾期，请于12月5日前还款。", "王李张·赵", "ABC xyz 123"]
    patterns = [r"[\u4e00-\u9fff·]{2,4}", r"[^，。！？\n]{0,8}", r"[王李张][\u4e00-\u9fff]{1,2}"]
    code = (
        "import json, re, sys, dunletters.lint;"
        f"print(json.dumps([[m.span() for m in re.finditer(p, t)] for p in {patterns!r} "
        f"for t in {texts!r}]))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"DUNLETTERS_RE_ACCEL": switch, "PATH": ""},
        ).stdout
        for switch in ("1", "0")
    ]
    assert runs[0] == runs[1] and runs[0].startswith("[[")


def test_a_pattern_built_from_remembered_code_is_re_own(tmp_path: Path) -> None:
    """``re.Pattern`` equality compares the compiled code: the store changes nothing."""
    compile_ = getattr(_compiler.compile, "__wrapped__", _compiler.compile)
    store = charsets.CompiledStore(tmp_path / "compiled.json")
    remembering = charsets.remembering_compile(compile_, store)
    patterns = [
        r"(?P<name>[\u4e00-\u9fff]{2,4})(?:先生|女士)",
        r"会(?<![机社]会)",
        r"(?i)dear\s+\w+",
    ]
    first = [remembering(pattern, 0) for pattern in patterns]
    assert store.added and len(store.known) == 3
    store.save()
    again = charsets.CompiledStore(tmp_path / "compiled.json")
    assert again.known == json.loads(json.dumps(store.known))
    second = [charsets.remembering_compile(compile_, again)(pattern, 0) for pattern in patterns]
    assert first == second == [compile_(pattern, 0) for pattern in patterns]
    assert not again.added  # every pattern came from the file
    assert second[0].groupindex == {"name": 1}
    assert second[0].match("张晓明先生")


def test_a_damaged_store_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "compiled.json"
    path.write_text('{"0:abc": [0, [1, 2', encoding="utf-8")
    assert charsets.CompiledStore(path).known == {}


def test_a_second_process_compiles_from_the_store(tmp_path: Path) -> None:
    code = "import re._compiler as c, dunletters.lint;print(hasattr(c.compile, '__wrapped__'))"
    env = {"DUNLETTERS_RE_CACHE": str(tmp_path), "PATH": "", "HOME": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        for _ in range(2)
    ]
    assert [run.stdout.strip() for run in runs] == ["True", "True"]
    [stored] = tmp_path.glob("compiled-*.json")
    assert len(json.loads(stored.read_text(encoding="utf-8"))) > 100  # the rules' patterns
    off = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**env, "DUNLETTERS_RE_ACCEL": "0"},
    )
    assert off.stdout.strip() == "False"


def test_the_store_keeps_what_the_last_writer_used(tmp_path: Path) -> None:
    """A run that used few of many stored patterns writes back only those."""
    compile_ = getattr(_compiler.compile, "__wrapped__", _compiler.compile)
    path = tmp_path / "compiled.json"
    many = charsets.CompiledStore(path)
    remember = charsets.remembering_compile(compile_, many)
    for number in range(10):
        remember(f"第{number}条", 0)
    many.save()
    few = charsets.CompiledStore(path)
    charsets.remembering_compile(compile_, few)("第1条", 0)
    assert not few.added
    few.save()
    assert list(json.loads(path.read_text(encoding="utf-8"))) == ["0:第1条"]


def test_a_damaged_entry_is_compiled_afresh(tmp_path: Path) -> None:
    compile_ = getattr(_compiler.compile, "__wrapped__", _compiler.compile)
    path = tmp_path / "compiled.json"
    path.write_text(json.dumps({"0:还款": [0, [1, 2, 3], 0, {}, []], "0:逾期": "x"}), "utf-8")
    store = charsets.CompiledStore(path)
    remember = charsets.remembering_compile(compile_, store)
    assert remember("还款", 0) == compile_("还款", 0)
    assert remember("逾期", 0) == compile_("逾期", 0)
    assert store.added and store.known["0:还款"][1] != [1, 2, 3]


def test_a_pattern_utf8_cannot_write_is_left_out_of_the_file(tmp_path: Path) -> None:
    """A hostile file name escaped into a pattern may hold a lone surrogate."""
    compile_ = getattr(_compiler.compile, "__wrapped__", _compiler.compile)
    path = tmp_path / "compiled.json"
    store = charsets.CompiledStore(path)
    remember = charsets.remembering_compile(compile_, store)
    remember("逾期\udc80", 0)
    remember("逾期", 0)
    store.save()
    assert list(json.loads(path.read_text(encoding="utf-8"))) == ["0:逾期"]
