"""Bounded rendering (issue 15, item 4; red-team D-18, D-19): a runaway template is an error
naming the template — in render, lint, batch and the preview server — never a hang.

Real templates in a real overlay folder, the real command line and server processes.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import jinja2
import pytest

from conftest import AS_OF, TEST_CONFIG, TEST_CONFIG_TABLE
from csvfiles import write_csv
from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.config import settings_from_mapping
from dunletters.errors import TemplateError
from dunletters.registry import Registry
from dunletters.rendering import RenderLimits, make_environment, render_template
from dunletters.samples import generate_accounts

HEAD = """---
stage: late
tone: firm
channel: letter
title: 催收函
review:
  approved_by: x
  approved_on: 2026-11-28
  revision: 1
---
{% extends "letters/_layout.html.j2" %}{% block opening %}"""

PAYLOADS = {
    "nested-loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "string-product": "{{ 'x' * 1000000000 }}",
    "list-product": "{% set a = [1] * 1000000000 %}{{ a|length }}",
    "power": "{{ 10 ** 100000000 }}",
    "recursive-macro": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "doubling-namespace": (
        "{% set ns = namespace(s='x') %}{% for i in range(60) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    ),
    "doubling-macro": (
        "{% macro d(n) %}{% if n %}{{ d(n - 1) }}{{ d(n - 1) }}{% else %}xxxx{% endif %}"
        "{% endmacro %}{{ d(40) }}"
    ),
    "format-width": "{{ '%1000000000d' % 1 }}",
    "method-width": "{{ 'x'.center(1000000000) }}",
    "str-format-width": "{{ '{:>1000000000}'.format(1) }}",
    "nested-format-width": "{{ '{:>{}}'.format(1, 1000000000) }}",
    "center-filter": "{{ 'x'|center(1000000000) }}",
    "indent-filter": "{{ 'a\nb'|indent(1000000000) }}",
    "format-filter": "{{ '%1000000000d'|format(1) }}",
    "replace-filter": "{{ ('x' * 1000000)|replace('x', 'y' * 1000) }}",
    "join-filter": "{{ (['x' * 1000000] * 1000)|join }}",
    "join-filter-separator": "{{ ([''] * 1000000)|join('z' * 1000) }}",
    "lipsum": "{{ lipsum(1000000) }}",
    "squared-number": (
        "{% set ns = namespace(x=2 ** 4000) %}{% for i in range(40) %}"
        "{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x > 0 }}"
    ),
}

EXPECTED = {
    "nested-loops": "渲染超时",
    "recursive-macro": "递归过深",
    "doubling-macro": "渲染超时|超过输出上限",  # whichever comes first
}


def overlay(root: Path, body: str) -> Path:
    (root / "letters").mkdir(parents=True, exist_ok=True)
    (root / "letters" / "late.firm.html.j2").write_text(HEAD + body + "{% endblock %}\n", "utf-8")
    return root


def config(tmp_path: Path, seconds: float) -> Path:
    path = tmp_path / "dunletters.toml"
    path.write_text(
        TEST_CONFIG.read_text(encoding="utf-8") + f"\n[render]\ntime_limit = {seconds}\n", "utf-8"
    )
    return path


@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_every_runaway_payload_is_a_template_error_in_bounded_time(
    tmp_path: Path, kind: str
) -> None:
    from dunletters.escalation import decision_for
    from dunletters.rendering import Renderer
    from dunletters.samples import sample_account

    folder = overlay(tmp_path / "t", PAYLOADS[kind])
    settings = settings_from_mapping({**TEST_CONFIG_TABLE, "render": {"time_limit": 1.0}}, "t")
    renderer = Renderer(settings, Registry.load([folder]))
    decision = decision_for(settings.stage_rule("late"), "firm")
    started = time.process_time()  # CPU, not wall: a loaded machine must not fail the bound
    with pytest.raises(TemplateError) as caught:
        renderer.letter_html(sample_account("late", as_of=AS_OF), decision, AS_OF, "第1号")
    assert time.process_time() - started < 6
    message = str(caught.value)
    assert "late.firm.html.j2" in message, message
    assert re.search(EXPECTED.get(kind, "超过输出上限"), message), message


def test_legitimate_loops_and_products_still_render(tmp_path: Path) -> None:
    body = (
        "{% macro m(n) %}{{ n }}{% endmacro %}{{ m(123456789012) }}"
        "{{ 'ab'|center(6)|replace('a', 'A')|trim }}{{ ['p', 'q']|join('+') }}"
        "{{ lipsum(1, html=False)|length > 0 }}"
        "{% for i in range(3) %}{{ loop.index }}{% endfor %}{{ range(5)|list|length }}"
        "{{ '-' * 20 }}{{ 2 ** 10 }}{{ '%05d' % 42 }}{{ 7 % 3 }}{{ range(10)[2] }}"
    )
    registry = Registry.load([overlay(tmp_path / "t", body)])
    from dunletters.config import Settings
    from dunletters.escalation import decision_for
    from dunletters.rendering import Renderer
    from dunletters.samples import sample_account

    settings = Settings()
    decision = decision_for(settings.stage_rule("late"), "firm")
    html = (
        Renderer(settings, registry)
        .letter_html(sample_account("late", as_of=AS_OF), decision, AS_OF, "第1号")
        .html
    )
    assert (
        "123456789012"
        + "Ab"
        + "p+q"
        + "True"
        + "123"
        + "5"
        + "-" * 20
        + "1024"
        + "00042"
        + "1"
        + "2"
        in html
    )


def test_the_time_limit_comes_from_the_settings(tmp_path: Path) -> None:
    env = make_environment(Registry.load([]), RenderLimits(seconds=0.3))
    env.loader = jinja2.DictLoader({"x.txt.j2": PAYLOADS["nested-loops"]})
    started = time.monotonic()
    with pytest.raises(TemplateError, match=r"x.txt.j2:.*渲染超时（超过 0.3 秒）"):
        render_template(env, "x.txt.j2", {})
    assert time.monotonic() - started < 2


def test_render_and_lint_commands_stop_with_the_template_named(tmp_path: Path) -> None:
    folder = overlay(tmp_path / "t", PAYLOADS["nested-loops"])
    settings = config(tmp_path, 1.0)
    base = [sys.executable, "-m", "dunletters", "--config", str(settings)]
    started = time.monotonic()
    rendered = subprocess.run(
        [*base, "render", "--sample", "--channel", "letter", "--stage", "late", "--tone", "firm",
         "-o", str(tmp_path / "x.pdf"), "--templates", str(folder), "--as-of", "2026-11-28"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert rendered.returncode == 2
    assert "late.firm.html.j2" in rendered.stderr and "渲染超时" in rendered.stderr
    assert not (tmp_path / "x.pdf").exists()
    linted = subprocess.run(
        [*base, "lint", str(folder / "letters" / "late.firm.html.j2"), "--no-pdf",
         "--as-of", "2026-11-28"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert linted.returncode == 1 and "渲染超时" in linted.stdout
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    ("kind", "said"),
    [("nested-loops", "渲染超时"), ("string-product", "超过输出上限"),
     ("recursive-macro", "模板递归过深")],
)  # fmt: skip
def test_templates_check_and_lint_report_a_runaway_template_as_its_own_error(
    tmp_path: Path, kind: str, said: str
) -> None:
    """D-18: never 「全部通过」; lint says DL007 render-budget at the draft's line, not DL002."""
    folder = overlay(tmp_path / "t", PAYLOADS[kind])
    base = [sys.executable, "-m", "dunletters", "--config", str(config(tmp_path, 1.0))]
    started = time.monotonic()
    checked = subprocess.run(
        [*base, "templates", "check", "--templates", str(folder)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 1, checked.stdout
    assert "全部通过" not in checked.stdout
    assert re.search(rf"^letters/late\.firm\.html\.j2:11: 渲染失败：.*{said}", checked.stdout, re.M)
    linted = subprocess.run(
        [*base, "lint", str(folder / "letters" / "late.firm.html.j2"), "--no-pdf",
         "--as-of", "2026-11-28", "--format", "json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert linted.returncode == 1
    findings = [f for report in json.loads(linted.stdout)["files"] for f in report["findings"]]
    assert [(f["code"], f["name"], f["line"]) for f in findings] == [("DL007", "render-budget", 11)]
    assert said in findings[0]["message"]
    assert time.monotonic() - started < 40


def test_a_batch_with_a_runaway_template_quarantines_without_waiting_each_time(
    tmp_path: Path,
) -> None:
    folder = overlay(tmp_path / "t", PAYLOADS["nested-loops"])
    rows = list(generate_accounts(40, seed=5, as_of=AS_OF))
    for row in rows:  # every account in the late stage, not held
        row.update(days_past_due="22", due_date=(AS_OF - timedelta(days=22)).isoformat(), dispute="否", deceased="否", promise_to_pay_until="",
                   hardship="否", promises_broken="0")  # fmt: skip
    source = write_csv(tmp_path / "accounts.csv", rows)
    settings = settings_from_mapping({**TEST_CONFIG_TABLE, "render": {"time_limit": 1.0}}, "t")
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_batch(
        settings,
        BatchOptions(input=source, out=out, as_of=AS_OF, channels=("letter",),
                     template_dirs=(folder,), workers=1, print_files=False,
                     allow_unreviewed=True),
    )  # fmt: skip
    assert time.monotonic() - started < 30
    assert result.counts["quarantined"] == len(rows) - result.counts.get("held", 0) > 0
    report = json.loads(next((out / "quarantine").glob("*.findings.json")).read_text("utf-8"))
    assert "late.firm.html.j2" in report["error"] and "渲染超时" in report["error"]


# -- D-19: the preview server stays responsive, recovers, and stops on Ctrl-C --------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, timeout: float = 20) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            get(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def test_serve_survives_a_runaway_template_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    folder = overlay(tmp_path / "t", PAYLOADS["nested-loops"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    errors = (tmp_path / "serve.err").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "serve",
         "--port", str(port), "--templates", str(folder), "--as-of", "2026-11-28"],
        stdout=subprocess.DEVNULL, stderr=errors,
    )  # fmt: skip
    try:
        wait_for(f"{base}/static/preview.css", process)
        started = time.monotonic()
        assert get(f"{base}/t/letter/late.firm") in (200, 422, 500)
        assert get(f"{base}/") == 200
        assert time.monotonic() - started < 20
        overlay(folder, "<p>已修正</p>")  # the author fixes the template
        time.sleep(0.1)
        started = time.monotonic()
        assert get(f"{base}/t/letter/late.firm") == 200
        assert time.monotonic() - started < 10
        # An open live-reload stream (a browser tab) does not hold up Ctrl-C (friction 28).
        stream = urllib.request.urlopen(f"{base}/events", timeout=20)
        stream.readline()
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        assert time.monotonic() - started < 5
        stream.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        errors.close()
    assert b"Traceback" not in (tmp_path / "serve.err").read_bytes()


def test_serve_on_ipv6_loopback_answers(tmp_path: Path) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            port = int(probe.getsockname()[1])
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    process = subprocess.Popen(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "serve",
         "--host", "::1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(f"http://[::1]:{port}/static/preview.css", process)
        assert get(f"http://[::1]:{port}/") == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_templates_check_reports_an_sms_over_its_budget_instead_of_failing(tmp_path: Path) -> None:
    """Rendering in `templates check` meets every error a render can give, not only
    template errors: an SMS over [sms] max_segments is a problem with its file."""
    from dunletters.config import Settings
    from dunletters.template_drafts import render_problems

    folder = tmp_path / "t"
    (folder / "sms").mkdir(parents=True)
    head = HEAD.split("{% extends")[0].replace("channel: letter", "channel: sms")
    body = "{{ account | honorific }}：" + "请尽快还款。" * 40 + "详询{{ creditor.hotline }}。\n"
    (folder / "sms" / "late.firm.txt.j2").write_text(head + body, encoding="utf-8")
    problems = render_problems(Registry.load([folder]), Settings(), AS_OF)
    assert [(p.path, p.line) for p in problems] == [("sms/late.firm.txt.j2", None)]
    assert "超出预算" in problems[0].message
