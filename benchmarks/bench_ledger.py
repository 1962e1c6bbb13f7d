"""What the contact ledger adds to a batch's per-account cost, against a large ledger.

Builds an SQLite ledger of ``--documents`` rows (default 1,000,000: 100,000 synthetic
accounts × 10 documents over the past year, random stages and channels, each SMS with
its account's own mobile HMAC: the batch's debtors, month after month), then runs the same SMS-only batch (``--accounts``, in-process, one worker, so CPU time
is exact) without and with the ledger, interleaved ``--runs`` times, each in a fresh
output folder and a fresh copy of the ledger. The ledger's policy is permissive (no cap binds, no stage rule holds), so
both runs produce the same documents and the difference is the ledger's work alone:
history look-ups per chunk at decision time and recording the run at its end. A third
run, on an empty ledger, separates the ledger's fixed work (a row per document) from
what its size adds (deeper indexes, longer histories).

Usage: ``python benchmarks/bench_ledger.py --documents 1000000 --accounts 20000 --runs 3``
(``--keep FILE``: build the ledger once into FILE, reuse it on later runs).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from dunletters.batch.pipeline import BatchOptions, run_batch
from dunletters.config import LedgerPolicy, LedgerSettings, load_settings
from dunletters.ledger import Ledger
from dunletters.ledger.store import SECRET_ENV, mobile_hmac
from dunletters.samples import generate_accounts

AS_OF = date(2026, 11, 28)
CONFIG = Path(__file__).resolve().parents[1] / "tests" / "dunletters.toml"
STAGES = ("early", "middle", "late", "final")


def build_ledger(path: Path, documents: int) -> None:
    """A ledger of ``documents`` rows over 100,000 accounts (10 each), the past year."""
    Ledger(f"sqlite:///{path}").close()  # the schema, migrated
    rng = random.Random(19)
    db = sqlite3.connect(path)
    accounts = max(1, documents // 10)
    # The same debtors month after month, with the same mobiles: the batch's accounts
    # (a prefix of these) find their phones in the ledger, as in a monthly run.
    secret = os.environ.get(SECRET_ENV, "benchmark-key-0123456789").encode()
    phones = [
        mobile_hmac(secret, row["mobile"])
        for row in generate_accounts(accounts, seed=20261128, as_of=AS_OF)
    ]

    def rows() -> object:
        for index in range(documents):
            account = index % accounts + 1
            run = index // accounts
            channel = "sms" if rng.random() < 0.7 else "letter"
            phone = phones[account - 1] if channel == "sms" else None
            yield (f"run{run:04d}", f"A{account:08d}", channel, rng.choice(STAGES), "courteous",
                   "early.courteous", "0" * 64, None, "1" * 64,
                   (AS_OF - timedelta(days=30 + 33 * run)).isoformat(), None, phone, "delivered")  # fmt: skip

    db.executemany(
        "INSERT INTO documents (run_id, account_id, channel, stage, tone, template_key,"
        " template_sha256, letter_number, output_sha256, as_of, scheduled_at, phone_hmac, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    db.execute(  # the (phone, account) pairs, as recording keeps them for the per-phone caps
        "INSERT INTO phone_accounts SELECT DISTINCT phone_hmac, account_id FROM documents"
        " WHERE channel = 'sms' AND phone_hmac IS NOT NULL"
    )
    db.commit()
    db.close()


def write_input(path: Path, n: int) -> None:
    rows = list(generate_accounts(n, seed=20261128, as_of=AS_OF))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def one_run(settings: object, source: Path, out: Path) -> float:
    """CPU seconds of one in-process batch (one worker: all the work is this process's)."""
    start = time.process_time()
    run_batch(settings, BatchOptions(input=source, out=out, as_of=AS_OF, channels=("sms",)))  # type: ignore[arg-type]
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="keep the built ledger in this file and reuse it when present"
    )
    args = parser.parse_args()
    os.environ.setdefault(SECRET_ENV, "benchmark-key-0123456789")
    base = load_settings(CONFIG)
    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    try:
        ledger_file = args.keep or folder / "ledger.sqlite"
        if not ledger_file.exists():
            started = time.monotonic()
            build_ledger(ledger_file, args.documents)
            elapsed = time.monotonic() - started
            print(f"ledger of {args.documents:,} documents built in {elapsed:.1f} s")
        source = folder / "accounts.csv"
        write_input(source, args.accounts)
        policy = LedgerPolicy(
            sms_per_day=10, sms_per_week=100, sms_per_month=1000, phone_sms_per_day=10,
            phone_sms_per_week=100, phone_sms_per_month=1000, allow_stage_skip=True,
            letter_min_gap_days=0,
        )  # fmt: skip
        plain, empty, ledgered = [], [], []

        def with_ledger(path: Path) -> object:
            ledger = LedgerSettings(enabled=True, url=f"sqlite:///{path}", policy=policy)
            return base.model_copy(update={"ledger": ledger})

        for run in range(args.runs):
            # Every run starts from the same ledger (a run adds its own documents).
            copy = folder / f"ledger{run}.sqlite"
            shutil.copyfile(ledger_file, copy)
            fresh = folder / f"empty{run}.sqlite"
            Ledger(f"sqlite:///{fresh}").close()  # the schema only
            plain.append(one_run(base, source, folder / f"plain{run}" / "out"))
            empty.append(one_run(with_ledger(fresh), source, folder / f"empty{run}" / "out"))
            ledgered.append(one_run(with_ledger(copy), source, folder / f"ledger{run}" / "out"))
            copy.unlink()
            fresh.unlink()
            print(
                f"run {run + 1}: without {plain[-1]:.2f} s CPU, empty ledger {empty[-1]:.2f} s,"
                f" {args.documents:,}-document ledger {ledgered[-1]:.2f} s"
            )
        a, e, b = (statistics.median(times) for times in (plain, empty, ledgered))
        per = 1e6 / args.accounts
        print(
            f"median CPU per account ({args.accounts:,} accounts, SMS only, 1 worker):"
            f" without a ledger {a * per:.1f} µs; with an empty ledger {e * per:.1f} µs"
            f" ({(e / a - 1) * 100:+.1f} %); with the {args.documents:,}-document ledger"
            f" {b * per:.1f} µs ({(b / a - 1) * 100:+.1f} % on no ledger,"
            f" {(b / e - 1) * 100:+.1f} % on the empty ledger: what the ledger's size adds)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
