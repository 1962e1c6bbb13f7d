"""Record the linter's first verdict on new dev items (tests/corpus/first_verdicts.jsonl).

A collection round labels its items before the linter runs on them, so the codes the
rules fire on an item *then* show how they do on real text nobody has tuned them on (the
statistical second opinion is left out: these verdicts choose its thresholds). Those
verdicts never change afterwards (later rule rounds are tuned on the item). Every dev
item has a line; ``"fired": null`` marks one that came in with a rule branch
already tuned on it, so it never had a first verdict.

Usage, right after a round's items are committed and before any rule changes:
``python scripts/first_verdicts.py --new-since REF`` — the dev items added after REF,
linted by this tree. ``--replay REV`` re-creates the verdicts of the dev items a past
commit REV added, linted by REV's own tree (in a temporary git worktree), to audit the
file or to add a round that was not recorded at the time. ``--tuned-since REF`` gives the
dev items added after REF a null line instead: items a rule branch brought in after tuning
on them (tests/test_corpus_format.py wants a line for every dev item).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VERDICTS = ROOT / "tests" / "corpus" / "first_verdicts.jsonl"
IGNORED = frozenset({"DL000", "DL206"})
"""The context notice and the contact-ledger check, which the corpus does not label: an old
tree's linter may report them (this tree's, as the benchmark runs it, does not)."""

_LINT_ONE_TREE = """
import inspect, json, sys
from dunletters.config import Settings
from dunletters.lint.engine import Linter
try:  # the rules only: a tree with the statistical second opinion reads it by default
    from dunletters.config import LintSettings
    settings = Settings(lint=LintSettings(second_opinion="off"))
except Exception:
    settings = Settings()
try:
    linter = Linter(settings, ignore=["DL206"])
except TypeError:
    linter = Linter(settings)
known = inspect.signature(linter.lint).parameters
context = any(p.kind is p.VAR_KEYWORD for p in known.values())  # lint(text, **context)
out = {}
for item in json.load(sys.stdin):
    options = {"infer": True, "channel": item.get("channel"), "stage": item.get("stage")}
    found = linter.lint(  # infer, where it exists, was always a keyword of its own
        item["text"],
        **{k: v for k, v in options.items() if k in known or (context and k != "infer")},
    )
    out[item["id"]] = sorted({f.code for f in found})
json.dump(out, sys.stdout)
"""
"""Run by the interpreter with an old tree's ``src`` first on its path: it uses only the
linter's oldest API (a keyword an old ``lint()`` lacks is left out; one that takes
``**context`` gets them all)."""


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout


@cache
def accuracy() -> Any:
    """benchmarks/lint_accuracy.py (a script, not a package): the corpus as it scores it."""
    spec = importlib.util.spec_from_file_location(
        "lint_accuracy", ROOT / "benchmarks" / "lint_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    return bench


def read() -> dict[str, dict[str, Any]]:
    """The recorded verdicts by id (empty when there is no file yet)."""
    if not VERDICTS.exists():
        return {}
    with VERDICTS.open(encoding="utf-8") as handle:
        return {row["id"]: row for row in map(json.loads, filter(str.strip, handle))}


def write(rows: dict[str, dict[str, Any]]) -> None:
    """The file, sorted by id, one JSON object a line (keys sorted)."""
    lines = [json.dumps(rows[key], ensure_ascii=False, sort_keys=True) for key in sorted(rows)]
    VERDICTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def lint_here(items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The codes this tree's rules fire on each item, as the accuracy benchmark lints
    (without the statistical second opinion, whose thresholds these verdicts calibrate:
    an item it caught would drop out of its own evidence)."""
    bench = accuracy()
    linter = bench.plain_linter(second_opinion=False)
    return {item["id"]: sorted({f.code for f in bench.lint_item(linter, item)}) for item in items}


def lint_at(revision: str, items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The codes ``revision``'s own linter fired on each item (its tree checked out in a
    temporary worktree; the statistical second opinion is not part of a first verdict)."""
    with tempfile.TemporaryDirectory(prefix="first-verdicts-") as scratch:
        tree = Path(scratch) / "tree"
        _git("worktree", "add", "--detach", "--quiet", str(tree), revision)
        try:
            env = {**os.environ, "PYTHONPATH": str(tree / "src"), "DUNLETTERS_RE_ACCEL": "0"}
            ran = subprocess.run(
                [sys.executable, "-c", _LINT_ONE_TREE],
                input=json.dumps(items, ensure_ascii=False),
                capture_output=True,
                text=True,
                cwd=tree,
                env=env,
                check=True,
            )
        finally:
            _git("worktree", "remove", "--force", str(tree))
    found: dict[str, list[str]] = json.loads(ran.stdout)
    return {key: [code for code in codes if code not in IGNORED] for key, codes in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--new-since", metavar="REF", help="lint the dev items added after REF")
    how.add_argument("--replay", metavar="REV", help="the verdicts of the items REV added")
    how.add_argument(
        "--tuned-since", metavar="REF", help="mark the dev items added after REF as tuned on"
    )
    args = parser.parse_args(argv)
    bench = accuracy()
    dev = {item["id"]: item for item in bench.load("dev")}
    rows = read()
    if args.replay:
        revision = args.replay
        new = sorted(
            (bench.ids_at(revision, "dev") - bench.ids_at(f"{revision}^", "dev")) & set(dev)
        )
        commit = _git("rev-parse", "--short=7", revision).strip()
        fired: dict[str, list[str] | None] = dict(lint_at(revision, [dev[key] for key in new]))
    else:
        since = args.new_since or args.tuned_since
        new = sorted(set(dev) - bench.ids_at(since, "dev") - set(rows))
        commit = _git("rev-parse", "--short=7", "HEAD").strip()
        # an item tuned on before it came in has no first verdict
        fired = dict(lint_here([dev[key] for key in new])) if args.new_since else dict.fromkeys(new)
    for key in new:
        rows[key] = {"commit": commit, "fired": fired[key], "id": key}
    write(rows)
    done = "marked as tuned on" if args.tuned_since else "recorded"
    print(f"first_verdicts: {len(new)} dev items {done} ({commit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
