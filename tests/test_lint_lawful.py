"""A legal word in a warning, a denial, a rule for collectors or an explanation of the
law stays silent (DL502, DL503, DL603: rules/lawful.py); the claim itself still fires."""

from __future__ import annotations

import pytest

from dunletters.lint.engine import Linter
from dunletters.lint.rules.lawful import told_lawfully

CODES = frozenset({"DL502", "DL503", "DL603"})

SILENT = [
    "警惕冒充法院、公安的诈骗电话。",
    "谨防冒充公检法诈骗，我行不会以法院名义要求转账。",
    "催收人员不得冒用公检法名义。",
    "严禁冒充司法机关进行催收。",
    "法院不会通过短信发送传票，请勿轻信。",
    "法院送达传票一般通过邮寄或当面送达，不会通过微信发送。",
    "只有被法院列为失信被执行人后，才会被限制乘坐飞机、高铁。",
    "失信被执行人名单由人民法院依法决定，催收机构无权将您列入。",
    "接到自称法院的电话，请挂断后拨打当地法院公开电话核实。",
    "我们不是法院，也无权采取强制措施。",
    "您的案件目前处于协商阶段，尚未提起诉讼。",
    "我行从未委托任何公安机关或法院催收欠款。",
    "借款逾期后，债权人有权依法向法院起诉。",
    "请核实来电身份，法院工作人员不会要求您向个人账户转账。",
    "逾期不会导致坐牢，但会影响个人征信。",
    "本行不会冻结您的微信、支付宝账户。",
    "正规催收不会威胁您坐牢。",
    "涉嫌诈骗的短信请及时向12381举报。",
    "考公政审一般只审查本人及直系亲属有无犯罪记录，普通逾期不影响。",
    "黑名单是民间说法，征信系统中并没有所谓的黑名单。",
    "信用卡透支不等于信用卡诈骗，只有以非法占有为目的、经两次催收超过三个月仍不归还的，才可能涉嫌犯罪。",
    "如您收到法院传票，请按时应诉。",
    "遇到冒充司法人员催收的，可以拨打110报警。",
    "催收人员冒充公检法的，可向当地金融监管局投诉。",
    "请放心，逾期不影响您子女上学和就业。",
    "被执行人有能力履行而拒不履行判决的，可能构成拒不执行判决、裁定罪。",
]

FIRES = [
    ("欠钱不还就是诈骗罪，要坐牢的。", "DL503"),
    ("我这边是XX市公安局反诈中心，你名下贷款涉嫌违法。", "DL603"),
    ("催收人员冒用司法机关名义进行催收。", "DL603"),
    ("冒充法院工作人员，称其已被起诉。", "DL603"),
    ("你不还钱就会坐牢。", "DL503"),
    ("您尚未还款，我们将起诉您。", "DL502"),
    ("厦门警方提醒您：凡是接到陌生人的电话，挂机后请立即将存款转移到安全账户：黄某警官。", "DL603"),
]


@pytest.mark.parametrize("text", SILENT)
def test_told_lawfully_is_silent(text: str) -> None:
    fired = {f.code for f in Linter().lint(text)} & CODES
    assert not fired, text


@pytest.mark.parametrize(("text", "code"), FIRES)
def test_the_claim_itself_still_fires(text: str, code: str) -> None:
    assert code in {f.code for f in Linter().lint(text)}, text


def test_a_not_yet_counts_only_just_before_the_word() -> None:
    text = "您的案件尚未提起诉讼。"
    assert told_lawfully(text, text.index("提起"))
    text = "您尚未还款，我们将起诉您。"
    assert not told_lawfully(text, text.index("起诉"))
