"""Train the lint's statistical second opinion (src/dunletters/lint/second_opinion.json).

Data: the dev split of tests/corpus (never held-out) and every fail/pass example of the
phrase lists and frames, all folded as the lint folds them. Features: the presence of a
sentence's character 1–3-grams. Models, per content code: naive Bayes (``nb``: smoothed
log-likelihood ratios) or L2 logistic regression (``lr``: a fixed number of passes in a
fixed order); either may be *gated* (``-gated``: a sentence counts only when it also
holds one of the code's cue words, lint/second_opinion_cues.yml).

Threshold: the model adds a code to a dev item only where the rules left it silent, so
each code's threshold is the lowest score at which — and at every score above it — the
rules plus the 5-fold cross-validated model keep dev precision at or above the rules'
own dev precision for that code. A code no threshold keeps precise enough is left out
of the file. No randomness: the same inputs give the same bytes
(tests/test_second_opinion.py checks it).

Usage: ``python scripts/train_second_opinion.py`` (retrain: after the corpus or a YAML
example changes); ``--check`` (exit 1 when the shipped JSON differs, write nothing);
``--cv`` (print the cross-validation table of every variant, write nothing).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dunletters.lint.second_opinion import CODES, MODEL_PATH, cue_patterns, ngrams
from dunletters.lint.text import TextView, fold

ROOT = Path(__file__).resolve().parents[1]
LINT = ROOT / "src" / "dunletters" / "lint"
VARIANT = "nb"
"""The variant shipped (chosen on dev cross-validation: benchmarks/HISTORY.md)."""
VARIANTS = ("nb", "nb-gated", "lr", "lr-gated")
FOLDS = 5
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


def _benchmark() -> Any:
    """benchmarks/lint_accuracy.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "lint_accuracy", ROOT / "benchmarks" / "lint_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


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
    """A dev item as the model sees it: its sentences (folded), labels, rules' verdict."""

    id: str
    fold: int
    kind: str
    expect: frozenset[str]
    fired: frozenset[str]
    """The codes the rules fire on it (as the benchmark scores them)."""
    whole: Grams
    parts: tuple[Grams, ...]
    """The n-grams of each of the lint's sentences (a document's training negatives)."""
    sentences: tuple[tuple[str, Grams], ...]
    """(folded text, n-grams) of each of the lint's sentences the rules left silent (no
    finding of a modelled code), which are all the model reads."""


def fold_of(item_id: str) -> int:
    """A dev item's cross-validation fold (by its id's hash, like the corpus split)."""
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % FOLDS


def dev_items(bench: Any) -> list[Item]:
    """The dev split, with what the rules alone fire on each item."""
    linter = bench.Linter(bench.Settings(), ignore=["DL206"])
    items = []
    for raw in bench.load("dev"):
        found = bench.lint_item(linter, raw)
        fired = {f.code for f in found}
        if raw["kind"] == "sentence":
            fired &= bench.CONTENT_CODES
        spans = [(f.offset, f.end_offset) for f in found if f.code in CODES]
        view = TextView(raw["text"])
        folded = view.folded
        parts = [(s, tuple(ngrams(folded[s.start : s.end]))) for s in view.sentences]
        sentences = tuple(
            (folded[s.start : s.end], g)
            for s, g in parts
            if not any(start < s.end and s.start < end for start, end in spans)
        )
        items.append(
            Item(
                raw["id"],
                fold_of(raw["id"]),
                raw["kind"],
                frozenset(raw["expect"]),
                frozenset(fired),
                grams(raw["text"]),
                tuple(g for _, g in parts),
                sentences,
            )
        )
    return items


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


def item_score(model: Weights, item: Item, gate: re.Pattern[str] | None) -> float:
    """An item's score: its best sentence's (among those through the gate)."""
    scores = [score(model, g) for text, g in item.sentences if gate is None or gate.search(text)]
    return max(scores, default=-math.inf)


@dataclass
class Fit:
    """One code's cross-validated result for one variant."""

    threshold: float | None
    rules: tuple[int, int, int]
    """The rules' own (TP, FP, FN) on dev."""
    added: tuple[int, int]
    """(TP, FP) the model adds at the threshold, out of fold."""


def choose(scored: list[tuple[float, bool]], rules: tuple[int, int, int]) -> Fit:
    """The lowest threshold at and above which rules + model stay as precise as the
    rules: walk the silent items' scores downwards, stop before the first that lowers
    the precision below the rules' own."""
    tp, fp, _fn = rules
    target = tp / (tp + fp) if tp + fp else 1.0
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
        if (tp + yes) / (tp + fp + yes + no) < target:
            break
        best, added = s, (yes, no)
    return Fit(best, rules, added)


def cross_validate(
    items: list[Item], extra: list[Example], code: str, variant: str, gate: re.Pattern[str]
) -> Fit:
    """The variant's threshold for ``code`` from out-of-fold scores of the items the
    rules left silent for it."""
    method, gated = variant.split("-")[0], variant.endswith("-gated")
    rules = (
        sum(1 for i in items if code in i.fired and code in i.expect),
        sum(1 for i in items if code in i.fired and code not in i.expect),
        sum(1 for i in items if code not in i.fired and code in i.expect),
    )
    scored: list[tuple[float, bool]] = []
    for k in range(FOLDS):
        model = TRAINERS[method](extra + dev_examples([i for i in items if i.fold != k], code))
        scored += [
            (item_score(model, i, gate if gated else None), code in i.expect)
            for i in items
            if i.fold == k and code not in i.fired
        ]
    return choose(scored, rules)


def build(variant: str = VARIANT) -> tuple[str, dict[str, Fit]]:
    """The model file's text, and each code's cross-validated fit."""
    bench = _benchmark()
    items = dev_items(bench)
    gates = cue_patterns()
    method = variant.split("-")[0]
    model: dict[str, dict[str, Any]] = {}
    fits: dict[str, Fit] = {}
    for code in CODES:
        extra = yaml_examples(code)
        fit = fits[code] = cross_validate(items, extra, code, variant, gates[code])
        if fit.threshold is None:
            continue
        bias, weights = TRAINERS[method](extra + dev_examples(items, code))
        model[code] = {
            "bias": bias,
            "gate": variant.endswith("-gated"),
            "method": method,
            "threshold": math.floor(fit.threshold * 10_000) / 10_000,
            "weights": weights,
        }
    return json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n", fits


def cv_table() -> str:
    """Every variant's cross-validated dev figures per code, as a Markdown table."""
    bench = _benchmark()
    items = dev_items(bench)
    gates = cue_patterns()
    lines = [
        "| code | rules TP/FP/FN | rules P / R | " + " | ".join(VARIANTS) + " |",
        "|---" * (3 + len(VARIANTS)) + "|",
    ]
    for code in CODES:
        extra = yaml_examples(code)
        cells = []
        fit = None
        for variant in VARIANTS:
            fit = cross_validate(items, extra, code, variant, gates[code])
            tp, fp = fit.added
            cells.append("off" if fit.threshold is None else f"+{tp} TP +{fp} FP")
        assert fit is not None
        tp, fp, fn = fit.rules
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
