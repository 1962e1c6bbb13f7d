"""Train the lint's statistical second opinion (src/dunletters/lint/second_opinion.json).

Data: the dev split of tests/corpus (never held-out) and every fail/pass example of the
phrase lists and frames, all folded as the lint folds them. Features: the presence of a
sentence's character 1–3-grams. Models, per content code: naive Bayes (``nb``: smoothed
log-likelihood ratios) or L2 logistic regression (``lr``: a fixed number of passes in a
fixed order).

Threshold: chosen on text the rules had not been tuned on. Each dev item of a round
labelled before the linter ran on it has its *first verdict* (the codes the rules fired
then: tests/corpus/first_verdicts.jsonl). The model is scored out of fold (5 folds by
source page, so a fold's pages are new to it; a YAML example copied from a fold's item is
left out of that fold's training), on the items whose first verdict lacked the code and
came from rules as strong as today's (recorded at CALIBRATED_FROM or later), in
PARTITIONS different cuts of the pages into folds. In each cut, the threshold is the lowest
score at and above which the hits it adds there stay PRECISION precise (none when it would
add fewer than MIN_ADDED); the shipped threshold is the median of the cuts' thresholds, and
a code most cuts would not ship is left out of the file. No randomness: the same
inputs give the same bytes (tests/test_second_opinion.py checks it).

Usage: ``python scripts/train_second_opinion.py`` (retrain: after the corpus, its first
verdicts or a YAML example change); ``--check`` (exit 1 when the shipped JSON differs, write nothing);
``--cv`` (print the cross-validation table of every variant, write nothing).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median_low
from typing import Any

import yaml

from dunletters.lint.second_opinion import CODES, MODEL_PATH, dumps, judged, ngrams
from dunletters.lint.text import TextView, fold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import first_verdicts  # scripts/first_verdicts.py: the verdicts, and the corpus as scored

ROOT = Path(__file__).resolve().parents[1]
LINT = ROOT / "src" / "dunletters" / "lint"
VARIANT = "lr"
"""The variant shipped (chosen on dev cross-validation: benchmarks/HISTORY.md)."""
VARIANTS = ("nb", "lr")
FOLDS = 5
PARTITIONS = 5
"""How many ways the dev pages are cut into FOLDS folds. An item's calibration score is the
median of its out-of-fold scores over the cuts (repeated cross-validation): with one cut, the
few items at the top of the ranking, and so whether a code shipped at all, depended on which
pages happened to share a fold (benchmarks/HISTORY.md, tenth session)."""
PRECISION = 0.9
"""How precise the hits the model adds must be, out of fold, on items the rules had not
been tuned on."""
CALIBRATED_FROM = "aeb5803"
"""Round 18's merge: from it on, each round's first verdicts were recorded at its merge
with the rules of the day (scripts/first_verdicts.py --new-since). Older rounds' verdicts
came from weaker rules, whose silent items still hold positives that today's rules catch:
thresholds chosen there let through hits that were not precise on new text
(benchmarks/HISTORY.md, seventh session)."""
MIN_ADDED = 3
"""A code whose model would add fewer hits than this out of fold is left out."""
MIN_COUNT = 2
"""An n-gram seen in fewer training sentences than this gets no weight."""
NB_SMOOTHING = 0.5
NB_MIN_WEIGHT = 0.25
"""A naive-Bayes weight nearer zero than this is left out (it barely moves a score)."""
LR_PASSES = 12
LR_RATE = 0.2
LR_L2 = 1e-3
LR_MIN_WEIGHT = 0.02

Grams = tuple[str, ...]
Example = tuple[Grams, bool]
Weights = tuple[float, dict[str, float]]


def _read(path: Path) -> Any:
    """A YAML file read as the lint reads it (libyaml's loader when there is one)."""
    return yaml.load(
        path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def grams(text: str) -> Grams:
    """A text's n-grams as the model reads them (folded first, as the lint folds)."""
    return tuple(ngrams(fold(text)))


def yaml_examples(code: str) -> list[Example]:
    """The fail (positive) and pass (negative) examples the YAML gives for ``code``."""
    found: list[tuple[str, bool]] = []
    for path in sorted((LINT / "lexicons").glob("*.yml")):
        data = _read(path)
        if data.get("rule") != code:
            continue
        found += [(e["example"], True) for e in data.get("entries", []) if e.get("example")]
        doc = data.get("doc") or {}
        found += [(t, True) for t in doc.get("fail", [])]
        found += [(t, False) for t in doc.get("passes", [])]
        found += [(t, False) for t in data.get("pass_examples", [])]
    for path in sorted((LINT / "frames").glob("*.yml")):
        data = _read(path)
        if data.get("rule") != code:
            continue
        for frame in data.get("frames", []):
            found += [(t, True) for t in frame.get("fail", [])]
            found += [(t, False) for t in frame.get("pass", [])]
    return [(grams(text), label) for text, label in found]


@dataclass(frozen=True)
class Item:
    """A dev item as the model sees it: its sentences (folded), labels, first verdict."""

    id: str
    folds: tuple[int, ...]
    """Its fold in each of the PARTITIONS cuts."""
    kind: str
    expect: frozenset[str]
    first: frozenset[str] | None
    """The codes the rules fired on it before any rule was tuned on it
    (tests/corpus/first_verdicts.jsonl), or None when that was not recorded."""
    calibrates: bool
    """Whether its first verdict came from rules as strong as today's (CALIBRATED_FROM)."""
    whole: Grams
    parts: tuple[Grams, ...]
    """The n-grams of each of the lint's sentences."""
    spoken: tuple[Grams, ...]
    """Those of the sentences the model may judge (:func:`judged`): what it is scored on."""


def fold_of(item: dict[str, Any], cut: int = 0) -> int:
    """A dev item's cross-validation fold in one cut, by its source: the items quoted from
    one page share a fold, so a fold's scores are those of pages the model never read."""
    source = item["source"]
    key = (f"{cut}:" if cut else "") + (source.get("url") or source.get("title") or item["id"])
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % FOLDS


def dev_items(bench: Any) -> list[Item]:
    """The dev split with each item's first verdict."""
    first = first_verdicts.read()
    strong = _strong({row["commit"] for row in first.values()})
    items = []
    for raw in bench.load("dev"):
        view = TextView(raw["text"])
        folded = view.folded
        row = first.get(raw["id"], {"commit": "", "fired": None})
        commit, fired = row["commit"], row["fired"]
        sentences = [folded[s.start : s.end] for s in view.sentences]
        parts = tuple(tuple(ngrams(sentence)) for sentence in sentences)
        items.append(
            Item(
                raw["id"],
                tuple(fold_of(raw, cut) for cut in range(PARTITIONS)),
                raw["kind"],
                frozenset(raw["expect"]),
                None if fired is None else frozenset(fired),
                fired is not None and commit in strong,
                grams(raw["text"]),
                parts,
                tuple(g for g, sentence in zip(parts, sentences, strict=True) if judged(sentence)),
            )
        )
    return items


def _strong(commits: set[str]) -> set[str]:
    """The commits that are CALIBRATED_FROM or come after it in the history."""
    return {
        commit
        for commit in commits
        if subprocess.run(
            ["git", "-C", str(ROOT), "merge-base", "--is-ancestor", CALIBRATED_FROM, commit],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    }


def dev_examples(items: list[Item], code: str) -> list[Example]:
    """Training examples from dev items: a sentence item as a whole; each sentence of a
    document that does not expect ``code``, as a negative."""
    found: list[Example] = []
    for item in items:
        if item.kind == "sentence":
            found.append((item.whole, code in item.expect))
        elif code not in item.expect:
            found += [(g, False) for g in item.parts]
    return found


def _counted(examples: list[Example]) -> set[str]:
    """The n-grams seen in at least MIN_COUNT training examples."""
    seen: Counter[str] = Counter()
    for g, _ in examples:
        seen.update(g)
    return {gram for gram, n in seen.items() if n >= MIN_COUNT}


def train_nb(examples: list[Example]) -> Weights:
    """Bias and weights of a naive Bayes over n-gram presence."""
    positives = sum(1 for _, label in examples if label)
    negatives = len(examples) - positives
    seen: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    for g, label in examples:
        seen[label].update(g)
    weights: dict[str, float] = {}
    for gram in sorted(_counted(examples)):
        yes, no = seen[True][gram], seen[False][gram]
        weight = math.log((yes + NB_SMOOTHING) / (positives + 2 * NB_SMOOTHING)) - math.log(
            (no + NB_SMOOTHING) / (negatives + 2 * NB_SMOOTHING)
        )
        if abs(weight) >= NB_MIN_WEIGHT:
            weights[gram] = round(weight, 4)
    return round(math.log(positives / negatives), 4), weights


def train_lr(examples: list[Example]) -> Weights:
    """Bias and weights of an L2 logistic regression, by stochastic gradient descent:
    LR_PASSES passes over the examples in a fixed order (by their n-grams' hash), the
    classes weighted to balance, each update regularising the weights it touches."""
    known = _counted(examples)
    order = sorted(
        ((tuple(g for g in grams_ if g in known), label) for grams_, label in examples),
        key=lambda ex: hashlib.sha256(("\x00".join(ex[0]) + str(ex[1])).encode()).digest(),
    )
    positives = sum(1 for _, label in order if label)
    balance = {
        True: len(order) / (2 * positives),
        False: len(order) / (2 * (len(order) - positives)),
    }
    bias = 0.0
    weights: dict[str, float] = {}
    for step in range(LR_PASSES):
        rate = LR_RATE / (1 + step)
        for g, label in order:
            z = bias + sum(weights.get(gram, 0.0) for gram in g)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            error = (p - (1.0 if label else 0.0)) * balance[label]
            bias -= rate * error
            for gram in g:
                w = weights.get(gram, 0.0)
                weights[gram] = w - rate * (error + LR_L2 * w)
    kept = {gram: round(w, 4) for gram, w in sorted(weights.items()) if abs(w) >= LR_MIN_WEIGHT}
    return round(bias, 4), kept


TRAINERS: dict[str, Callable[[list[Example]], Weights]] = {"nb": train_nb, "lr": train_lr}


def score(model: Weights, g: Grams) -> float:
    """A sentence's score, summed in a fixed order."""
    bias, weights = model
    return bias + sum(weights.get(gram, 0.0) for gram in g)


def item_score(model: Weights, item: Item) -> float:
    """An item's score: its best judged sentence's, as the linter reads it."""
    return max((score(model, g) for g in item.spoken), default=-math.inf)


@dataclass
class Fit:
    """One code's cross-validated result for one variant."""

    threshold: float | None
    rules: tuple[int, int, int]
    """The rules' first verdicts' (TP, FP, FN) for the code."""
    added: tuple[int, int]
    """(TP, FP) the model adds at the threshold, out of fold, where they were silent."""


def choose(scored: list[tuple[float, bool]], rules: tuple[int, int, int]) -> Fit:
    """The lowest threshold at and above which the added hits are PRECISION precise:
    walk the silent items' scores downwards, stop before the first that lowers it below;
    a code that would add fewer than MIN_ADDED hits is left out."""
    by_score: dict[float, list[bool]] = {}
    for s, label in scored:
        if s > -math.inf:
            by_score.setdefault(s, []).append(label)
    best: float | None = None
    added = (0, 0)
    yes = no = 0
    for s in sorted(by_score, reverse=True):
        yes += sum(by_score[s])
        no += len(by_score[s]) - sum(by_score[s])
        if yes < PRECISION * (yes + no):
            break
        best, added = s, (yes, no)
    if added[0] < MIN_ADDED:
        return Fit(None, rules, (0, 0))
    return Fit(best, rules, added)


def _leaks(example: Grams, held: list[frozenset[str]]) -> bool:
    """Whether a YAML example shares half its 3-grams with a held-out fold's item (or
    the item half of its own): rule authors copy real sentences into their examples,
    and a fold's score must not come from text the model read."""
    own = frozenset(g for g in example if len(g) == 3)
    for other in held:
        shared = len(own & other)
        if shared and (2 * shared >= len(own) or 2 * shared >= len(other)):
            return True
    return False


def cross_validate(items: list[Item], extra: list[Example], code: str, method: str) -> Fit:
    """The variant's threshold for ``code`` from the out-of-fold scores of the items whose
    first verdict lacked it: there the rules had not yet been tuned on the item, as they
    have not on a reviewer's new text. The threshold is the median of the cuts' own; the
    hits it adds are counted on each item's median score over the cuts."""
    firsts = [(i.first, i.expect) for i in items if i.first is not None and i.calibrates]
    rules = (
        sum(1 for fired, expect in firsts if code in fired and code in expect),
        sum(1 for fired, expect in firsts if code in fired and code not in expect),
        sum(1 for fired, expect in firsts if code not in fired and code in expect),
    )
    calibrating = [i for i in items if i.first is not None and i.calibrates and code not in i.first]
    scores: dict[str, list[float]] = {i.id: [] for i in calibrating}
    for cut in range(PARTITIONS):
        for k in range(FOLDS):
            held = [i for i in items if i.folds[cut] == k]
            trigrams = [frozenset(g for g in i.whole if len(g) == 3) for i in held]
            training = [e for e in extra if not _leaks(e[0], trigrams)]
            rest = [i for i in items if i.folds[cut] != k]
            model = TRAINERS[method](training + dev_examples(rest, code))
            for i in held:
                if i.id in scores:
                    scores[i.id].append(item_score(model, i))
    # A cut that would not ship the code counts as above every score: the threshold does not
    # rest on the one clean item just below a walk's last hit (HISTORY, eleventh session).
    fits = [
        choose([(scores[i.id][cut], code in i.expect) for i in calibrating], rules)
        for cut in range(PARTITIONS)
    ]
    threshold = median_low([math.inf if f.threshold is None else f.threshold for f in fits])
    if threshold == math.inf:
        return Fit(None, rules, (0, 0))
    medians = [(median_low(scores[i.id]), code in i.expect) for i in calibrating]
    added = (
        sum(1 for m, y in medians if m >= threshold and y),
        sum(1 for m, y in medians if m >= threshold and not y),
    )
    return Fit(threshold, rules, added)


def build(method: str = VARIANT) -> tuple[str, dict[str, Fit]]:
    """The model file's text, and each code's cross-validated fit."""
    items = dev_items(first_verdicts.accuracy())
    fits = {code: cross_validate(items, yaml_examples(code), code, method) for code in CODES}
    kept = [code for code in CODES if fits[code].threshold is not None]
    trained = {
        code: TRAINERS[method](yaml_examples(code) + dev_examples(items, code)) for code in kept
    }
    grams = sorted({gram for _bias, weights in trained.values() for gram in weights})
    model = {
        "bias": [trained[code][0] for code in kept],
        "codes": kept,
        "method": method,
        "threshold": [math.floor(fits[code].threshold * 10_000) / 10_000 for code in kept],  # type: ignore[operator]
        "weights": {gram: [trained[code][1].get(gram, 0.0) for code in kept] for gram in grams},
    }
    return dumps(model), fits


def cv_table() -> str:
    """Each learner's cross-validated figures per code, as a Markdown table: what it
    adds out of fold where the first verdicts were silent."""
    items = dev_items(first_verdicts.accuracy())
    lines = [
        "| code | first verdicts TP/FP/FN | P / R | " + " | ".join(VARIANTS) + " |",
        "|---" * (3 + len(VARIANTS)) + "|",
    ]
    for code in CODES:
        extra = yaml_examples(code)
        fits = [cross_validate(items, extra, code, method) for method in VARIANTS]
        cells = [
            "off" if fit.threshold is None else f"+{fit.added[0]} TP +{fit.added[1]} FP"
            for fit in fits
        ]
        tp, fp, fn = fits[0].rules
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"| {code} | {tp}/{fp}/{fn} | {p:.1%} / {r:.1%} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--cv", action="store_true", help="print every variant's CV table")
    args = parser.parse_args(argv)
    if args.cv:
        sys.stdout.write(cv_table())
        return 0
    text, _fits = build()
    if args.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text(encoding="utf-8") == text
        sys.stdout.write("up to date\n" if same else f"{MODEL_PATH.name} is stale\n")
        return 0 if same else 1
    MODEL_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
