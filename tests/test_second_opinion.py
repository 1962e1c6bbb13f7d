"""The lint's statistical second opinion: shipped, regenerable, deterministic, explained,
reads drafts (not a batch's letters unless told), never an error; its thresholds come
from the rules' first verdicts."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import date
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
    dumps,
    load_model,
    ngrams,
)
from dunletters.lint.text import TextView, fold

ROOT = Path(__file__).resolve().parents[1]


def opinions(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.message.startswith("统计模型判断")]


@pytest.fixture(scope="module")
def linter_on() -> Linter:
    return Linter()


def off() -> Linter:
    return Linter(Settings(lint=LintSettings(second_opinion="off")))


@pytest.fixture(scope="module")
def only_it_flags(linter_on: Linter) -> list[str]:
    """The dev corpus's one-sentence third-party items that the rules miss and the
    shipped model flags (it read them in training, so each retrained model flags some)."""
    rules = off()
    found = []
    for line in (ROOT / "tests" / "corpus" / "dev.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        if item["kind"] != "sentence" or "DL604" not in item["expect"]:
            continue
        text = item["text"]
        if any(f.code == "DL604" for f in rules.lint(text, channel="sms")):
            continue
        if ("DL604", text) in [
            (f.code, f.match) for f in opinions(linter_on.lint(text, channel="sms"))
        ]:
            found.append(text)  # one sentence, flagged whole
    return found


@pytest.fixture(scope="module")
def missed(only_it_flags: list[str]) -> str:
    """A sentence only the second opinion flags, in simplified characters."""
    simplified = [text for text in only_it_flags if fold(text) == text]
    assert simplified, "the model flags no dev sentence the rules miss"
    return simplified[0]


@pytest.fixture(scope="module")
def missed_traditional(only_it_flags: list[str]) -> str:
    """A sentence only the second opinion flags, in traditional characters."""
    traditional = [text for text in only_it_flags if fold(text) != text]
    assert traditional, "the model flags no traditional dev sentence the rules miss"
    return traditional[0]


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


def test_the_model_ships_inside_the_package_one_gram_a_line() -> None:
    assert MODEL_PATH.parent == ROOT / "src" / "dunletters" / "lint"
    text = MODEL_PATH.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["codes"] and set(data["codes"]) <= set(CODES)
    assert data["method"] in ("nb", "lr")
    assert len(data["bias"]) == len(data["threshold"]) == len(data["codes"])
    assert all(len(w) == len(data["codes"]) for w in data["weights"].values())
    assert dumps(data) == text
    assert text.count("\n") == len(data["weights"]) + 2


def test_it_reads_drafts_and_a_batch_only_when_told(missed: str) -> None:
    assert LintSettings().second_opinion == "drafts"
    assert "DL604" in [f.code for f in opinions(Linter().lint(missed, channel="sms"))]
    assert opinions(Linter(batch=True).lint(missed, channel="sms")) == []
    always = Settings(lint=LintSettings(second_opinion="always"))
    assert opinions(Linter(always, batch=True).lint(missed, channel="sms")) != []
    assert opinions(off().lint(missed, channel="sms")) == []
    assert [f.code for f in off().lint(missed, channel="sms") if f.code == "DL604"] == []


def test_a_batch_job_lints_without_it() -> None:
    from dunletters.jobs import RunContext
    from dunletters.registry import Registry

    context = RunContext.create(Settings(), Registry.load(), as_of=date(2026, 12, 1))
    assert context.linter._second is None


def test_a_finding_is_a_warning_that_names_its_trigger_words(
    linter_on: Linter, missed: str
) -> None:
    (finding,) = [f for f in opinions(linter_on.lint(missed, channel="sms")) if f.code == "DL604"]
    assert finding.severity is Severity.WARNING
    assert finding.match == missed
    assert finding.message.startswith("统计模型判断可能属于向第三方透露")
    triggers = finding.message.split("触发词：", 1)[1].rstrip("）").split("、")
    assert 1 <= len(triggers) <= 3
    assert all(trigger in missed for trigger in triggers)
    model = load_model()
    index = model.codes.index("DL604")
    for trigger in triggers:  # each a run of the sentence covered by positive n-grams
        assert any(model.weights.get(gram, [0.0] * 3)[index] > 0 for gram in ngrams(trigger))


def test_a_sentence_the_rules_flag_gets_no_second_finding(linter_on: Linter) -> None:
    text = "你再不还钱，我们就通知你单位领导和同事。"
    model = load_model()
    index = model.codes.index("DL604")
    assert model.scores(text)[index] > model.threshold[index]  # the model would flag it
    found = linter_on.lint(text, channel="sms")
    assert "DL604" in {f.code for f in found}
    assert opinions(found) == []


def test_deterministic_across_linters_and_runs(missed: str) -> None:
    texts = [missed, "天天有人守在他家门口等他还钱。", "请于本月底前还款。"]

    def run() -> list[list[dict[str, object]]]:
        linter = Linter()
        return [[f.to_json() for f in linter.lint(t, channel="sms")] for t in texts]

    assert run() == run()
    model = load_model()
    assert model.scores(missed) == model.scores(missed)


def test_a_model_fires_only_over_its_threshold_and_only_for_selected_rules() -> None:
    data: dict[str, Any] = {
        "bias": [-1.0],
        "codes": ["DL601"],
        "method": "lr",
        "threshold": [1.5],
        "weights": {"打断": [2.0], "腿": [1.0], "小": [3.0]},
    }
    model = Model.from_json(data)
    assert model.judge("小心打断你的腿", ["DL601"])[0].triggers == ("打断",)
    assert model.judge("打断一下", ["DL601"]) == ()  # 1.0 < 1.5
    overlapping = Model.from_json(
        {**data, "weights": {"打断": [2.0], "断你": [1.5], "你的腿": [1.0]}, "bias": [0.0]}
    )
    assert overlapping.judge("小心打断你的腿", ["DL601"])[0].triggers == ("打断你的腿",)
    single = Model.from_json({**data, "weights": {"腿": [3.0]}})
    assert single.judge("小心打断你的腿", ["DL601"])[0].triggers == ("腿",)
    assert model.judge("小心打断你的腿", ["DL604"]) == ()
    threat = [r for r in Linter().rules if r.code == "DL601"]
    second = SecondOpinion(threat, model)
    view = TextView("请按时还款。小心打断你的腿。")
    (finding,) = second.findings(view, [], ["DL601"])
    assert (finding.line, finding.column, finding.match) == (1, 7, "小心打断你的腿。")
    assert SecondOpinion([], model).findings(view, [], ["DL601"]) == []
    (rule,) = threat

    def found(code: str) -> Finding:
        return Finding(
            code=code, name="x", severity=Severity.ERROR, principle=rule.principle,
            message="…", line=1, column=7, end_line=1, end_column=14, match="", offset=6,
            end_offset=8,
        )  # fmt: skip

    assert second.findings(view, [found("DL601")], ["DL601"]) == []  # the rules judged it
    assert len(second.findings(view, [found("DL602")], ["DL601"])) == 1  # not of its code


@pytest.mark.parametrize(
    "warning",
    [
        "请勿把钱转到催收员的个人微信。", "谨防有人要求您转到个人账户。",
        "我行不会要求您向个人账户转账。", "严禁催收人员以个人账户收款。",
    ],
)  # fmt: skip
def test_a_sentence_that_forbids_warns_or_denies_is_left_to_the_rules(warning: str) -> None:
    model = Model.from_json(
        {"bias": [0.0], "codes": ["DL606"], "method": "lr", "threshold": [1.0],
         "weights": {"个人": [2.0]}}
    )  # fmt: skip
    assert model.judge("请把钱转到催收员的个人微信。", ["DL606"]) != ()
    assert model.judge(warning, ["DL606"]) == ()


def test_the_rules_command_names_it_for_the_codes_it_reads() -> None:
    from dunletters.lint.docs import rule_doc, rules_markdown

    model = load_model()
    assert "统计模型第二意见" in rule_doc("DL604")
    for code in CODES:
        assert ("统计模型第二意见" in rule_doc(code)) is (code in model.codes)
    assert rules_markdown().count("### 统计模型第二意见") == len(model.codes)


def test_ngrams_leave_out_punctuation_and_read_presence() -> None:
    assert ngrams("还，还！") == ["还", "还还"]


def test_the_model_reads_traditional_text_as_it_reads_simplified(
    linter_on: Linter, missed_traditional: str
) -> None:
    simplified = fold(missed_traditional)
    read = [(f.code, f.match) for f in opinions(linter_on.lint(missed_traditional, channel="sms"))]
    assert ("DL604", missed_traditional) in read
    again = [(f.code, f.match) for f in opinions(linter_on.lint(simplified, channel="sms"))]
    assert [code for code, _ in again] == [code for code, _ in read]


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


def test_the_threshold_stops_before_the_added_hits_fall_below_90_percent(trainer: Any) -> None:
    rules = (1, 1, 5)
    scored = [(9.0 - n, True) for n in range(9)] + [(0.5, False), (0.2, True), (0.1, True)]
    fit = trainer.choose(scored, rules)
    assert (fit.threshold, fit.added) == (0.1, (11, 1))  # 11 of 12: still 91.7 %
    early = [(5.0, True), (4.0, False), (3.0, True), (2.0, True), (1.0, True)]
    assert trainer.choose(early, rules).threshold is None  # 1 of 2: stop; 1 hit is too few
    few = [(5.0, True), (4.0, True), (3.0, False)]
    assert trainer.choose(few, rules).threshold is None  # 2 hits: fewer than MIN_ADDED


def test_a_yaml_example_copied_from_a_held_fold_is_left_out(trainer: Any) -> None:
    item = frozenset(g for g in trainer.grams("你的欠款我们已告知你单位领导") if len(g) == 3)
    copied = trainer.grams("你的欠款已告知你单位领导")
    other = trainer.grams("逾期将影响您的个人信用记录")
    assert trainer._leaks(copied, [item])
    assert not trainer._leaks(other, [item])


def test_folds_follow_the_source_page_in_every_cut(trainer: Any) -> None:
    page = {"url": "https://example.org/a", "title": "t"}
    for cut in range(trainer.PARTITIONS):
        assert trainer.fold_of({"id": "s-1", "source": page}, cut) == trainer.fold_of(
            {"id": "s-2", "source": page}, cut
        )


def test_the_cuts_group_pages_differently(trainer: Any) -> None:
    pages = [{"source": {"url": f"https://example.org/{n}"}, "id": f"s-{n}"} for n in range(40)]
    cuts = {tuple(trainer.fold_of(p, cut) for p in pages) for cut in range(trainer.PARTITIONS)}
    assert len(cuts) == trainer.PARTITIONS


def test_the_benchmark_switch_reaches_the_linter() -> None:
    bench = _script("lint_accuracy", ROOT / "benchmarks" / "lint_accuracy.py")
    assert bench.measure("HEAD", second_opinion=True)["dev"].items == 0  # no new items
    with pytest.raises(SystemExit):
        bench.main(["--second-opinion", "maybe"])
