"""The phrase lists: schema-valid, every entry matches its example, no false alarms."""

from __future__ import annotations

from pathlib import Path

import pytest

from dunletters.lint.lexicon import CompiledLexicon, load_lexicon, load_lexicons
from dunletters.lint.rules import RULES
from dunletters.lint.text import TextView

LEXICON_DIR = Path(__file__).parents[1] / "src" / "dunletters" / "lint" / "lexicons"
FILES = sorted(LEXICON_DIR.glob("*.yml"))


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
