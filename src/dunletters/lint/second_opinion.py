"""The statistical second opinion: a per-code linear score over a sentence's character
n-grams, trained on the project's own labelled corpus and rule examples.

It only adds a *warning* of a content code to a sentence on which the rules found nothing
of that code, and names the n-grams that weighed most, so a reviewer sees why. The model
ships as ``second_opinion.json`` next to this module (no download) and is regenerated
byte for byte by ``scripts/train_second_opinion.py``; ``[lint] second_opinion`` says
where it reads (docs/rule-catalogue.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from dunletters.lint.findings import Finding, Severity
from dunletters.lint.rule import Rule
from dunletters.lint.text import TextView

__all__ = [
    "CODES",
    "MODEL_PATH",
    "Model",
    "SecondOpinion",
    "Verdict",
    "dumps",
    "judged",
    "load_model",
    "ngrams",
]

MODEL_PATH = Path(__file__).with_name("second_opinion.json")
CODES = ("DL502", "DL503", "DL601", "DL602", "DL604", "DL606")
"""The content codes a model may be trained for. Not DL603: its words (法院, 传票, 立案, 拘留)
are the words of a lawful explanation (「法院的传票上会有案号和法院的公章」), which n-grams
cannot tell from a false claim (benchmarks/HISTORY.md, tenth session)."""
ORDERS = (1, 2, 3)
"""The n-gram lengths the model reads (characters)."""
TRIGGERS = 3
"""How many n-grams a finding names."""
REMEMBERED = 4096
"""Verdicts kept per linter, by sentence: a document's repeated sentences (and a
preview's re-renders) are judged once."""
_WARNS = re.compile(
    "请勿|切勿|谨防|警惕|提防|严禁|禁止|不得(?!不|安宁|安生|好死|好过)|不准|不允许|千万不要|千万别"
    "|如遇|若遇|(?:不会|绝不|决不|从不|从未)(?:向|要求|通过|以|让|主动|私下|收取)"
)
"""A sentence that forbids, warns or denies the act: the label guide keeps it clean, and a
model that reads words, not their polarity, would read the act it names."""
_SKIP = str.maketrans("", "", " \t\r\n，。！？；：、,.!?;:\"'“”‘’（）()【】《》[]-—…·")
"""Spaces and punctuation, left out of the n-grams."""


def judged(folded: str) -> bool:
    """Whether the model may judge a folded sentence: not one that forbids, warns or denies."""
    return _WARNS.search(folded) is None


def ngrams(folded: str) -> list[str]:
    """The distinct character 1–3-grams of a folded sentence in a fixed order (by length,
    then position), punctuation and spaces left out: the model reads presence, not
    counts, and a fixed order keeps its float sums the same in every process."""
    return list(dict.fromkeys(_grams(folded)))


def _grams(folded: str) -> list[str]:
    """Every character 1–3-gram, repeats included, in :func:`ngrams`' order."""
    chars = folded.lower().translate(_SKIP)
    size = len(chars)
    return [chars[i : i + n] for n in ORDERS for i in range(size - n + 1)]


