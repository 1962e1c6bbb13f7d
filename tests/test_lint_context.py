"""Context read from the document (channel, date), the creditor without config, and
the file reader's limits: what a plain draft, an SMS or a PDF gets with no flags."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import TEST_CONFIG
from dunletters.cli import main
from dunletters.config import Settings, example_creditor
from dunletters.lint.drafts import DraftReadError, read_text_file
from dunletters.lint.engine import Linter
from dunletters.lint.infer import document_date, infer_channel
from dunletters.lint.pdftext import pdf_text
from dunletters.models import Creditor

GOOD_LETTER = """示范银行股份有限公司信用卡中心

尊敬的张晓明先生：

截至2026年11月25日，您尾号1234的信用卡欠款合计¥1,015.00，已逾期18天。

请于2026年12月2日前通过示范银行手机银行App或各营业网点还款。如对欠款金额有异议，请致电95099，我行将及时核实。

示范银行股份有限公司信用卡中心
2026年11月25日
"""

BANK_SMS = (
    "【招商银行】张先生，您尾号1234的信用卡已逾期，欠款1,015.00元，请于12月2日前还款。详询95555。"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out + err


def codes(text: str, linter: Linter | None = None, **context: object) -> list[str]:
    found = (linter or Linter()).lint(text, infer=True, **context)
    return [f.code for f in found]


# -- the document's own date (DL204) ------------------------------------------------------


def test_the_letters_own_date_is_used_not_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "good.txt"
    draft.write_text(GOOD_LETTER, encoding="utf-8")
    code, out = run(capsys, "lint", str(draft), "--as-of", "2026-12-07", "--no-pdf")
    assert "DL204" not in out
    assert "发函日期取文书所署日期2026年11月25日" in out
    assert code == 0, out


def test_without_a_date_the_as_of_date_is_used_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "undated.txt"
    draft.write_text(GOOD_LETTER.replace("2026年11月25日\n", "\n"), encoding="utf-8")
    code, out = run(capsys, "lint", str(draft), "--as-of", "2026-12-07", "--no-pdf")
    assert "DL204" in out and "发函日期按 --as-of （2026年12月7日）计" in out
    assert code == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("正文\n\n示范银行\n二〇二六年十一月二十八日\n", date(2026, 11, 28)),
        ("发函日期：2026年11月25日\n请于2026年12月2日前还款。", date(2026, 11, 25)),
        ("落款日期：2026-11-20\n正文", date(2026, 11, 20)),
        ("请于2026年12月2日前还款。", None),
    ],
)
def test_document_date(text: str, expected: date | None) -> None:
    assert document_date(text) == expected


# -- the channel ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "suffix", "channel"),
    [
        (BANK_SMS, ".txt", "sms"),
        ("张先生，您的信用卡已逾期，请致电95555。【某某银行】", ".md", "sms"),
        (GOOD_LETTER, ".txt", "letter"),
        ("您的信用卡已逾期，请尽快还款。", ".txt", "sms"),
        ("您的信用卡已逾期，请尽快还款。", ".md", None),
    ],
)
def test_channel_inferred(text: str, suffix: str, channel: str | None) -> None:
    assert infer_channel(text, suffix)[0] == channel


def test_an_sms_gets_the_sms_rules_without_flags() -> None:
    found = Linter().lint("【招商银行】您的欠款¥100.00请尽快归还😊", infer=True, suffix=".txt")
    assert "DL607" in [f.code for f in found]
    notice = next(f for f in found if f.code == "DL000")
    assert "渠道推断为短信" in notice.message


# -- the creditor: form only without config, the creditor checks with one -----------------


def test_a_real_banks_sms_gets_no_error_without_config() -> None:
    found = Linter().lint(BANK_SMS, infer=True, as_of=date(2026, 11, 28))
    assert [f.code for f in found if f.severity.value == "error"] == []


def test_with_a_configured_creditor_its_signature_and_name_are_checked() -> None:
    creditor = example_creditor().model_copy(
        update={"name": "某某银行股份有限公司", "sms_signature": "某某银行"}
    )
    assert isinstance(creditor, Creditor)
    linter = Linter(Settings(creditor=creditor))
    found = codes(BANK_SMS, linter, as_of=date(2026, 11, 28))
    assert "DL607" in found and "DL101" in found
    own = BANK_SMS.replace("招商银行", "某某银行")
    assert "DL607" not in codes(own, linter) and "DL101" not in codes(own, linter)


@pytest.mark.parametrize(
    "text",
    [
        "某某县农村信用合作联社提醒您：您的贷款已逾期，请及时还款。",
        "国家开发银行生源地信用助学贷款：您的贷款已逾期。",
        "【某某农商银行】您的贷款已逾期，请及时还款。",
        "某某市学生资助管理中心提醒您：您的助学贷款已逾期。",
    ],
)
def test_creditor_names_that_are_not_a_bank_pattern(text: str) -> None:
    assert "DL101" not in codes(text, channel="sms")


def test_a_bank_word_is_not_a_creditor_name() -> None:
    assert "DL101" in codes("您可通过网上银行或手机银行还款。\n我单位\n2026年11月28日")


# -- the full card number (red team D-20) ---------------------------------------------------


def test_a_card_number_with_a_wrong_check_digit_is_still_a_card_number() -> None:
    assert "DL605" in codes("您卡号6225880012345679的信用卡已逾期。", channel="sms")


def test_the_records_own_card_number_is_never_printed_in_full(
    row: dict[str, object],
) -> None:
    from dunletters.models import Account

    account = Account.model_validate({**row, "card_number": "HT2026001234567"})
    found = Linter().lint(
        "【示范银行】HT2026001234567的账户欠款1000.00元，请于12月5日前还款。",
        channel="sms",
        account=account,
    )
    assert "DL605" in [f.code for f in found]


def test_the_records_own_mobile_is_never_printed_in_full(row: dict[str, object]) -> None:
    from dunletters.models import Account

    account = Account.model_validate({**row, "mobile": "13712345678"})
    found = Linter().lint(
        "【示范银行】张先生：您手机13712345678名下的账户欠款1000.00元，请于12月5日前还款。",
        channel="sms",
        account=account,
    )
    assert "DL605" in [f.code for f in found]


def test_the_sample_card_for_template_checks_is_luhn_valid() -> None:
    from dunletters.checksums import luhn_valid
    from dunletters.samples import sample_account

    card = sample_account("late").card_number
    assert luhn_valid(card) and card.endswith("1234")
    assert "DL605" in codes(f"您卡号{card}的信用卡已逾期。", channel="sms")


def test_the_collectors_own_number_and_the_payee_account_are_not_personal_data() -> None:
    assert "DL605" not in codes("如有疑问请致电经办人13812345678。")
    assert "DL605" not in codes("收款账号：6225 8800 1234 5678 900")


# -- the reader's limits (red team D-21, D-32) and PDFs --------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        "尊敬的张先生：您尾号1234的账户已逾期18天，欠款¥1,015.00。请于2026年12月5日前还款。\n",
        "再不还钱就通知你的单位和家人，让你全家不得安宁，我们将上报公安机关！加我微信转到我的支付宝。\n",
    ],
)
def test_a_large_draft_is_linted_in_linear_time(unit: str) -> None:
    linter = Linter()
    linter.lint(unit * 10)
    started = time.perf_counter()
    linter.lint(unit * 500)
    small = time.perf_counter() - started
    started = time.perf_counter()
    linter.lint(unit * 5000)
    large = time.perf_counter() - started
    assert large < 30 * small + 1.0  # ten times the text: not a hundred times the time


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "draft.txt"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "dunletters", "lint", str(fifo), "--no-pdf"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "不是普通文件" in result.stdout + result.stderr


def test_a_device_and_an_oversized_file_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    big = tmp_path / "big.txt"
    big.write_bytes("欠款".encode() * (3 * 1024 * 1024))
    code, out = run(capsys, "lint", str(zero), str(big), "--no-pdf")
    assert code == 2
    assert "不是普通文件" in out and "文件大于 4 MB" in out


@pytest.fixture(scope="module")
def batch_letter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A letter PDF as `dunletters batch` writes it (a synthetic account)."""
    folder = tmp_path_factory.mktemp("batch")
    records = folder / "accounts.csv"
    records.write_text(
        "account_id,name,gender,card_number,mobile,address,principal,due_date\n"
        "C1,张伟,男,6259000000001234,13800138000,北京市朝阳区示例路1号,1000.00,2026-10-05\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "dunletters", "--config", str(TEST_CONFIG), "batch", str(records), "--out", str(folder / "out"),
         "--as-of", "2026-11-28", "--channels", "letter"],
        check=True, capture_output=True, cwd=folder, timeout=300,
    )  # fmt: skip
    (letter,) = (folder / "out" / "letters").rglob("*.pdf")
    return letter


