"""Chinese text analysis for the linter: positions, sentences, figures, dates, numbers.

What makes Chinese different from the English text most linters were built for:

* no spaces between words, so ``\\b`` never matches inside Chinese — phrases are
  matched as substrings (see :mod:`dunletters.lint.lexicon`), on a *matching view*
  of the text in which full-width ASCII is folded to half-width, traditional
  characters to simplified, a Cantonese text's words to Mandarin, and whitespace next
  to Chinese characters is removed (a phrase wrapped across lines still matches),
  with a map back to the original offsets;
* sentences end at 。！？；(and their ASCII forms) and at line breaks;
* a sentence's length is counted in reading units: a run of digits or Latin
  letters — an amount, a date, a phone number — reads as one unit (RULES.md DL302).

The extractors find money figures (¥1,004.50, 1004.50元, 人民币1,004.50元, 1.5万元),
大写 amounts, dates (2026年12月5日, 12月5日, 收到本函之日起3日内), and full or masked
ID, card and mobile numbers, each with its span.

The package's modules, each one concern: :mod:`.folding` (full-width to half-width, traditional to simplified,
Cantonese to Mandarin),
:mod:`.sentences` (sentences, paragraphs, reading length), :mod:`.figures` (money,
大写, ID/card/mobile numbers, small Chinese numerals), :mod:`.dates` (dates,
weekdays, relative deadlines) and :mod:`.view` (:class:`TextView`, which ties them
to one text and keeps what it found).
"""

from __future__ import annotations

from dunletters.lint.text.dates import DateSpan
from dunletters.lint.text.figures import (
    CN_DIGITS,
    CapitalsSpan,
    MoneySpan,
    NumberSpan,
    ascii_digits,
    small_number,
)
from dunletters.lint.text.folding import fold, fold_cantonese, fold_chinese, folding_digest
from dunletters.lint.text.sentences import (
    SENTENCE_MARKS,
    Sentence,
    closing,
    opening,
    reading_length,
)
from dunletters.lint.text.view import TextView

__all__ = [
    "CN_DIGITS",
    "SENTENCE_MARKS",
    "CapitalsSpan",
    "DateSpan",
    "MoneySpan",
    "NumberSpan",
    "Sentence",
    "TextView",
    "ascii_digits",
    "closing",
    "fold",
    "fold_cantonese",
    "fold_chinese",
    "folding_digest",
    "opening",
    "reading_length",
    "small_number",
]
