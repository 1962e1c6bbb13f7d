"""Issue #16 item 7: findings a reviewer can act on.

Every finding of a batch — in ``manifest.jsonl``, ``summary.json``, ``summary.html``
and the command's closing lines — names its rule code, the rule's Chinese name, the
account and the sentence it was found in, masked (no name, address, postcode or long
number leaves the letter). Real linter findings, a real batch through the command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, TEST_CONFIG
from csvfiles import write_csv
from dunletters.excerpts import excerpt, finding_details, mask_excerpt, rule_title, rule_titles
from dunletters.lint.rules import RULES
from dunletters.lint.rules.templates import TEMPLATE_RULES
from dunletters.models import Account
from dunletters.registry import BUILTIN_TEMPLATES
from dunletters.samples import generate_accounts, sample_account


def test_every_rule_has_a_chinese_name() -> None:
    assert {rule.code for rule in (*TEMPLATE_RULES, *RULES)} | {"DL000"} == set(rule_titles())
    assert all(not title.isascii() for title in rule_titles().values())
    # read from the rules' YAML: messages.yml, and an existence rule's list
    assert (rule_title("DL102"), rule_title("DL601")) == ("未写明金额", "威胁恐吓")
    assert rule_title("DL000") == "缺少检查所需的信息"
    assert rule_title("ACME01") == "ACME01"  # a project's own code shows as itself


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("第一句。第二句有问题。第三句。", ("有问题",), "第二句有问题。"),
        ("只有一句没有句号", ("一句",), "只有一句没有句号"),
        ("前言；后果自负！结尾", ("后果自负",), "后果自负！"),
        ("整份文书的问题", None, ""),
        ("一句。句子本身是匹配。下一句。", ("句子本身是匹配。",), "句子本身是匹配。"),
        ("开头。" + "很长" * 60 + "要害" + "很长" * 60 + "。", ("要害",),
         "…长" + "很长" * 19 + "要害" + "很长" * 19 + "很…"),
    ],
)  # fmt: skip
def test_excerpt_is_the_sentence_around_the_match(
    text: str, span: tuple[str] | None, expected: str
) -> None:
    if span is None:
        start = end = 0
    else:
        start = text.index(span[0])
        end = start + len(span[0])
    assert excerpt(text, start, end) == expected


def test_excerpts_are_masked() -> None:
    account = Account.model_validate(
        {**sample_account("late", as_of=AS_OF).model_dump(), "postcode": "200120"}
    )
    sentence = f"{account.name}，{account.postcode} {account.address}，请致电13800001234或转账6222000011112222。"
    masked = mask_excerpt(sentence, account)
    assert account.name not in masked and account.address not in masked
    assert account.postcode not in masked and "13800001234" not in masked
    assert masked.startswith(account.name[0] + "*")
    assert "〔地址〕" in masked and "〔邮编〕" in masked
    assert "*******1234" in masked and "************2222" in masked


def test_finding_details_name_rule_and_sentence() -> None:
    from dunletters.lint import lint_document

    account = sample_account("late", as_of=AS_OF)
    text = f"尊敬的{account.name}：请尽快还款。否则后果自负！"
    found = [f for f in lint_document(text, None, None, "sms") if f.code == "DL601"]
    assert found
    details = finding_details([("sms", f, text) for f in found], account)
    assert details[0]["code"] == "DL601" and details[0]["rule"] == "威胁恐吓"
    assert details[0]["excerpt"] == "否则后果自负！"
    assert details[0]["severity"] == "error" and details[0]["channel"] == "sms"
    assert account.name not in json.dumps(details, ensure_ascii=False)


def dunletters(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command, with the tests' configuration."""
    command = [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), *args]
    return subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "200"}
    )


@pytest.fixture
def jargon_sms(tmp_path: Path) -> Path:
    """The built-in SMS, each with an internal term (DL107, a warning) before its deadline."""
    root = tmp_path / "templates"
    (root / "sms").mkdir(parents=True)
    for path in (BUILTIN_TEMPLATES / "sms").glob("*.txt.j2"):
        text = path.read_text(encoding="utf-8")
        assert "请于" in text
        (root / "sms" / path.name).write_text(
            text.replace("请于", "账户已进入M1阶段，请于", 1), encoding="utf-8"
        )
    return root


@pytest.mark.slow
def test_a_batch_lists_each_finding_with_account_and_sentence(
    tmp_path: Path, jargon_sms: Path
) -> None:
    rows = list(generate_accounts(12, seed=7, as_of=AS_OF))
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    ran = dunletters("batch", str(source), "--out", str(out), "--as-of", AS_OF.isoformat(),
                     "--workers", "1", "--channels", "sms", "--templates", str(jargon_sms),
                     "--allow-unreviewed")  # fmt: skip
    assert ran.returncode in (0, 1), ran.stderr
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    detailed = [(m, d) for m in manifest for d in m["finding_details"]]
    assert any(d["code"] == "DL107" for _, d in detailed)
    for entry, detail in detailed:
        assert detail["rule"] == rule_title(detail["code"])
        same = [d for d in entry["finding_details"] if d["code"] == detail["code"]]
        assert len(same) == entry["findings"][detail["code"]]
        if detail["code"] == "DL107":
            assert "账户已进入M1阶段，请于" in detail["excerpt"]
            assert detail["excerpt"].endswith("。") and detail["severity"] == "warning"
    assert all(not m["finding_details"] for m in manifest if not m["findings"])
    names = {row["name"] for row in rows} | {row["address"] for row in rows}
    for path in ("manifest.jsonl", "summary.json", "summary.html"):
        text = (out / path).read_text(encoding="utf-8")
        assert not any(name in text for name in names), path
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    listed = summary["findings"]
    assert len(listed) == len(detailed) and summary["findings_not_listed"] == 0
    first_entry, first = detailed[0]
    assert listed[0] == {"row": first_entry["row"], "account_id": first_entry["account_id"],
                         **first, "path": None}  # fmt: skip
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert f"<td>{first['code']}</td><td>{first['rule']}</td>" in page
    assert first_entry["account_id"] in page and first["excerpt"][:10] in page
    assert "href='holds.csv'" in page and "href='rejects.csv'" in page
    assert f"{first['code']} {first['rule']} · 第{first_entry['row']}行" in ran.stdout
