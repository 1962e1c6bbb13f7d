"""Train the lint's statistical second opinion (src/dunletters/lint/second_opinion.json).

Data: the dev split of tests/corpus (never held-out) and every fail/pass example of the
phrase lists and frames. Model: per content code, naive Bayes over the presence of a
sentence's character 1–3-grams (smoothed log-likelihood ratios). Threshold: the lowest
score whose 5-fold cross-validated precision on dev stays at or above the rules' own dev
precision for that code. No randomness, no iteration: the same inputs give the same
bytes (tests/test_second_opinion.py checks it).

Usage: ``python scripts/train_second_opinion.py [--check]`` (``--check``: exit 1 when
the shipped JSON differs from what training gives, write nothing).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from dunletters.lint.second_opinion import MODEL_PATH, ngrams
from dunletters.lint.text import TextView

ROOT = Path(__file__).resolve().parents[1]
LINT = ROOT / "src" / "dunletters" / "lint"
CODES = ("DL503", "DL601", "DL603", "DL604")
"""The content codes with enough labelled data for a model."""
FOLDS = 5
SMOOTHING = 0.5
MIN_COUNT = 2
"""An n-gram seen in fewer training sentences than this gets no weight."""
MIN_WEIGHT = 0.25
"""A weight nearer zero than this is left out of the file (it barely moves a score)."""
DISABLED = 1e9
"""The threshold of a code no threshold keeps precise enough: it never fires."""

Example = tuple[frozenset[str], bool]


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
    return [(frozenset(ngrams(text)), label) for text, label in found]


def corpus_units(items: list[dict[str, Any]], code: str) -> Iterator[tuple[str, Example]]:
    """(item id, example) for each dev unit whose label for ``code`` is known: a
    sentence item as a whole; each sentence of a document that does not expect it."""
    for item in items:
        expected = code in item["expect"]
        if item["kind"] == "sentence":
            yield item["id"], (frozenset(ngrams(item["text"])), expected)
        elif not expected:
            for sentence in TextView(item["text"]).sentences:
                yield item["id"], (frozenset(ngrams(sentence.text)), False)


def train(examples: list[Example]) -> tuple[float, dict[str, float]]:
    """Bias and weights of a naive Bayes over n-gram presence."""
    positives = sum(1 for _, label in examples if label)
    negatives = len(examples) - positives
    seen: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    for grams, label in examples:
        seen[label].update(grams)
    weights: dict[str, float] = {}
    for gram in sorted(set(seen[True]) | set(seen[False])):
        yes, no = seen[True][gram], seen[False][gram]
        if yes + no < MIN_COUNT:
            continue
        weight = math.log((yes + SMOOTHING) / (positives + 2 * SMOOTHING)) - math.log(
            (no + SMOOTHING) / (negatives + 2 * SMOOTHING)
        )
        if abs(weight) >= MIN_WEIGHT:
            weights[gram] = round(weight, 4)
    return round(math.log(positives / negatives), 4), weights


def score(bias: float, weights: dict[str, float], grams: frozenset[str]) -> float:
    """A unit's score, summed in a fixed order."""
    return bias + sum(weights.get(gram, 0.0) for gram in sorted(grams))


def fold(item_id: str) -> int:
    """A dev item's cross-validation fold (by its id's hash, like the corpus split)."""
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % FOLDS


def threshold(units: list[tuple[str, Example]], extra: list[Example], target: float) -> float:
    """The lowest threshold whose out-of-fold dev precision is at least ``target``."""
    scored: list[tuple[float, bool]] = []
    for k in range(FOLDS):
        training = extra + [ex for item_id, ex in units if fold(item_id) != k]
        bias, weights = train(training)
        scored += [
            (score(bias, weights, grams), label)
            for item_id, (grams, label) in units
            if fold(item_id) == k
        ]
    best = DISABLED
    for candidate in sorted({s for s, _ in scored}, reverse=True):
        chosen = [label for s, label in scored if s >= candidate]
        if sum(chosen) / len(chosen) >= target:
            best = candidate
    return best if best == DISABLED else math.floor(best * 10_000) / 10_000


def build() -> str:
    """The model file's text."""
    bench = _benchmark()
    dev = bench.load("dev")
    rules = bench.score(dev, bench.Linter(bench.Settings(), ignore=["DL206"]))
    model: dict[str, dict[str, Any]] = {}
    for code in CODES:
        units = list(corpus_units(dev, code))
        extra = yaml_examples(code)
        cut = threshold(units, extra, rules.precision(code))
        bias, weights = train(extra + [ex for _, ex in units])
        model[code] = {"bias": bias, "threshold": cut, "weights": weights}
    return json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text(encoding="utf-8") == text
        sys.stdout.write("up to date\n" if same else f"{MODEL_PATH.name} is stale\n")
        return 0 if same else 1
    MODEL_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
