"""The lint's statistical second opinion: shipped, regenerable, deterministic, explained,
off by default, never an error."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dunletters.config import LintSettings, Settings
from dunletters.lint.engine import Linter
from dunletters.lint.findings import Finding, Severity
from dunletters.lint.second_opinion import (
    CODES,
    MODEL_PATH,
    Model,
    SecondOpinion,
    cue_patterns,
    load_model,
    ngrams,
)
from dunletters.lint.text import TextView

ROOT = Path(__file__).resolve().parents[1]
MISSED = "你表弟那边我们也去过了，他说会劝你。"
"""A disclosure (written for this test) the phrase lists and frames do not catch."""


def opinions(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.message.startswith("统计模型判断")]


@pytest.fixture(scope="module")
def linter_on() -> Linter:
    return Linter(Settings(lint=LintSettings(second_opinion=True)))


def test_the_training_script_regenerates_the_shipped_model_byte_for_byte() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_second_opinion.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, (
        result.stdout
        + result.stderr
        + "（语料或词表例句已变：运行 python scripts/train_second_opinion.py）"
    )
    assert result.stdout == "up to date\n"


def test_the_model_ships_inside_the_package_as_sorted_json() -> None:
    assert MODEL_PATH.parent == ROOT / "src" / "dunletters" / "lint"
    text = MODEL_PATH.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data and set(data) <= set(CODES)
    assert all(entry["method"] in ("nb", "lr") for entry in data.values())
    assert json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n" == text


def test_off_by_default(linter_on: Linter) -> None:
    assert LintSettings().second_opinion is False
    assert opinions(Linter().lint(MISSED, channel="sms")) == []
    assert [f.code for f in Linter().lint(MISSED, channel="sms") if f.code == "DL604"] == []


def test_a_finding_is_a_warning_that_names_its_trigger_words(linter_on: Linter) -> None:
    (finding,) = opinions(linter_on.lint(MISSED, channel="sms"))
    assert finding.code == "DL604"
    assert finding.severity is Severity.WARNING
    assert finding.match == MISSED
    assert finding.message.startswith("统计模型判断可能属于向第三方透露")
    triggers = finding.message.split("触发词：", 1)[1].rstrip("）").split("、")
    assert 1 <= len(triggers) <= 3
    assert all(trigger in MISSED for trigger in triggers)
    assert [f.code for f in Linter().lint(MISSED, channel="sms") if f.code in CODES] == []
    weights = load_model().weights
    for trigger in triggers:  # each a run of the sentence covered by positive n-grams
        assert any(w > 0 for gram in ngrams(trigger) for _, w in weights.get(gram, ()))
    assert triggers == ["那边我们也"]


def test_a_sentence_the_rules_flag_gets_no_second_finding(linter_on: Linter) -> None:
    text = "你再躲着不还，我就去找你哥要钱了。"
    assert load_model().scores(text)[0] >= load_model().threshold[0]
    found = linter_on.lint(text, channel="sms")
    assert "DL604" in {f.code for f in found}
    assert opinions(found) == []


def test_deterministic_across_linters_and_runs() -> None:
    texts = [MISSED, "天天有人守在他家门口等他还钱。", "请于本月底前还款。"]

    def run() -> list[list[dict[str, object]]]:
        linter = Linter(Settings(lint=LintSettings(second_opinion=True)))
        return [[f.to_json() for f in linter.lint(t, channel="sms")] for t in texts]

    assert run() == run()
    model = load_model()
    assert model.scores(MISSED) == model.scores(MISSED)


def test_a_model_fires_only_over_its_threshold_and_only_for_selected_rules() -> None:
    data: dict[str, dict[str, Any]] = {
        "DL601": {"bias": -1.0, "threshold": 1.5, "weights": {"打断": 2.0, "腿": 1.0}},
    }
    model = Model.from_json(data)
    assert model.judge("小心打断你的腿", ["DL601"])[0].triggers == ("打断", "腿")
    assert model.judge("打断一下", ["DL601"]) == ()  # 1.0 < 1.5
    overlapping = Model.from_json(
        {"DL601": {"bias": 0.0, "threshold": 1.0, "weights": {"打断": 2.0, "断你": 1.5, "腿": 1.0}}}
    )
    assert overlapping.judge("小心打断你的腿", ["DL601"])[0].triggers == ("打断你", "腿")
    assert model.judge("小心打断你的腿", ["DL604"]) == ()
    assert model.gates == (None,)
    gate = {"DL601": re.compile("否则")}
    gated = Model.from_json({"DL601": {**data["DL601"], "gate": True}}, gate)
    assert gated.judge("小心打断你的腿", ["DL601"]) == ()  # no cue word, no verdict
    assert gated.judge("否则小心打断你的腿", ["DL601"])[0].code == "DL601"
    shipped = Model.from_json({"DL601": {**data["DL601"], "gate": True}})
    assert shipped.gates == (cue_patterns()["DL601"],)
    threat = [r for r in Linter().rules if r.code == "DL601"]
    second = SecondOpinion(threat, model)
    view = TextView("请按时还款。小心打断你的腿。")
    (finding,) = second.findings(view, [], ["DL601"])
    assert (finding.line, finding.column, finding.match) == (1, 7, "小心打断你的腿。")
    assert SecondOpinion([], model).findings(view, [], ["DL601"]) == []
    (rule,) = threat
    insult = Finding(
        code="DL602", name="insult", severity=Severity.ERROR, principle=rule.principle,
        message="…", line=1, column=7, end_line=1, end_column=14, match="", offset=6,
        end_offset=8,
    )  # fmt: skip
    assert second.findings(view, [insult], ["DL601"]) == []  # the rules judged it


def test_ngrams_leave_out_punctuation_and_read_presence() -> None:
    assert ngrams("还，还！") == ["还", "还还"]


def test_the_model_reads_traditional_text_as_it_reads_simplified(linter_on: Linter) -> None:
    traditional = "你表弟那邊我們也去過了，他說會勸你。"
    (finding,) = opinions(linter_on.lint(traditional, channel="sms"))
    assert finding.code == "DL604"
    assert finding.match == traditional


def test_cue_words_expand_the_shared_vocabularies() -> None:
    cues = cue_patterns()
    assert set(cues) == set(CODES)
    assert cues["DL604"].search("小舅子") and cues["DL603"].search("派出所")
    assert cues["DL604"].search("请按时还款") is None


def test_clean_corpus_documents_get_no_error_with_it_on(linter_on: Linter) -> None:
    items = [
        json.loads(line)
        for split in ("dev", "heldout")
        for line in (ROOT / "tests" / "corpus" / f"{split}.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    clean = [i for i in items if i["kind"] == "document" and i["clean"]]
    assert clean
    for item in clean:
        found = linter_on.lint(
            item["text"], infer=True, channel=item["channel"], stage=item.get("stage")
        )
        errors = [f.code for f in found if f.severity is Severity.ERROR]
        assert not errors, (item["id"], errors)  # ids and codes only: held-out stays unread


def _script(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def trainer() -> Any:
    return _script("train_second_opinion", ROOT / "scripts" / "train_second_opinion.py")


def test_the_threshold_stops_before_the_first_false_alarm(trainer: Any) -> None:
    rules = (1, 1, 5)  # the rules' own precision: 50 %
    scored = [(5.0, True), (4.0, False), (3.0, False), (2.0, True), (1.5, True), (1.0, True)]
    fit = trainer.choose(scored, rules)
    # 2/4 at 4.0; 2/5 at 3.0 drops below 50 % (5/8 at 1.0 would not: it stops anyway)
    assert (fit.threshold, fit.added) == (4.0, (1, 1))
    strict = trainer.choose(scored, (10, 0, 5))  # 100 %: no false alarm allowed
    assert (strict.threshold, strict.added) == (5.0, (1, 0))
    assert trainer.choose([(3.0, False), (2.0, True)], (10, 0, 5)).threshold is None


def test_both_learners_are_deterministic(trainer: Any) -> None:
    texts = [("我们会通知你的单位", True), ("请按时还款", False), ("我们会通知你的家人", True)]
    examples = [(trainer.grams(t), label) for t, label in texts * 3]
    for learn in (trainer.train_nb, trainer.train_lr):
        first, again = learn(examples), learn(list(examples))
        assert first == again
        assert first[1]  # it learnt some weights
        assert first[1].get("通知", 0) > 0 > first[1].get("还款", 0)


def test_the_benchmark_switch_reaches_the_linter() -> None:
    bench = _script("lint_accuracy", ROOT / "benchmarks" / "lint_accuracy.py")
    assert bench.measure("HEAD", second_opinion=True)["dev"].items == 0  # no new items
    with pytest.raises(SystemExit):
        bench.main(["--second-opinion", "maybe"])
