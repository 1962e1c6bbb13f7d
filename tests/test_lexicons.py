"""The phrase lists: schema-valid, every entry matches its example, no false alarms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from dunletters.lint.anchors import required_literals
from dunletters.lint.lexicon import (
    CompiledLexicon,
    build_compiled,
    builtin_lexicons,
    load_lexicon,
    load_lexicons,
)
from dunletters.lint.lexicon import loading as lexicon_module
from dunletters.lint.rules import RULES
from dunletters.lint.text import TextView

LEXICON_DIR = Path(__file__).parents[1] / "src" / "dunletters" / "lint" / "lexicons"
FILES = sorted(LEXICON_DIR.glob("*.yml"))
GOLDEN = Path(__file__).parent / "golden"
CORPUS = Path(__file__).parent / "corpus"


def _entries() -> list[tuple[str, int]]:
    return [
        (path.stem, index) for path in FILES for index in range(len(load_lexicon(path).entries))
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_schema_and_rule_code(path: Path) -> None:
    lexicon = load_lexicon(path)
    assert lexicon.rule in {r.code for r in RULES}
    assert len(lexicon.pass_examples) >= 3


@pytest.mark.parametrize(("name", "index"), _entries())
def test_entry_matches_its_example(name: str, index: int) -> None:
    lexicon = load_lexicon(LEXICON_DIR / f"{name}.yml")
    entry = lexicon.entries[index]
    single = CompiledLexicon(lexicon.model_copy(update={"entries": (entry,)}))
    assert single.search(TextView(entry.example)) is not None, f"{entry.label} 不匹配其示例"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_pass_examples_match_nothing(path: Path) -> None:
    compiled = load_lexicons()[path.stem]
    for sentence in compiled.lexicon.pass_examples:
        match = compiled.search(TextView(sentence))
        assert match is None, f"{sentence!r} 误报「{match.text if match else ''}」"


def test_every_list_a_rule_names_exists() -> None:
    names = set(load_lexicons())
    for rule in RULES:
        assert set(rule.lexicons) <= names, rule.code


def test_latin_terms_are_guarded() -> None:
    jargon = load_lexicons()["jargon"]
    assert jargon.search(TextView("账户为M1状态")) is not None
    assert jargon.search(TextView("型号M10的设备")) is None
    assert jargon.search(TextView("AM1点")) is None


# --- the regex prefilter (anchors.py) --------------------------------------------------


def test_compiled_cache_lives_in_the_user_cache_and_follows_the_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parsed lists are cached outside the package, named by the YAML files'
    digests: an edited list is parsed afresh (a new file), never shadowed."""
    assert not (LEXICON_DIR / "_compiled.json").exists()
    lists = tmp_path / "lists"
    lists.mkdir()
    for path in FILES:
        (lists / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv("DUNLETTERS_LEXICON_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(lexicon_module, "_builtin_dir", lambda: lists)
    for cached in (lexicon_module._compiled, lexicon_module.anchor_table):
        cached.cache_clear()
    try:
        builtin_lexicons()
        first = sorted((tmp_path / "cache").glob("compiled-*.json"))
        assert len(first) == 1
        assert json.loads(first[0].read_text(encoding="utf-8")) == json.loads(build_compiled())
        threat = lists / "threat.yml"
        threat.write_text(
            threat.read_text(encoding="utf-8").replace(
                "- phrase: 后果自负", "- phrase: 后果自己负责", 1
            ),
            encoding="utf-8",
        )
        for cached in (lexicon_module._compiled, lexicon_module.anchor_table):
            cached.cache_clear()
        phrases = {e.phrase for lx in builtin_lexicons() for e in lx.entries}
        assert "后果自己负责" in phrases
        assert len(list((tmp_path / "cache").glob("compiled-*.json"))) == 2
    finally:
        monkeypatch.undo()
        for cached in (lexicon_module._compiled, lexicon_module.anchor_table):
            cached.cache_clear()


def test_an_unwritable_cache_folder_still_lints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("DUNLETTERS_LEXICON_CACHE", str(blocker / "sub"))
    for cached in (lexicon_module._compiled, lexicon_module.anchor_table):
        cached.cache_clear()
    try:
        assert {lx.name for lx in builtin_lexicons()} == {path.stem for path in FILES}
    finally:
        monkeypatch.undo()
        for cached in (lexicon_module._compiled, lexicon_module.anchor_table):
            cached.cache_clear()


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("后果自负", {"后果自负"}),
        ("(你|您)(以为|觉得)", {"你以为", "你觉得", "您以为", "您觉得"}),
        # once literals are three characters long, the fewest win
        ("(一切)?后果由(你|您)承担", {"后果由"}),
        (r"逾期\d{1,3}天", {"逾期"}),
        (r"(?<!不)通知(你|您)的?家人", {"通知你", "通知您"}),
        (r"(?<!不)通知(你|您)\w*家人", {"通知你", "通知您"}),
        ("[A-Z]+", None),
        (r"\d+元", {"元"}),
        ("(催收)?", None),
        ("Max", {"max"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == expected


def _texts() -> list[str]:
    texts = [
        text
        for lexicon in builtin_lexicons()
        for text in (*lexicon.pass_examples, *(e.example for e in lexicon.entries))
    ]
    drafts = Path(__file__).parent / "drafts"
    texts += [p.read_text(encoding="utf-8") for p in sorted(drafts.glob("*.txt"))]
    # The rendered letters' and SMS goldens, and the real texts of the corpus; not the
    # corpus's 1 MB findings golden, which holds the same texts and on which the unfiltered
    # reference alternation alone took over three minutes.
    texts += [
        p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN.rglob("*.txt"))
        if p.name != "lint-corpus.txt"
    ]
    for split in ("dev", "heldout"):
        with (CORPUS / f"{split}.jsonl").open(encoding="utf-8") as lines:
            texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


def _alternation(lexicon: CompiledLexicon, text: str) -> list[tuple[int, int, str]]:
    """The reference: one IGNORECASE alternation of the list's patterns, no prefilter."""
    entries = [e for e in lexicon.lexicon.entries if e.regex is not None]
    if not entries:
        return []
    unnamed = [re.sub(r"\(\?P<\w+>", "(?:", e.regex or "") for e in entries]
    joined = re.compile("|".join(f"(?P<e{i}>{p})" for i, p in enumerate(unnamed)), re.I)
    return [
        (m.start(), m.end(), entries[int((m.lastgroup or "e0")[1:])].regex or "")
        for m in joined.finditer(text)
        if m.end() > m.start()
    ]


def test_prefiltered_regexes_find_what_one_alternation_finds() -> None:
    """The anchors only skip work: every list finds exactly the old alternation's matches."""
    lexicons = load_lexicons()
    for text in _texts():
        view = TextView(text)
        for compiled in lexicons.values():
            scan = compiled.scanner.scan(view)
            ours = [
                (s, e, entry.regex or "") for s, e, entry in compiled._regex_matches(view, scan)
            ]
            assert ours == _alternation(compiled, view.match_text), (compiled.lexicon.name, text)


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).parents[1] / "src" / "dunletters" / "lint").rglob("*.yml")),
    ids=lambda path: path.name,
)
def test_the_pure_python_yaml_loader_reads_each_list_as_the_c_loader_does(path: Path) -> None:
    """Without libyaml PyYAML parses in Python, which refuses a plain 「街道办?」 in a
    flow list that the C loader accepts: every built-in file must read the same in both."""
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader)
