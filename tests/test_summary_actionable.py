"""Issue #16 item 7: a summary you can act on.

Stages in escalation order with their Chinese names, each finding code with its rule
name and meaning, links to the outputs, the quarantined accounts each linked to its
findings. A real SMS-only batch over synthetic accounts, one overlay SMS made to fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import AS_OF, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.registry import BUILTIN_TEMPLATES
from dunletters.samples import generate_accounts
from dunletters.vocabulary import STAGES


def test_the_summary_reads_in_escalation_order_and_links_what_to_act_on(tmp_path: Path) -> None:
    overlay = tmp_path / "templates"
    (overlay / "sms").mkdir(parents=True)
    name = "sms/early.courteous.txt.j2"
    text = (BUILTIN_TEMPLATES / name).read_text(encoding="utf-8")
    assert "如已还款请忽略。" in text
    (overlay / name).write_text(
        text.replace("如已还款请忽略。", "如已还款请忽略。再不还款，后果自负！")
    )
    rows = list(generate_accounts(80, seed=7, as_of=AS_OF))
    source = write_csv(tmp_path / "accounts.csv", rows)
    out = tmp_path / "out"
    options = BatchOptions(input=source, out=out, as_of=AS_OF, channels=("sms",), workers=1,
                           template_dirs=(overlay,), allow_unreviewed=True)  # fmt: skip
    run_batch(TEST_SETTINGS, options)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    stages = list(summary["by_stage"])
    assert len(stages) >= 3 and stages == sorted(stages, key=STAGES.index)
    pairs = [key.split(".")[0] for key in summary["by_stage_tone"]]
    assert pairs == sorted(pairs, key=STAGES.index)
    quarantined = summary["quarantined_accounts"]
    assert quarantined and len(quarantined) == summary["accounts"]["quarantined"]
    assert all("DL601" in entry["reason"] for entry in quarantined)

    page = (out / "summary.html").read_text(encoding="utf-8")
    names = re.findall(r"<span class='label'>([^<]+)</span>", page)
    assert [n for n in names if n in ("前期提醒", "中期催收", "后期催收", "最后通知")] == [
        {"early": "前期提醒", "middle": "中期催收", "late": "后期催收", "final": "最后通知"}[s]
        for s in stages
    ]
    assert "前期提醒 · 以礼相待" in names
    assert re.search(
        r"<td>DL601</td><td>威胁恐吓</td><td>[^<]*威胁", page
    )  # the rule's Chinese name
    for target in ("holds.csv", "rejects.csv", "sms.csv", "manifest.jsonl", "quarantine/"):
        assert f"href='{target}'" in page
    for entry in quarantined:
        link = f"quarantine/{entry['account_id']}.findings.json"
        assert f"href='{link}'" in page and (out / link).is_file()