@dataclass(frozen=True, slots=True)
class Verdict:
    """A score over the threshold for one code, with the n-grams that weighed most."""

    code: str
    score: float
    triggers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Model:
    """Per code a bias and a threshold; per n-gram one weight for each code."""

    codes: tuple[str, ...]
    bias: tuple[float, ...]
    threshold: tuple[float, ...]
    weights: dict[str, list[float]]
    """n-gram → its weight for each of ``codes`` (0 where a code does not know it)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        """The model from its JSON form (see :func:`dumps`)."""
        return cls(
            codes=tuple(data["codes"]),
            bias=tuple(float(b) for b in data["bias"]),
            threshold=tuple(float(t) for t in data["threshold"]),
            weights=data["weights"],
        )

    def scores(self, folded: str) -> list[float]:
        """Each code's score for a folded sentence (bias + its known n-grams' weights)."""
        totals = list(self.bias)
        weights = self.weights
        # The known n-grams only, deduplicated after filtering (most are unknown): the
        # same n-grams in the same order as ngrams(), so the same sums.
        for gram in dict.fromkeys(filter(weights.__contains__, _grams(folded))):
            for index, weight in enumerate(weights[gram]):
                totals[index] += weight
        return totals

    def judge(self, folded: str, codes: Collection[str]) -> tuple[Verdict, ...]:
        """The verdicts over threshold among ``codes`` (none on a sentence it may not judge)."""
        if not judged(folded):
            return ()
        totals = self.scores(folded)
        return tuple(
            Verdict(code, totals[index], self._triggers(folded, index))
            for index, code in enumerate(self.codes)
            if code in codes and totals[index] >= self.threshold[index]
        )

    def _triggers(self, folded: str, index: int) -> tuple[str, ...]:
        """The words of the sentence that weighed most for one code: the heaviest
        n-grams of two or more characters (longest first among equals, none inside one
        already taken), each widened to the run of the sentence the taken n-grams cover
        together (「那边我」+「边我们」 read 「那边我们」)."""
        present = [
            (self.weights[gram][index], gram)
            for gram in ngrams(folded)
            if gram in self.weights and self.weights[gram][index] > 0
        ]
        words = [(weight, gram) for weight, gram in present if len(gram) > 1]
        present = words or present  # a single character names nothing a reviewer can read
        chosen: list[str] = []
        for _weight, gram in sorted(present, key=lambda pair: (-pair[0], -len(pair[1]), pair[1])):
            if any(gram in other or other in gram for other in chosen):
                continue
            chosen.append(gram)
            if len(chosen) == TRIGGERS:
                break
        places = [(gram, folded.find(gram)) for gram in chosen]
        covered = [False] * len(folded)
        for gram, at in places:
            if at >= 0:
                covered[at : at + len(gram)] = [True] * len(gram)
        runs: list[str] = []
        for gram, at in places:
            if at < 0:  # across punctuation: named as it is
                runs.append(gram)
                continue
            start, end = at, at + len(gram)
            while start > 0 and covered[start - 1]:
                start -= 1
            while end < len(folded) and covered[end]:
                end += 1
            runs.append(folded[start:end])
        return tuple(dict.fromkeys(runs))


def dumps(data: dict[str, Any]) -> str:
    """The model file's text: its header fields, then one n-gram a line (sorted), so a
    retrained model's diff reads gram by gram."""
    head = {key: data[key] for key in sorted(data) if key != "weights"}
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1] + ', "weights": {']
    grams = sorted(data["weights"])
    lines += [
        json.dumps(gram, ensure_ascii=False) + ": " + json.dumps(data["weights"][gram])
        + ("," if at < len(grams) - 1 else "")
        for at, gram in enumerate(grams)
    ]  # fmt: skip
    return "\n".join(lines) + "\n}}\n"


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> Model:
    """The shipped model (read once per process)."""
    return Model.from_json(json.loads(path.read_text(encoding="utf-8")))


class SecondOpinion:
    """The model bound to a linter's selected rules: turns verdicts into findings."""

    def __init__(self, rules: Iterable[Rule], model: Model | None = None) -> None:
        self.model = model or load_model()
        known = set(self.model.codes)
        self.rules = {rule.code: rule for rule in rules if rule.code in known}
        self._judge = lru_cache(maxsize=REMEMBERED)(self.model.judge)

    def findings(
        self, view: TextView, found: Sequence[Finding], applicable: Iterable[str]
    ) -> list[Finding]:
        """Warnings of the codes the model judges, each on a sentence where the rules
        found nothing of that code."""
        codes = tuple(code for code in applicable if code in self.rules)
        if not codes:
            return []
        flagged = [(f.code, f.offset, f.end_offset) for f in found if f.code in codes]
        folded = view.folded
        added: list[Finding] = []
        for sentence in view.sentences:
            for verdict in self._judge(folded[sentence.start : sentence.end], codes):
                if any(
                    code == verdict.code and start < sentence.end and sentence.start < end
                    for code, start, end in flagged
                ):
                    continue
                added.append(self._finding(verdict, sentence.start, sentence.end, view))
        return added

    def _finding(self, verdict: Verdict, start: int, end: int, view: TextView) -> Finding:
        rule = self.rules[verdict.code]
        line, column = view.position(start)
        end_line, end_column = view.position(end)
        title = rule.title or rule.name
        return Finding(
            code=rule.code,
            name=rule.name,
            severity=Severity.WARNING,
            principle=rule.principle,
            message=f"统计模型判断可能属于{title}（触发词：{'、'.join(verdict.triggers)}）",
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            match=view.text[start:end],
            offset=start,
            end_offset=end,
        )
