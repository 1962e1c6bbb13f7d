"""Frames (lint/frames/*.yml): valid, every fail example found by its frame and
reported by its rule, every pass example silent, and documented in `dunletters rules`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dunletters.errors import ConfigError
from dunletters.lint.docs import rule_doc, rules_markdown
from dunletters.lint.engine import Linter
from dunletters.lint.frames import (
    CompiledFrames,
    FrameFile,
    builtin_frames,
    load_frame_file,
    load_shared_words,
    opening_on_a_character,
)
from dunletters.lint.text import TextView

FRAMES_DIR = Path(__file__).parents[1] / "src" / "dunletters" / "lint" / "frames"
EXAMPLES = [
    (code, frame.name, example, expect)
    for code, compiled in sorted(builtin_frames().items())
    for frame in compiled.source.frames
    for expect, examples in ((True, frame.fail), (False, frame.passes))
    for example in examples
]


def test_every_frames_file_is_loaded() -> None:
    assert {load_frame_file(p).rule for p in FRAMES_DIR.glob("*.yml")} == set(builtin_frames())
    assert "DL604" in builtin_frames()


@pytest.mark.parametrize(
    ("code", "frame", "example", "expect"),
    EXAMPLES,
    ids=[
        f"{code}-{frame}-{'fail' if expect else 'pass'}-{i}"
        for i, (code, frame, _, expect) in enumerate(EXAMPLES)
    ],
)
def test_frame_examples(code: str, frame: str, example: str, expect: bool) -> None:
    found = builtin_frames()[code].find(TextView(example))
    codes = [f.code for f in Linter().lint(example)]
    if expect:
        assert frame in [m.frame.name for m in found], example
        assert code in codes, example
    else:
        assert found == [], example
        assert code not in codes, example


def test_frames_are_documented() -> None:
    markdown = rules_markdown()
    for code, compiled in builtin_frames().items():
        text = rule_doc(code)
        for frame in compiled.source.frames:
            assert frame.name in text and frame.description in text
            assert f"**{frame.name}**" in markdown


def test_a_negation_just_before_silences_a_frame_but_a_condition_does_not() -> None:
    frames = builtin_frames()["DL604"]
    assert frames.find(TextView("我行承诺不会主动联系您的单位。")) == []
    assert frames.find(TextView("再不还款，我们将通知您的单位。")) != []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"rule": "DL604", "description": "x", "words": {"act": ["联系"]},
             "frames": [{"name": "a", "description": "x", "patterns": [["act", "party"]], "fail": ["x"]}]},
            "未定义的词槽「party」",
        ),
        (
            {"rule": "DL604", "description": "x", "words": {"act": ["联系("]},
             "frames": [{"name": "a", "description": "x", "patterns": [["act"]], "fail": ["x"]}]},
            "正则表达式错误",
        ),
        (
            {"rule": "DL604", "description": "x", "words": {"party": ["@nobody"]},
             "frames": [{"name": "a", "description": "x", "patterns": [["party"]], "fail": ["x"]}]},
            "未定义的共用词表「@nobody」",
        ),
    ],
)  # fmt: skip
def test_a_broken_frames_file_is_refused_with_its_name(
    tmp_path: Path, data: dict[str, object], message: str
) -> None:
    import yaml

    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_frame_file(path)
    assert "broken.yml" in str(caught.value)


def test_a_shared_vocabulary_joins_a_slot_once(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "kin.yml"
    data = {
        "rule": "DL604", "description": "x", "words": {"party": ["舅舅", "@kin", "房东"]},
        "frames": [{"name": "a", "description": "x", "patterns": [["party"]], "fail": ["x"]}],
    }  # fmt: skip
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    source = load_frame_file(path, {"kin": ("父母", "舅舅", "姐姐")})
    assert source.words["party"] == ("舅舅", "父母", "姐姐", "房东")


def test_the_built_in_frames_name_the_same_kin_in_every_rule() -> None:
    """A kin word added to the shared list reaches DL601, DL503 and DL604 alike."""
    kin = load_shared_words()["kin"]
    for code, slot in [("DL601", "family"), ("DL503", "family"), ("DL604", "party")]:
        assert set(kin) <= set(builtin_frames()[code].source.words[slot]), code


def test_compiled_frames_from_a_model() -> None:
    source = FrameFile.model_validate(
        {
            "rule": "DL604",
            "description": "x",
            "words": {"act": ["抄送"], "party": ["单位"]},
            "frames": [
                {"name": "a", "description": "x", "patterns": [["act", "party"]], "fail": ["x"]}
            ],
        }
    )
    found = CompiledFrames(source).find(TextView("本函将抄送 您的工作单位。"))
    assert [m.text for m in found] == ["抄送 您的工作单位"]


def test_frames_are_cached_in_the_user_cache_by_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dunletters.lint import frames as frames_module

    folder = tmp_path / "frames"
    folder.mkdir()
    for path in FRAMES_DIR.glob("*.yml"):
        (folder / path.name).write_bytes(path.read_bytes())
    shutil.copytree(FRAMES_DIR / "shared", folder / "shared")
    monkeypatch.setenv("DUNLETTERS_LEXICON_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(frames_module, "_frames_dir", lambda: folder)
    frames_module._builtin_set.cache_clear()
    try:
        fresh = frames_module._builtin_set()
        (cached,) = (tmp_path / "cache").glob("frames-*.json")
        frames_module._builtin_set.cache_clear()
        again = frames_module._builtin_set()  # from the cache file
        text = TextView("本函将抄送您的工作单位。")
        assert [m.text for m in again.find(text, "DL604")] == [
            m.text for m in fresh.find(text, "DL604")
        ]
        for code, frames in fresh.by_code.items():  # the cached parts build the same regexes
            assert again.by_code[code]._patterns == frames._patterns
        third = folder / "third_party.yml"
        third.write_text(
            third.read_text(encoding="utf-8").replace("抄送,", "抄送给,", 1), encoding="utf-8"
        )
        frames_module._builtin_set.cache_clear()
        frames_module._builtin_set()
        assert len(list((tmp_path / "cache").glob("frames-*.json"))) == 2
        assert cached.exists()
        shared = folder / "shared" / "words.yml"  # a shared word is a new key too
        shared.write_text(
            shared.read_text(encoding="utf-8").replace("发小,", "发小, 把兄弟,", 1),
            encoding="utf-8",
        )
        frames_module._builtin_set.cache_clear()
        frames_module._builtin_set()
        assert len(list((tmp_path / "cache").glob("frames-*.json"))) == 3
    finally:
        monkeypatch.undo()
        frames_module._builtin_set.cache_clear()


@pytest.mark.parametrize(
    ("word", "written"),
    [
        ("(?<![机社])会", "会(?<![机社]会)"),
        ("(?<!一针)见血(?!封喉)", "见(?<!一针见)血(?!封喉)"),
        ("(?<!自动)(?<!长)曝光", "曝(?<!自动曝)(?<!长曝)光"),
        ("(?<=[，,])责任", "责(?<=[，,]责)任"),
        ("(?:你|您)的", "你的|您的"),  # a group of alternatives: each opens the word
        ("(?<![0-9])(?:过去)", "过(?<![0-9]过)去"),
        ("(?<![我本])(?:公司|单位)前台", "公(?<![我本]公)司前台|单(?<![我本]单)位前台"),
        ("(?:与债务)?无关", "与债务无关|无关"),  # optional: with it first, then without
        ("(?:(?:你|您)的事|这件事)", "你的事|您的事|这件事"),
        ("(?:你|您)+的", "(?:你|您)+的"),  # repeated: left as it is
        ("(?:你|您)??的", "(?:你|您)??的"),
        ("(?=你)(?:你|您)的", "(?=你)(?:你|您)的"),
    ],
)
def test_a_word_opens_on_its_character(word: str, written: str) -> None:
    import re

    assert opening_on_a_character(word) == written
    for text in [
        "机会",
        "社会",
        "我会",
        "一针见血",
        "自动曝光",
        "长曝光",
        "曝光",
        "，责任",
        "责任",
        "你的",
        "您的事和这件事",
        "与债务无关，无关",
        "我公司前台、你单位前台",
        "你你的",
        "过去，0过去",
    ]:
        old = [m.span() for m in re.finditer(word, text)]
        assert [m.span() for m in re.finditer(written, text)] == old, text
