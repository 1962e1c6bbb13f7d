"""The differential lint corpus: documents from seeds, and what the linter finds in them.

Speed work on the linter must not change a single finding. This module builds a
corpus of documents the linter sees in production and around it — rendered SMS and
letters of generated accounts (every stage and tone), the same texts mutated with a
seed (phrases of every list, full ID/card/mobile numbers, wrong amounts and 大写,
past and impossible dates, links, placeholders, long and repeated sentences, spaces
and full-width characters, deleted passages, other contexts), every rule's fail and
pass examples, every list's examples and the drafts under ``tests/drafts/`` — the same
~7,700 documents every time, from fixed seeds.

The golden file (``tests/golden/lint-corpus.txt``) is plain text, sorted by document
id, one line per document: ``id<TAB>DL601 3:12-3:16 DL302 1:1-1:40`` (each finding's
code and span; ``-`` for none), so a review shows which findings moved.
``pytest --update-golden tests/test_lint_corpus.py`` rewrites it after an intended
change (of a rule, a list or a template); ``python tests/lint_corpus.py`` too.
"""

from __future__ import annotations

import functools
import random
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from dunletters import zh
from dunletters.checksums import id_check_digit, luhn_check_digit
from dunletters.config import Settings
from dunletters.escalation import Decision, decide
from dunletters.lint.engine import Linter
from dunletters.lint.extract import html_to_text
from dunletters.lint.rules import RULES
from dunletters.models import Account, parse_account
from dunletters.registry import Registry
from dunletters.rendering import Renderer
from dunletters.samples import generate_accounts, sample_account

PATH = Path(__file__).parent / "golden" / "lint-corpus.txt"
DRAFTS = Path(__file__).parent / "drafts"
AS_OF = date(2026, 11, 28)
SEED = 20261129
STAGES = ("early", "middle", "late", "final")
TONES = ("courteous", "empathetic", "firm")

Case = dict[str, Any]
"""One document: ``id``, ``text``, context fields (see :func:`lint_case`), ``findings``."""


# -- linting a case ---------------------------------------------------------------------


def account_of(case: Case) -> Account | None:
    """The case's record, parsed from its stored input row as the batch parses it."""
    row = case.get("account")
    if row is None:
        return None
    return parse_account(row, as_of=AS_OF)


def lint_case(linter: Linter, case: Case, account: Account | None) -> list[dict[str, object]]:
    """The findings for one case, in the documented JSON form."""
    scheduled = case.get("scheduled")
    as_of = case.get("as_of")
    findings = linter.lint(
        case["text"],
        explain_skips=case.get("explain_skips", False),
        channel=case.get("channel"),
        stage=case.get("stage"),
        tone=case.get("tone"),
        account=account,
        as_of=date.fromisoformat(as_of) if as_of else None,
        pages=case.get("pages"),
        scheduled=datetime.fromisoformat(scheduled) if scheduled else None,
        sent_today=case.get("sent_today", 0),
    )
    return [finding.to_json() for finding in findings]


def golden_line(case: Case, findings: list[dict[str, object]]) -> str:
    """One document's line of the golden file: its id, then each finding's code and span."""
    spans = [
        f"{f['code']} {f['line']}:{f['column']}-{f['end_line']}:{f['end_column']}" for f in findings
    ]
    return f"{case['id']}\t{' '.join(spans) or '-'}"


