"""Write src/dunletters/lint/text/t2s.txt from an OpenCC TSCharacters.txt.

Usage: python scripts/t2s_table.py PATH/TO/TSCharacters.txt
(``pip install opencc-python-reimplemented`` ships one under ``opencc/dictionary/``.)
Only one-character-for-one entries are kept, so folding never moves an offset.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/dunletters/lint/text/t2s.txt"
HEADER = """\
# Traditional → simplified Chinese, one character for one (so offsets are kept): the
# one-to-one entries of OpenCC's TSCharacters.txt (the first candidate of each), from
# opencc-python-reimplemented 0.1.7, Basic Multilingual Plane only (a character class
# with supplementary characters makes Python's re test them one by one); 著 is 着, 帳 is 账
# (the account sense) and 舖 is 铺, as scripts/t2s_table.py's EXTRA explains.
# OpenCC data: Apache License 2.0, https://github.com/BYVoid/OpenCC.
# Regenerate with scripts/t2s_table.py.
"""


EXTRA = {"著": "着", "帳": "账", "舖": "铺"}
"""Pairs OpenCC leaves to its phrase table or reads otherwise: 著 is 着 in 等著/看著 (the sense threats use)
and stays 著 in 著名, which our lists never hold; 帳 is 账 in 帳戶/帳號/轉帳 (an account,
as Taiwan writes it) and 帐 only in 帳篷, which our lists never hold; 舖 (店舖, 你間舖) is
the shop 铺 that OpenCC keeps as a variant."""


def main(source: Path) -> None:
    pairs: dict[str, str] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        traditional, _, candidates = line.partition("\t")
        simplified = candidates.split(" ")[0]
        one_for_one = len(traditional) == 1 and len(simplified) == 1
        if (
            one_for_one
            and traditional != simplified
            and max(map(ord, traditional + simplified)) <= 0xFFFF
        ):
            pairs[traditional] = simplified  # the Basic Multilingual Plane only: see HEADER
    pairs.update(EXTRA)
    keys = sorted(pairs)
    rows = [keys[i : i + 64] for i in range(0, len(keys), 64)]
    body = "".join("".join(row) + "\t" + "".join(pairs[c] for c in row) + "\n" for row in rows)
    OUT.write_text(HEADER + body, encoding="utf-8")
    print(f"{len(keys)} characters → {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
