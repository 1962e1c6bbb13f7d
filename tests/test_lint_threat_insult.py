"""DL601 and DL602 at their borders: the wording that belongs to another code stays there."""

from __future__ import annotations

import pytest

from dunletters.lint.engine import Linter

LINTER = Linter()


def _codes(text: str) -> set[str]:
    return {finding.code for finding in LINTER.lint(text)}


@pytest.mark.parametrize(
    ("text", "fires", "silent"),
    [
        # a public poster at the home is disclosure (DL604), not a threat to the person
        ("再不还钱就去你老家贴大字报！", {"DL604"}, {"DL601"}),
        # a court said to come and enforce is a false claim of authority (DL603)
        ("明天下午3点，法院将到你家强制执行。", {"DL603"}, {"DL601"}),
        # a bare curse on the family is an insult; with a condition it is also a threat
        ("全家倒霉", {"DL602"}, {"DL601"}),
        ("再不还，你全家都要倒霉。", {"DL601"}, set()),
        # naming the family in a list is not the curse 你妈
        ("行，你等着，我让你爸你妈你姐都过个好年！", {"DL601"}, {"DL602"}),
        # anti-fraud warnings speak of 骗子 and the court list's nickname 老赖
        ("请勿向骗子透露银行卡密码，切勿轻信骗子的退款承诺。", set(), {"DL602"}),
        ("失信被执行人名单，也就是人们常说的老赖名单，由法院依法公布。", set(), {"DL602"}),
        ("你就是个骗子，借了钱就玩失踪。", {"DL602"}, set()),
        # a visit announced is DL604's; with menace it is also DL601
        ("外访人员已上门，请保持有人在家。", {"DL604"}, {"DL601"}),
        ("我们知道你孩子在哪上学，你自己掂量。", {"DL601"}, set()),
    ],
)
def test_border_cases(text: str, fires: set[str], silent: set[str]) -> None:
    codes = _codes(text)
    assert fires <= codes, (text, codes)
    assert not silent & codes, (text, codes)
