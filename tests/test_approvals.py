"""Issue #16 item 4: an approval names the SHA-256 of a template's body.

An edited or copied wording shows as 「未审核」 in ``templates list``, ``preview`` and
``serve``; the batch refuses it (exit 2, the list) until ``templates approve`` records
a new approval beside the templates, and the manifest names the approval of every
document. Real processes (the ``dunletters`` command), real registry files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from conftest import AS_OF, TEST_CONFIG, TEST_SETTINGS
from csvfiles import write_csv
from dunletters.approvals import APPROVALS_FILE, UNREVIEWED, body_sha256, content_sha256
from dunletters.preview.app import PreviewOptions, create_app
from dunletters.registry import BUILTIN_TEMPLATES, Registry, policy_keys, referenced_templates
from dunletters.samples import generate_accounts

EDIT = ("特此提醒", "特此函告")
EDITED = "letters/early.courteous.html.j2"


def dunletters(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, with the tests' configuration."""
    command = [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), *args]
    environment = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=cwd, env=environment
    )


@pytest.fixture
def overlay(tmp_path: Path) -> Path:
    """A templates folder that rewords the built-in early.courteous letter."""
    root = tmp_path / "templates"
    (root / "letters").mkdir(parents=True)
    text = (BUILTIN_TEMPLATES / EDITED).read_text(encoding="utf-8")
    assert EDIT[0] in text
    (root / EDITED).write_text(text.replace(*EDIT), encoding="utf-8")
    return root


def test_every_builtin_template_is_approved_for_its_body() -> None:
    registry = Registry.load()
    assert len(registry.templates) == 24
    for template in registry:
        assert template.approval is not None, template.name
        assert template.approval.sha256 == template.content_sha256
        # First release 2026-11-28; the wordings of earlier contact re-approved (issue 19).
        assert template.review_label.startswith(
            ("合规审查组 2026-11-28 ", "合规审查组 2026-12-07 ")
        )
    shipped = tomllib.loads((BUILTIN_TEMPLATES / APPROVALS_FILE).read_text(encoding="utf-8"))
    assert {entry["template"] for entry in shipped["approval"]} == {t.name for t in registry}


def test_an_edited_or_copied_body_is_unreviewed(overlay: Path) -> None:
    registry = Registry.load([overlay])
    edited = registry.get("early", "courteous", "letter")
    assert edited.origin == str(overlay)
    assert edited.approval is None and edited.review_label == UNREVIEWED
    # Its front matter still names 合规审查组: that is not an approval.
    assert edited.meta.review.approved_by == "合规审查组"
    # The same wording copied to a new tone is a new template, not yet approved.
    copy = (BUILTIN_TEMPLATES / "sms" / "early.courteous.txt.j2").read_text(encoding="utf-8")
    (overlay / "sms").mkdir()
    (overlay / "sms" / "early.gentle.txt.j2").write_text(
        copy.replace("tone: courteous", "tone: gentle"), encoding="utf-8"
    )
    registry = Registry.load([overlay])
    assert not registry.get("early", "gentle", "sms").approved
    assert [t.name for t in registry.unapproved(policy_keys(TEST_SETTINGS.policy))] == [EDITED]


