"""The letter text the linter reads: from a cached parse of the markup, as from a full one."""

from __future__ import annotations

import html
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dunletters.lint import extract
from dunletters.lint.extract import html_to_text

AS_OF = date(2026, 11, 28)


def _reference(markup: str) -> str:
    """``html_to_text`` as it was: HTMLParser over the whole markup, every time."""
    paragraphs = []
    for text in extract._parsed(markup):
        lines = [extract._SPACES.sub(" ", line).strip() for line in html.unescape(text).split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")


def _letters() -> list[str]:
    from dunletters.config import STAGES, TONES, Settings
    from dunletters.escalation import Hold, decide, decision_for
    from dunletters.models import parse_account
    from dunletters.registry import Registry
    from dunletters.rendering import Renderer
    from dunletters.samples import generate_accounts, sample_accounts

    settings = Settings()
    renderer = Renderer(settings, Registry.load())
    found = []
    for stage in STAGES:
        for tone in TONES:
            decision = decision_for(settings.stage_rule(stage), tone)
            for account in sample_accounts(AS_OF).values():  # long name, large amount…
                found.append(renderer.letter_html(account, decision, AS_OF, "1").html)
    for number, row in enumerate(generate_accounts(120, seed=41, as_of=AS_OF)):
        account = parse_account(row, as_of=AS_OF)
        verdict = decide(account, settings.policy, AS_OF)
        if not isinstance(verdict, Hold):
            found.append(renderer.letter_html(account, verdict, AS_OF, str(number)).html)
    return found


def test_every_letter_reads_as_a_full_parse_reads_it() -> None:
    letters = _letters()
    extract._SKELETONS.clear()
    assert [html_to_text(markup) for markup in letters] == [_reference(m) for m in letters]
    assert 0 < len(extract._SKELETONS) < len(letters) / 4  # letters share their markup


_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<br>", "</br>", "<td>", "</td>", "<tr>", "<table>",
        "<style>", "</style>", "<script>", "</script>", "<title>", "</title>", "<head>",
        "</head>", "<!--", "-->", "<!doctype html>", "<div/>", '<a title="', '">', "<a title=",
        ">", "<", "&", "&amp;", "&lt;", "&#", "x;", "amp", "lt;", '"', "'", "=", "\r", "\r\n",
        "\n", " ", "\t", "\u00a0", "\x00", "\ue000", "\ue0001\ue001", "0", "1", "张", "尊敬的",
        "¥1,000.00", "<b>", "</b>", "<![CDATA[", "]]>", "<?x", "<li>", "<h1>", "</h1>",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40))
@example([">", "&amp;", "lt;", "<"])  # a reference in a run is decoded twice, as before
@example(["<p>", "a", "\r", "b", "</p>"])
@example(["<p>", "\ue0001\ue001", "</p>"])
def test_any_markup_reads_as_a_full_parse_reads_it(pieces: list[str]) -> None:
    markup = "".join(pieces)
    assert html_to_text(markup) == _reference(markup)
    assert html_to_text(markup) == _reference(markup)  # the second time from the skeleton


def test_a_run_is_put_back_where_its_mark_is() -> None:
    first = html_to_text("<p>尊敬的张先生：</p><p>欠款 ¥1.00</p>")
    second = html_to_text("<p>尊敬的李女士：</p><p>欠款 ¥2.00</p>")
    assert (first, second) == ("尊敬的张先生：\n\n欠款 ¥1.00\n", "尊敬的李女士：\n\n欠款 ¥2.00\n")
