"""The CSV reader's shortcuts read every row as the general code does.

A full row's cells are taken by index (``HeaderMap.cells`` walks every column); a
row is searched for undecodable bytes only when it does not encode as UTF-8.
Synthetic accounts only (dunletters.samples.generate_accounts).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from dunletters.batch.readers import HeaderMap, open_records
from dunletters.samples import generate_accounts


def test_rows_of_every_width_read_as_header_map_cells(tmp_path: Path) -> None:
    accounts = list(generate_accounts(6, seed=3, as_of=date(2026, 11, 28)))
    header = ["备注", *accounts[0], ""]  # an ignored column first, an unnamed one last
    lines = [[f"note {i}", *row.values(), "x"] for i, row in enumerate(accounts)]
    lines[1] = lines[1][:8]  # short: the last columns absent
    lines[2] = [*lines[2], "extra", "cells"]  # long: cells past the header
    lines[3] = [f" {cell}\t" for cell in lines[3]]  # spaces around every cell
    lines[4] = [cell if i % 3 else "  " for i, cell in enumerate(lines[4])]  # blank cells
    path = tmp_path / "widths.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *lines])
    header_map, rows = open_records(path, ignore=["备注"])
    general = HeaderMap.build(header, {}, "widths.csv", ["备注"])
    read = [(row.number, row.cells, row.problem) for row in rows]
    assert read == [(n, general.cells(line), None) for n, line in enumerate(lines, start=2)]
    assert list(read[0][1]) == [k for k, v in accounts[0].items() if v]  # the file's order
    assert header_map.columns == general.columns


def test_only_undecoded_bytes_reject_a_row(tmp_path: Path) -> None:
    """A surrogate that no decoding error made (here from an escape) is a cell like any."""
    header = "account_id,name,card_number,mobile,principal,due_date\n"
    path = tmp_path / "escaped.csv"
    path.write_text(
        header
        + "A1,\\ud800x,1234,13800001234,1,2026-11-01\n"
        + "A2,\\udc80x,1234,13800001234,1,2026-11-01\n"
    )
    _, rows = open_records(path, encoding="unicode_escape")
    first, second = list(rows)
    assert (first.problem, first.cells["name"]) == (None, "\ud800x")
    assert second.problem == ("name", "无法按 unicode_escape 编码解码，请检查文件编码")