def test_lint_reads_the_pdf_a_batch_wrote(
    batch_letter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "lint", str(batch_letter), "--no-pdf", "--stage", "final")
    assert "渠道推断为信函" in out and "发函日期取文书所署日期2026年11月28日" in out
    assert code == 0, out


def test_lint_finds_what_a_pdf_says(batch_letter: Path, tmp_path: Path) -> None:
    text = pdf_text(batch_letter.read_bytes())
    assert "尊敬的张伟先生" in text and "请您务必于2026年12月3日前全额归还上述欠款" in text
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    with pytest.raises(DraftReadError, match="不是可读取的 PDF"):
        read_text_file(broken)


def test_a_template_printing_the_card_number_fails_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Red team D-20: printing the card number other than through mask_card is a
    template error (DL008) — found in the template itself, whatever the sample card."""
    draft = tmp_path / "sms" / "late.firm.txt.j2"
    draft.parent.mkdir()
    draft.write_text(
        "---\nstage: late\ntone: firm\nchannel: sms\ntitle: 短信\nreview:\n"
        "  approved_by: x\n  approved_on: 2026-11-28\n  revision: 1\n---\n"
        "{{ account.card_number }}的账户欠款{{ account.total_due }}元，请于{{ letter.deadline }}"
        "前还款，逾期信息将依法报送征信系统。详询{{ creditor.hotline }}。\n",
        encoding="utf-8",
    )
    code, out = run(capsys, "lint", str(draft), "--as-of", "2026-11-28", "--no-pdf")
    assert "DL008 unmasked-field" in out and "须经 mask_card 过滤器脱敏" in out
    assert code == 1
    code, out = run(capsys, "templates", "check", "--templates", str(tmp_path))
    assert code == 1 and "sms/late.firm.txt.j2:11: 直接输出 account.card_number" in out
    # A batch with it stops before anything is written: no SMS with the full number.
    from conftest import TEST_SETTINGS
    from csvfiles import write_csv
    from dunletters.batch.pipeline import BatchOptions, run_batch
    from dunletters.errors import InputError

    row = {"account_id": "C1", "name": "张伟", "gender": "男", "card_number": "HT2026001234567",
           "mobile": "13800138000", "principal": "1000.00", "due_date": "2026-11-05"}  # fmt: skip
    source = write_csv(tmp_path / "card.csv", [row])
    options = BatchOptions(input=source, out=tmp_path / "out", as_of=date(2026, 11, 28),
                           channels=("sms",), template_dirs=(tmp_path,), allow_unreviewed=True)  # fmt: skip
    with pytest.raises(InputError, match=r"模板检查未通过.*直接输出 account\.card_number"):
        run_batch(TEST_SETTINGS, options)
    assert not (tmp_path / "out" / "sms.csv").exists()


def test_a_late_notice_must_state_a_consequence_in_a_letter_not_in_an_sms() -> None:
    """RULES.md's DL501 is a late or final *letter*: a 70-character SMS that names the
    days overdue, the amount, a deadline and a hotline is a good reminder without it."""
    sms = "【示范银行】张晓明先生，您尾号1234的信用卡已逾期35天，欠款3,210.50元，请于12月10日前还款。详询95099。"
    inferred = [f.code for f in Linter().lint(sms, infer=True, as_of=date(2026, 12, 1))]
    assert "DL501" not in inferred
    given = [f.code for f in Linter().lint(sms, stage="final", channel="sms")]
    assert "DL501" not in given
    letter = [f.code for f in Linter().lint(sms, stage="final", channel="letter")]
    assert "DL501" in letter


def test_a_signature_in_square_brackets_is_one_finding_that_names_the_right_form() -> None:
    sms = "[中信银行]张晓明先生，您尾号1234的信用卡本期应还3,210.50元，请于12月10日前还款。详询95558。"
    found = [f for f in Linter().lint(sms, channel="sms") if f.code == "DL607"]
    assert [(f.column, f.match, f.suggestion) for f in found] == [(1, "[中信银行]", "【中信银行】")]
    assert "应写作「【中信银行】」" in found[0].message


GUARANTOR_LETTER = """致保证人王建国先生：

借款人张晓明于2025年3月在我行借款50,000.00元，您为该笔借款提供连带责任保证。截至2026年11月28日，该借款已逾期45天，尚欠本息合计12,345.67元。

根据保证合同约定，请您于2026年12月10日前代为清偿上述款项。如有疑问，请致电0531-88886666。

示范银行股份有限公司济南分行
2026年11月28日
"""


def test_a_guarantor_may_be_asked_to_pay_but_not_threatened_with_third_parties() -> None:
    """Art. 68 lets a lender collect from the debtor and the guarantor: 代为清偿 in a
    letter to the guarantor is lawful; to anyone else, and any threat, is still DL604."""
    codes = [f.code for f in Linter().lint(GUARANTOR_LETTER, channel="letter")]
    assert "DL604" not in codes
    threat = GUARANTOR_LETTER.replace("上述款项。", "上述款项，否则我们将通知你的单位。")
    assert "DL604" in [f.code for f in Linter().lint(threat, channel="letter")]
    stranger = "借款人张晓明的借款已逾期45天，请您于2026年12月10日前代为清偿。"
    assert "DL604" in [f.code for f in Linter().lint(stranger, channel="sms")]