def load(path: Path = PATH) -> dict[str, str]:
    """The golden lines by document id."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.split("\t", 1)[0]: line for line in lines}


def write(lines: list[str], path: Path = PATH) -> None:
    """Store the golden lines, sorted: the same findings give the same bytes."""
    path.write_text("".join(f"{line}\n" for line in sorted(lines)), encoding="utf-8")


# -- the documents ----------------------------------------------------------------------


def _rendered(n_sms: int, n_letters: int) -> Iterator[Case]:
    """Rendered SMS and letters of generated accounts, in the batch's context.

    Held accounts (deceased, disputed) are rendered as if the flag were off and
    linted with the flagged record, so DL609 sees what it exists for.
    """
    settings = Settings()
    renderer = Renderer(settings, Registry.load([]))
    rows = list(generate_accounts(n_sms + 60, seed=20261128, as_of=AS_OF))
    letters = 0
    for index, row in enumerate(rows[:n_sms]):
        row = {key: ("" if value is None else str(value)) for key, value in row.items()}
        account = parse_account(row, as_of=AS_OF, row=index)
        plain = account.model_copy(update={"deceased": False, "dispute": False})
        decision = decide(plain, settings.policy, AS_OF)
        if not isinstance(decision, Decision):
            continue
        context = {
            "stage": decision.stage,
            "tone": decision.tone,
            "account": row,
            "as_of": AS_OF.isoformat(),
        }
        sms = renderer.sms(plain, decision, AS_OF, "X").sms.text
        yield {"id": f"sms-{index}", "text": sms, "channel": "sms", **context}
        if letters < n_letters and index % 6 == 0:
            letters += 1
            html = renderer.letter_html(plain, decision, AS_OF, "示银信催〔2026〕第000001号").html
            yield {
                "id": f"letter-{index}",
                "text": html_to_text(html),
                "channel": "letter",
                "pages": 1,
                **context,
            }


def _valid_id(rng: random.Random) -> str:
    body = f"{rng.choice(('110101', '310115', '440305'))}19{rng.randrange(60, 99)}"
    body += f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(0, 1000):03d}"
    return body + id_check_digit(body)


def _valid_card(rng: random.Random, length: int = 16) -> str:
    body = "62" + "".join(str(rng.randrange(10)) for _ in range(length - 3))
    return body + luhn_check_digit(body)


def _grouped(number: str, rng: random.Random) -> str:
    separator = rng.choice((" ", "-", " "))
    return separator.join(number[i : i + 4] for i in range(0, len(number), 4))


def _money(rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(1, 5_000_000)) / 100


class _Mutator:
    """Seeded edits of a text that reach every rule and every extractor."""

    def __init__(self, linter: Linter, settings: Settings) -> None:
        self.settings = settings
        self.entry_examples: list[str] = []
        self.phrases: list[str] = []
        self.pass_examples: list[str] = []
        self.excepts: list[str] = []
        for compiled in linter.lexicons.values():
            for entry in compiled.lexicon.entries:
                self.entry_examples.append(entry.example)
                if entry.phrase is not None:
                    self.phrases.append(entry.phrase)
                self.excepts.extend(entry.except_)
            self.pass_examples.extend(compiled.lexicon.pass_examples)
        self.rule_examples = [e for rule in RULES for e in (*rule.fail, *rule.passes)]

    def snippet(self, rng: random.Random, text: str, account: Account | None) -> str:
        """One inserted passage."""
        kind = rng.randrange(20)
        if kind == 0:
            return rng.choice(self.entry_examples)
        if kind == 1:
            return rng.choice(self.phrases)
        if kind == 2:
            return rng.choice(self.pass_examples)
        if kind == 3:
            return rng.choice(self.excepts or self.phrases)
        if kind == 4:
            return rng.choice(self.rule_examples)
        if kind == 5:  # identifiers, full, masked, grouped, invalid
            choice = rng.randrange(9)
            if choice == 0:
                return f"身份证号{_valid_id(rng)}"
            if choice == 1:
                number = _valid_id(rng)
                return f"证件号码{number[:17]}{'0' if number[17] != '0' else '1'}"
            if choice == 2:
                return f"身份证{zh.mask_id(_valid_id(rng))}"
            if choice == 3:
                return f"卡号{_valid_card(rng, rng.choice((13, 16, 19)))}"
            if choice == 4:
                return f"卡号{_grouped(_valid_card(rng), rng)}"
            if choice == 5:
                return f"尾号{zh.mask_card(_valid_card(rng))}"
            if choice == 6:
                mobile = account.mobile if account is not None and rng.random() < 0.5 else None
                return f"手机{mobile or '1' + str(rng.randrange(3, 10)) + str(rng.randrange(10**9)).zfill(9)}"
            if choice == 7:
                return f"手机{zh.mask_mobile('13912345678')}"
            return f"账号{self.settings.creditor.payment.bank_account_number}"
        if kind == 6:  # amounts: the record's, near misses, other forms
            amounts = [_money(rng)]
            if account is not None:
                amounts += [
                    account.total_due,
                    account.principal,
                    account.total_due + Decimal("0.01"),
                    account.principal + account.interest,
                ]
            amount = rng.choice(amounts)
            form = rng.randrange(6)
            if form == 0:
                return f"欠款{zh.format_money(amount)}"
            if form == 1:
                return f"合计人民币{zh.format_money(amount)[1:]}元"
            if form == 2:
                return f"应还{zh.format_money(amount)[1:]}元"
            if form == 3:
                return f"共{rng.randrange(1, 20)}.5万元"
            if form == 4:
                return f"￥{amount}元"
            return f"{amount} 元"
        if kind == 7:  # 大写, well formed or not, after a figure or alone
            amount = rng.choice(
                [_money(rng), *([account.total_due] if account is not None else [])]
            )
            capitals = zh.amount_in_capitals(amount)
            form = rng.randrange(6)
            if form == 0:
                return f"合计{zh.format_money(amount)}（{capitals}）"
            if form == 1:
                return f"合计{zh.format_money(amount)}（{zh.amount_in_capitals(_money(rng))}）"
            if form == 2:
                return f"（{capitals.replace('零', '', 1)}）"
            if form == 3:
                return f"（{capitals.replace('整', '')}）"
            if form == 4:
                return "人民币一千二百元整"
            return f"大写{capitals}"
        if kind == 8:  # dates
            day = AS_OF + timedelta(days=rng.randrange(-30, 40))
            form = rng.randrange(9)
            if form == 0:
                return f"请于{day.year}年{day.month}月{day.day}日前还款"
            if form == 1:
                return f"请于{day.month}月{day.day}日前"
            if form == 2:
                return f"{day.isoformat()}之前"
            if form == 3:
                return f"请于{day.year}年{day.month}月{day.day}日（{zh.weekday_zh(day)}）前"
            if form == 4:
                return f"于{day.year}年{day.month}月{day.day}日（星期{'一二三四五六日'[rng.randrange(7)]}）前"
            if form == 5:
                return "请于2026年2月30日前还款"
            if form == 6:
                return f"收到本函之日起{rng.choice(('3', '5', '七', '十五'))}日内"
            if form == 7:
                return f"请于{day.year}年 {day.month} 月 {day.day} 日为止"
            return f"{day.month}月{day.day}号"
        if kind == 9:
            return rng.choice(
                (
                    "点击 t.cn/abc123 还款",
                    "访问https://www.example-bank.cn/pay办理",
                    "登录 http://pay.evil.com/x 还款",
                    "网址www.example-bank.cn。",
                    "见 shop.example.com",
                    "金额16,409.02",
                    "版本3.5",
                    "详见 WWW.EXAMPLE-BANK.CN",
                )
            )
        if kind == 10:
            return rng.choice(("{{ x }}", "____", "逾期X天", "XX月XX日", "【姓名】", "{name}"))
        if kind == 11:  # long sentences
            clause = "您的账户一直未能按照合同约定按时足额归还最低还款额"
            return clause * rng.randrange(1, 4) + rng.choice(("。", "", "！"))
        if kind == 12:  # a sentence of the text again
            sentences = [s for s in text.replace("！", "。").split("。") if s]
            return (rng.choice(sentences) + "。") if sentences else "请尽快还款。"
        if kind == 13:
            return rng.choice(("😊", "¥100.00", "【注意】", "[链接]", "回复TD退订", "拒收请回复R"))
        if kind == 14:
            return rng.choice(("ＤＰＤ", "Ｍ２", "　", "１２３元", "Ｍ1０"))
        if kind == 15:
            return rng.choice(("\n", "\n\n", " ", "  \n", "\t"))
        if kind == 16:  # salutations
            return rng.choice(
                ("尊敬的客户：", "尊敬的王小明先生：", "尊敬的李女士", "张先生", "您好")
            )
        if kind == 17:
            return "本金¥1,000.00，利息¥4.50，违约金¥0.00，合计¥1,014.50。"
        if kind == 18:
            return rng.choice(("鉴于您已逾期45天，", "我行将依法提起诉讼。", "如还款确有困难，"))
        return "您好。您已逾期。请还款。请联系我们。如有疑问请致电。"

    def mutate(self, rng: random.Random, text: str, account: Account | None) -> str:
        """1–4 edits: insertions at sentence ends or anywhere, deletions, a new signature."""
        for _ in range(rng.randrange(1, 5)):
            action = rng.random()
            if action < 0.15 and len(text) > 4:  # delete a passage
                start = rng.randrange(len(text))
                text = text[:start] + text[start + rng.randrange(1, 30) :]
            elif action < 0.2:
                text = rng.choice(("【他行】", "【示范银行】", "", "  ")) + text.split("】", 1)[-1]
            else:
                piece = self.snippet(rng, text, account)
                marks = [i + 1 for i, char in enumerate(text) if char in "。，：！\n"]
                if marks and rng.random() < 0.6:
                    at = rng.choice(marks)
                else:
                    at = rng.randrange(len(text) + 1)
                text = text[:at] + piece + text[at:]
        return text


def _mutated(originals: list[Case], linter: Linter, settings: Settings) -> Iterator[Case]:
    """Each original once more, edited, often in another context."""
    mutator = _Mutator(linter, settings)
    rng = random.Random(SEED)
    for case in originals:
        account = account_of(case)
        new = dict(case, id=case["id"] + "-mut")
        new["text"] = mutator.mutate(rng, case["text"], account)
        roll = rng.random()
        if roll < 0.3:
            new["tone"] = rng.choice(TONES)
        elif roll < 0.5:
            new["stage"] = rng.choice(STAGES)
        elif roll < 0.57:
            new["account"] = None
        elif roll < 0.6:
            new["as_of"] = None
        elif roll < 0.63:
            new["channel"] = None
        elif roll < 0.66:
            new["stage"] = None
            new["tone"] = None
        if rng.random() < 0.1:
            new["explain_skips"] = True
        if new["channel"] == "sms" and rng.random() < 0.2:
            new["scheduled"] = (
                f"2026-11-28T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+08:00"
            )
            new["sent_today"] = rng.randrange(3)
        if new["channel"] == "letter" and rng.random() < 0.2:
            new["pages"] = 2
        yield new


def _examples() -> Iterator[Case]:
    """Rules' and lists' examples and the drafts, alone, in several contexts."""
    row = _row(sample_account("early", as_of=AS_OF))
    texts: list[tuple[str, str]] = []
    for rule in RULES:
        for kind, examples in (("fail", rule.fail), ("pass", rule.passes)):
            texts += [(f"{rule.code}-{kind}-{i}", text) for i, text in enumerate(examples)]
    settings = Settings()
    for name, compiled in sorted(Linter(settings).lexicons.items()):
        lexicon = compiled.lexicon
        texts += [(f"{name}-entry-{i}", e.example) for i, e in enumerate(lexicon.entries)]
        texts += [(f"{name}-pass-{i}", t) for i, t in enumerate(lexicon.pass_examples)]
    for path in sorted(DRAFTS.iterdir()):
        texts.append((f"draft-{path.name}", path.read_text(encoding="utf-8")))
    contexts: list[tuple[str, Case]] = [
        ("plain", {"explain_skips": True}),
        ("sms", {"channel": "sms", "stage": "early", "tone": "courteous", "account": row}),
        ("letter", {"channel": "letter", "stage": "final", "tone": "firm", "account": row}),
        ("middle", {"channel": "letter", "stage": "middle", "tone": "empathetic"}),
    ]
    for name, text in texts:
        for label, context in contexts:
            yield {"id": f"{name}-{label}", "text": text, "as_of": AS_OF.isoformat(), **context}


def _row(account: Account) -> dict[str, str]:
    """An input row that parses back to ``account`` (for the corpus's records)."""
    data = account.model_dump(mode="json")
    return {
        key: ("是" if value else "否") if isinstance(value, bool) else str(value)
        for key, value in data.items()
        if value is not None
    }


@functools.cache
def documents(n_sms: int = 2000, n_letters: int = 300) -> tuple[Case, ...]:
    """Every document of the corpus with its context, rebuilt from the seeds."""
    settings = Settings()
    linter = Linter(settings)
    originals = list(_rendered(n_sms, n_letters))
    return (*originals, *_mutated(originals, linter, settings), *_examples())


def main() -> None:
    """Rewrite the golden file and say what it holds."""
    linter = Linter(Settings())
    lines = []
    findings: dict[str, int] = {}
    for case in documents():
        found = lint_case(linter, case, account_of(case))
        lines.append(golden_line(case, found))
        for finding in found:
            findings[str(finding["code"])] = findings.get(str(finding["code"]), 0) + 1
    write(lines)
    print(f"{PATH}: {len(lines)} documents, {sum(findings.values())} findings", file=sys.stderr)
    print(" ".join(f"{code}:{count}" for code, count in sorted(findings.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