def test_front_matter_and_line_ends_do_not_change_the_approved_body(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    (root / "letters").mkdir(parents=True)
    text = (BUILTIN_TEMPLATES / EDITED).read_text(encoding="utf-8")
    changed = text.replace("revision: 1", "revision: 2").replace("\n", "\r\n")
    (root / EDITED).write_bytes(changed.encode("utf-8"))
    template = Registry.load([root]).get("early", "courteous", "letter")
    assert template.version != Registry.load().get("early", "courteous", "letter").version
    assert template.approved  # the built-in approval: the same body


def test_a_broken_approvals_file_stops_with_its_path(overlay: Path) -> None:
    (overlay / APPROVALS_FILE).write_text(
        '[[approval]]\ntemplate = "letters/x.html.j2"\nsha256 = "abc"\n', encoding="utf-8"
    )
    listed = dunletters("templates", "list", "--templates", str(overlay))
    assert listed.returncode == 2
    assert APPROVALS_FILE in listed.stderr and "第1条审核记录无效" in listed.stderr


@pytest.mark.slow
def test_edit_refuse_approve_accept_end_to_end(overlay: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", list(generate_accounts(40, seed=16, as_of=AS_OF)))
    listed = dunletters("templates", "list", "--templates", str(overlay))
    assert listed.returncode == 0, listed.stderr
    rows = {
        tuple(cells[:3]): cells[4]
        for line in listed.stdout.splitlines()
        if len(cells := [c.strip() for c in line.strip("│").split("│")]) == 7
    }
    assert rows["early", "courteous", "letter"] == UNREVIEWED
    assert rows["early", "courteous", "sms"].startswith("合规审查组 2026-11-28")
    assert rows["late", "firm", "letter"].startswith("合规审查组 2026-12-07")

    preview = dunletters("preview", "early.courteous", "--templates", str(overlay),
                         "-o", str(tmp_path / "p.html"))  # fmt: skip
    assert preview.returncode == 0, preview.stderr
    assert f"审核：{UNREVIEWED}" in preview.stdout

    batch = ["batch", str(source), "--as-of", AS_OF.isoformat(), "--workers", "1",
             "--templates", str(overlay)]  # fmt: skip
    refused = dunletters(*batch, "--out", str(tmp_path / "refused"))
    assert refused.returncode == 2
    assert "1个模板未审核" in refused.stderr and EDITED in refused.stderr
    assert not (tmp_path / "refused").exists()  # refused: no folder, not even the lock
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("an analyst's file", "utf-8")
    assert dunletters(*batch, "--out", str(kept)).returncode == 2
    assert (kept / "notes.txt").read_text("utf-8") == "an analyst's file"
    assert not (kept / "letters").exists() and not (kept / "sms.csv").exists()

    approved = dunletters("templates", "approve", "early.courteous", "--by", "测试审核员",
                          "--note", "措辞调整", "--templates", str(overlay))  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    assert "sms/early.courteous.txt.j2 的正文已审核" in approved.stdout  # not recorded again
    records = tomllib.loads((overlay / APPROVALS_FILE).read_text(encoding="utf-8"))["approval"]
    assert [(r["template"], r["by"], r["note"]) for r in records] == [
        (EDITED, "测试审核员", "措辞调整")
    ]
    assert (
        records[0]["sha256"]
        == Registry.load([overlay]).get("early", "courteous", "letter").content_sha256
    )
    again = dunletters("preview", "early.courteous", "--templates", str(overlay),
                       "-o", str(tmp_path / "p.html"))  # fmt: skip
    assert "审核：测试审核员" in again.stdout

    out = tmp_path / "accepted"
    accepted = dunletters(*batch, "--out", str(out))
    assert accepted.returncode in (0, 1), accepted.stderr
    manifest = [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]
    early = [m for m in manifest if m["letter_template"] == EDITED]
    others = [m for m in manifest if m["letter_template"] not in (EDITED, None)]
    assert early and others
    assert all(m["letter_approval"]["by"] == "测试审核员" for m in early)
    assert all(m["letter_approval"]["sha256"] == records[0]["sha256"] for m in early)
    assert all(m["letter_approval"]["by"] == "合规审查组" for m in others)
    assert all(m["sms_approval"]["by"] == "合规审查组" for m in manifest if m["sms_template"])


@pytest.mark.slow
def test_allow_unreviewed_runs_and_the_manifest_says_unapproved(
    overlay: Path, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "accounts.csv", list(generate_accounts(30, seed=16, as_of=AS_OF)))
    out = tmp_path / "out"
    ran = dunletters("batch", str(source), "--as-of", AS_OF.isoformat(), "--workers", "1",
                     "--templates", str(overlay), "--out", str(out), "--dry-run",
                     "--allow-unreviewed")  # fmt: skip
    assert ran.returncode in (0, 1), ran.stderr
    assert "使用未审核的模板" in ran.stderr and EDITED in ran.stderr
    manifest = [
        json.loads(line) for line in (out / "dry-run" / "manifest.jsonl").read_text().splitlines()
    ]
    early = [m for m in manifest if m["letter_template"] == EDITED]
    assert early and all(m["letter_approval"] is None for m in early)


def test_serve_shows_unreviewed_and_follows_an_approval(overlay: Path) -> None:
    app = create_app([overlay], TEST_SETTINGS, PreviewOptions(as_of=AS_OF, pdf=False))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        matrix = client.get("/").text
        assert matrix.count(f"审核：{UNREVIEWED}") == 1
        assert 'class="cell-meta review unreviewed">审核：未审核' in matrix
        page = client.get("/t/letter/early.courteous").text
        assert f'class="review unreviewed">审核：{UNREVIEWED}' in page
        content = Registry.load([overlay]).get("early", "courteous", "letter").content_sha256
        (overlay / APPROVALS_FILE).write_text(
            "[[approval]]\n"
            f'template = "{EDITED}"\nsha256 = "{content}"\n'
            'by = "测试审核员"\nat = 2026-12-01T09:00:00+08:00\n',
            encoding="utf-8",
        )
        page = client.get("/t/letter/early.courteous").text
        assert 'class="review">审核：测试审核员 2026-12-01' in page
        assert UNREVIEWED not in client.get("/").text


LAYOUT = "letters/_layout.html.j2"


@pytest.fixture
def layout_overlay(tmp_path: Path) -> Path:
    """A templates folder whose only change is one word of the letters' shared layout."""
    root = tmp_path / "layout-templates"
    (root / "letters").mkdir(parents=True)
    text = (BUILTIN_TEMPLATES / LAYOUT).read_text(encoding="utf-8")
    assert "特此函告" in text
    (root / LAYOUT).write_text(text.replace("特此函告", "特此告知", 1), encoding="utf-8")
    return root


def test_an_approval_covers_the_layout_and_macros_a_letter_uses() -> None:
    registry = Registry.load()
    letter = registry.get("middle", "firm", "letter")
    references = referenced_templates(registry.loader, letter.path.read_text(encoding="utf-8"))
    assert [name for name, _ in references] == [LAYOUT, "letters/_macros.html.j2"]
    assert all(text for _, text in references)
    assert letter.content_sha256 == content_sha256(letter.body_sha256, references)
    assert letter.content_sha256 != letter.body_sha256
    # An SMS uses no other template: its approval still names its body's hash alone.
    sms = registry.get("middle", "firm", "sms")
    assert (
        sms.content_sha256
        == sms.body_sha256
        == body_sha256(sms.path.read_text(encoding="utf-8").split("---\n", 2)[2])
    )


def test_editing_the_layout_makes_every_letter_unreviewed(layout_overlay: Path) -> None:
    registry = Registry.load([layout_overlay])
    letters = [t for t in registry if t.channel == "letter"]
    assert len(letters) == 12
    assert all(t.review_label == UNREVIEWED for t in letters)
    assert all(t.approved for t in registry if t.channel == "sms")
    # Its body unchanged: an approval of the body alone (as recorded before) no longer holds.
    letter = registry.get("early", "courteous", "letter")
    assert letter.body_sha256 == Registry.load().get("early", "courteous", "letter").body_sha256
    (layout_overlay / APPROVALS_FILE).write_text(
        f'[[approval]]\ntemplate = "{EDITED}"\nsha256 = "{letter.body_sha256}"\n'
        'by = "测试审核员"\nat = 2026-12-01T09:00:00+08:00\n',
        encoding="utf-8",
    )
    assert not Registry.load([layout_overlay]).get("early", "courteous", "letter").approved


@pytest.mark.slow
def test_a_batch_refuses_letters_whose_layout_changed(layout_overlay: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "accounts.csv", list(generate_accounts(12, seed=16, as_of=AS_OF)))
    batch = ["batch", str(source), "--as-of", AS_OF.isoformat(), "--workers", "1",
             "--templates", str(layout_overlay)]  # fmt: skip
    refused = dunletters(*batch, "--out", str(tmp_path / "refused"))
    assert refused.returncode == 2, refused.stderr
    assert "个模板未审核" in refused.stderr and "版式" in refused.stderr
    assert "letters/late.firm.html.j2" in refused.stderr
    assert not (tmp_path / "refused" / "letters").exists()
    # The SMS do not use the layout: an SMS-only run goes ahead.
    sms_only = dunletters(*batch, "--channels", "sms", "--out", str(tmp_path / "sms"))
    assert sms_only.returncode in (0, 1), sms_only.stderr
    assert (tmp_path / "sms" / "sms.csv").is_file()
    # Approving a letter records the hash of its body and the edited layout.
    approved = dunletters("templates", "approve", "late.firm", "--by", "测试审核员",
                          "--channel", "letter", "--templates", str(layout_overlay))  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    records = tomllib.loads((layout_overlay / APPROVALS_FILE).read_text(encoding="utf-8"))
    late = Registry.load([layout_overlay]).get("late", "firm", "letter")
    assert late.approved and records["approval"][0]["sha256"] == late.content_sha256


def test_the_migration_script_moves_body_approvals_to_the_covered_hash(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, root)
    registry = Registry.load([root], builtin=False)
    shipped = (root / APPROVALS_FILE).read_text(encoding="utf-8")
    old = shipped  # as before this change: each letter approved by its body's hash alone
    for template in registry:
        old = old.replace(template.content_sha256, template.body_sha256)
    (root / APPROVALS_FILE).write_text(old, encoding="utf-8")
    assert not Registry.load([root], builtin=False).get("late", "firm", "letter").approved
    script = Path(__file__).resolve().parents[1] / "scripts" / "migrate_approvals.py"
    ran = subprocess.run([sys.executable, str(script), str(root)], capture_output=True,
                         text=True, check=False)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "改写 12 条审核记录" in ran.stdout
    assert (root / APPROVALS_FILE).read_text(encoding="utf-8") == shipped
    assert all(t.approved for t in Registry.load([root], builtin=False))
