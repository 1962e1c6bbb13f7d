"""Linter precision and recall on the labelled corpus of real text (tests/corpus).

Scoring follows tests/corpus/README.md. Sentences: only the content codes count —
an expected code that does not fire is a miss, a content code that fires unexpected
is a false positive. Documents: every code counts the same way, and a clean document
must have no error-severity finding at all. Each item is linted as a plain draft is,
with no config, no stage, tone or record: its channel when the corpus knows it, the
document's own date when it states one (never today, so the figures do not move
with the calendar).

Tune on dev only: the held-out split measures, and ``--show`` lists dev items only.

Usage: ``python benchmarks/lint_accuracy.py [--show] [--record] [--new-since REF]
[--first-sight]``.
``--record`` writes the figures to benchmarks/lint_accuracy.json, which
tests/test_lint_accuracy.py holds the linter to (neither figure may drop below it).
``--new-since REF`` scores only the items added after the git revision REF: a collection
round labels its items before the linter runs on them, so their first score is the
linter's accuracy on real text nobody has tuned on. ``--first-sight`` scores the first
verdicts recorded for the dev items of every such round (tests/corpus/first_verdicts.jsonl)
against today's labels: the same measure over all rounds, without running the linter.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dunletters.config import LintSettings, Settings
from dunletters.lint.engine import CONTEXT_CODE, Linter
from dunletters.lint.findings import Finding, Severity

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
RECORDED = Path(__file__).with_name("lint_accuracy.json")
SPLITS = ("dev", "heldout")
CONTENT_CODES = frozenset(
    {"DL402", "DL502", "DL503", "DL601", "DL602", "DL603", "DL604", "DL605", "DL606"}
)
"""The codes a sentence is scored on (tests/corpus/README.md)."""


@dataclass
class Score:
    """Counts for one split: per code, and the clean documents given an error."""

    hits: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)
    false: Counter[str] = field(default_factory=Counter)
    items: int = 0
    clean_documents: int = 0
    clean_with_error: int = 0
    wrong: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    """(id, missed, falsely fired) of each item scored wrong."""
    verdicts: dict[str, tuple[set[str], bool]] = field(default_factory=dict)
    """What the linter said of each item linted: the codes it fired, and whether any
    finding was an error (so a subset is scored again without linting it again)."""

    def counts(self, code: str | None = None) -> tuple[int, int, int]:
        """(hits, false positives, misses) of one code, or of all codes."""
        if code:
            return self.hits[code], self.false[code], self.misses[code]
        return sum(self.hits.values()), sum(self.false.values()), sum(self.misses.values())

    def precision(self, code: str | None = None) -> float:
        hit, false, _miss = self.counts(code)
        return hit / (hit + false) if hit + false else 1.0

    def recall(self, code: str | None = None) -> float:
        hit, _false, miss = self.counts(code)
        return hit / (hit + miss) if hit + miss else 1.0

    def cells(self, code: str | None = None) -> str:
        """「P | R | TP/FP/FN」, as the Markdown tables print them."""
        hit, false, miss = self.counts(code)
        return f"{self.precision(code):.1%} | {self.recall(code):.1%} | {hit}/{false}/{miss}"


def load(split: str) -> list[dict[str, Any]]:
    """One split of the corpus (empty when the corpus is not there yet)."""
    path = CORPUS / f"{split}.jsonl"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def lint_item(linter: Linter, item: dict[str, Any]) -> list[Finding]:
    """The findings for one corpus item, linted as a plain draft with no flags but its
    ``stage`` when the source states it (as ``--stage`` would give it)."""
    found = linter.lint(
        item["text"], infer=True, channel=item.get("channel"), stage=item.get("stage")
    )
    return [finding for finding in found if finding.code != CONTEXT_CODE]


def score(items: list[dict[str, Any]], linter: Linter) -> Score:
    """Precision and recall counts over a split."""
    result = Score()
    for item in items:
        findings = lint_item(linter, item)
        errors = any(f.severity is Severity.ERROR for f in findings)
        fired = {finding.code for finding in findings}
        result.verdicts[item["id"]] = (fired, errors)
        tally(result, item, set(fired), errors)
    return result


def rescore(linted: Score, items: list[dict[str, Any]]) -> Score:
    """The counts over some of the items ``linted`` scored, from its verdicts."""
    result = Score()
    for item in items:
        fired, errors = linted.verdicts[item["id"]]
        tally(result, item, set(fired), errors)
    return result


def tally(result: Score, item: dict[str, Any], fired: set[str], errors: bool | None) -> None:
    """Count one item's codes (``errors``: whether any finding was an error, None when
    not known, as in a first verdict)."""
    expected = set(item["expect"])
    if item["kind"] == "sentence":
        fired &= CONTENT_CODES
        expected &= CONTENT_CODES
    result.items += 1
    for code in expected & fired:
        result.hits[code] += 1
    for code in expected - fired:
        result.misses[code] += 1
    for code in fired - expected:
        result.false[code] += 1
    if item["kind"] == "document" and item["clean"] and errors is not None:
        result.clean_documents += 1
        result.clean_with_error += errors
    if expected != fired:
        result.wrong.append((item["id"], sorted(expected - fired), sorted(fired - expected)))


def first_sight() -> dict[str, Score]:
    """The recorded first verdicts (tests/corpus/first_verdicts.jsonl) scored against
    today's labels, per round (the commit whose linter gave them) and in all: the rules
    on real text before anyone had tuned them on it."""
    dev = {item["id"]: item for item in load("dev")}
    scores: dict[str, Score] = {}
    with (CORPUS / "first_verdicts.jsonl").open(encoding="utf-8") as handle:
        for row in map(json.loads, filter(str.strip, handle)):
            if row["fired"] is None:
                continue  # brought in by a rule branch already tuned on it
            for key in (row["commit"], "all"):
                tally(scores.setdefault(key, Score()), dev[row["id"]], set(row["fired"]), None)
    return scores


def first_sight_table(scores: dict[str, Score]) -> str:
    """A Markdown table of the first verdicts: overall per round, then per code."""
    lines = ["| first verdicts of | items | P | R | TP/FP/FN |", "|---|---|---|---|---|"]

    def row(label: str, result: Score, code: str | None, items: int | str) -> str:
        return f"| {label} | {items} | {result.cells(code)} |"

    total = scores["all"]
    history = subprocess.run(
        ["git", "-C", str(ROOT), "rev-list", "--first-parent", "--abbrev-commit", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    age = {commit[:7]: -at for at, commit in enumerate(history)}
    rounds = sorted((key for key in scores if key != "all"), key=lambda k: (age.get(k, 0), k))
    lines += [row(key, scores[key], None, scores[key].items) for key in rounds]
    lines.append(row("**all rounds**", total, None, total.items))
    codes = sorted({*total.hits, *total.misses, *total.false})
    lines += [row(f"all rounds, {code}", total, code, "") for code in codes]
    return "\n".join(lines) + "\n"


def ids_at(revision: str, split: str) -> set[str]:
    """The ids a split held at a git revision (none when it had no such file)."""
    git = ["git", "-C", str(ROOT)]
    known = subprocess.run(
        [*git, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if known.returncode != 0:
        raise SystemExit(f"lint_accuracy: no such git revision: {revision}")
    shown = subprocess.run(
        [*git, "show", f"{revision}:tests/corpus/{split}.jsonl"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = shown.stdout.splitlines() if shown.returncode == 0 else []
    return {json.loads(line)["id"] for line in lines if line.strip()}


def plain_linter(second_opinion: bool | None = None) -> Linter:
    """The linter the corpus is scored with: no config (but ``second_opinion`` when
    given), and without DL206, whose claims need the contact ledger's facts, which the
    corpus does not label."""
    lint = LintSettings()
    if second_opinion is not None:
        lint = LintSettings(second_opinion="drafts" if second_opinion else "off")
    return Linter(Settings(lint=lint), ignore=["DL206"])


def measure(new_since: str | None = None, second_opinion: bool | None = None) -> dict[str, Score]:
    """Both splits, linted by :func:`plain_linter`; only the items added after
    ``new_since`` when it is given."""
    linter = plain_linter(second_opinion)
    scores = {}
    for split in SPLITS:
        items = load(split)
        if new_since is not None:
            old = ids_at(new_since, split)
            items = [item for item in items if item["id"] not in old]
        scores[split] = score(items, linter)
    return scores


def page(item: dict[str, Any]) -> str:
    """The page an item was quoted from (its url, else its title)."""
    source = item["source"]
    return str(source.get("url") or source.get("title") or item["id"])


def new_pages(second_opinion: bool | None = None) -> Score:
    """The held-out items quoted from pages no dev item comes from. The split goes by id,
    so half of held-out shares a page (and often a template) with dev; these are the
    nearer measure of text the rules have never seen."""
    quoted = {page(item) for item in load("dev")}
    fresh = [item for item in load("heldout") if page(item) not in quoted]
    return score(fresh, plain_linter(second_opinion))


def by_source(scores: dict[str, Score]) -> str:
    """A Markdown table of both splits by source type: the linter reads a lender's own
    template better than a news report's narration of what a collector did."""
    lines = [
        "| source type | dev items | dev P | dev R | dev TP/FP/FN | held-out items "
        "| held-out P | held-out R | held-out TP/FP/FN |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    splits = {split: load(split) for split in SPLITS}
    kinds = sorted({item["source"]["type"] for items in splits.values() for item in items})
    for kind in kinds:
        cells = []
        for split in SPLITS:
            chosen = [item for item in splits[split] if item["source"]["type"] == kind]
            result = rescore(scores[split], chosen)
            cells.append(f"{result.items} | {result.cells()}")
        lines.append(f"| {kind} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def figures(scores: dict[str, Score]) -> dict[str, dict[str, float | int]]:
    """The recorded figures: overall precision and recall per split (rounded down to
    0.1 %, so a re-run on the same code never reads as a drop)."""
    return {
        split: {
            "items": result.items,
            "precision": int(result.precision() * 1000) / 1000,
            "recall": int(result.recall() * 1000) / 1000,
            "clean_documents_with_error": result.clean_with_error,
        }
        for split, result in scores.items()
    }


def table(scores: dict[str, Score]) -> str:
    """A Markdown table: per code and overall, dev and held-out side by side."""
    codes = sorted({code for s in scores.values() for code in (*s.hits, *s.misses, *s.false)})
    lines = [
        "| code | dev P | dev R | dev TP/FP/FN | held-out P | held-out R | held-out TP/FP/FN |",
        "|---|---|---|---|---|---|---|",
    ]
    dev, held = scores["dev"], scores["heldout"]
    lines += [f"| {code} | {dev.cells(code)} | {held.cells(code)} |" for code in codes]
    lines.append(f"| **all** | {dev.cells()} | {held.cells()} |")
    for split in SPLITS:
        result = scores[split]
        lines.append("")
        lines.append(
            f"{split}: {result.items} items; clean documents with an error finding: "
            f"{result.clean_with_error} of {result.clean_documents}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list the dev items scored wrong")
    parser.add_argument("--record", action="store_true", help=f"write {RECORDED.name}")
    parser.add_argument(
        "--new-since", metavar="REF", help="score only the items added after git revision REF"
    )
    parser.add_argument(
        "--first-sight", action="store_true", help="score the recorded first verdicts"
    )
    parser.add_argument(
        "--second-opinion", choices=("on", "off"), help="the statistical second opinion"
    )
    args = parser.parse_args(argv)
    if args.record and args.new_since:
        parser.error("--record measures the whole corpus: leave out --new-since")
    if args.first_sight:
        sys.stdout.write(first_sight_table(first_sight()))
        return 0
    second = None if args.second_opinion is None else args.second_opinion == "on"
    scores = measure(args.new_since, second)
    sys.stdout.write(table(scores))
    if args.new_since is None:
        fresh = new_pages(second)
        sys.stdout.write(
            f"\nheld-out items from pages no dev item quotes: {fresh.items}; "
            f"P {fresh.precision():.1%} R {fresh.recall():.1%} "
            f"({'/'.join(map(str, fresh.counts()))})\n"
        )
        sys.stdout.write("\n" + by_source(scores))
    if args.show:
        for item_id, missed, false in scores["dev"].wrong:
            sys.stdout.write(f"{item_id}: missed {missed} false {false}\n")
    if args.record:
        RECORDED.write_text(
            json.dumps(figures(scores), indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
