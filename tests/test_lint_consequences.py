"""DL502: a legal step needs its reason in the sentences around it — one-paragraph
and multi-paragraph letters alike — across the phrasings collectors use."""

from __future__ import annotations

import pytest

from dunletters.config import Settings
from dunletters.lint.engine import Linter
from dunletters.lint.rules.consequences import REASON_AFTER, REASON_BEFORE

LINTER = Linter(Settings(), select=["DL502"])

UNEXPLAINED = [
    "我行将依法提起诉讼。",
    "我司将向人民法院起诉。",
    "本公司将通过法律途径解决。",
    "我们将委托律师处理此事。",
    "您的账户已转交法务部处理。",
    "我行将采取法律措施，请知悉。",
    "我方将申请仲裁。",
    "如不还款，我们将启动法律程序。",
    "再不还款，咱们法庭见。",
    "我们会起诉你的。",
    "公司已经准备起诉了。",
    "请于三日内还款，否则我司将采取司法手段。",
    "【某某消费金融】您的欠款已转入法务流程，请速联系处理。",
    "【某某银行】您的信用卡欠款即将移交律师，请尽快还款。",
    "不还钱就等着打官司吧。",
    "我们要去法院告你。",
    "我司将把您告上法庭。",
    "我行将对您的欠款诉诸法律。",
    "本平台将通过司法途径追讨欠款。",
    "你这笔账我们要走法律程序了。",
    "欠款将由合作律师事务所负责追讨。",
    "您将收到律师函。",
    "我们的律师会给您发律师函。",
    "本司已安排法务专员跟进您的案件。",
    "我行将向法院申请支付令。",
    "我行将申请财产保全。",
    "我们将依法追讨。",
    "您的账户已进入诉讼准备阶段。",
    "我司将提起诉讼，由此产生的诉讼费、律师费由您承担。",
    "您好！本公司将依法追究您的法律责任。",
    "我行將依法提起訴訟。",
    "我們將委託律師處理。",
    "本公司將向法院起訴。",
    "今天不处理，明天就起诉。",
    "24小时内未还款，案件将转交律师团队。",
    "请在本周内结清，否则我们将向仲裁委员会申请仲裁。",
    "您的借款合同已提交法务审核，准备诉讼。",
    "我司将申请强制执行。",
    "我行将启动诉讼程序。",
    "尊敬的客户：您的借款已逾期45天，欠款合计5000元。请于12月5日前还款。可通过手机银行、网点柜台还款。如有疑问，请致电95588。工作时间为每日9点至18点。我行将依法提起诉讼。",
    "我司将依法向法院提起诉讼，追讨欠款。",
    "限你三天内还款，不然我们就起诉。",
    "法务部已经接手你的案子了。",
    "已安排律师起草起诉状。",
    "公司决定通过法律手段解决你的欠款问题。",
    "【XX贷】您的欠款已移交法务处理，请速还款。",
    "我们的律师团队正在准备材料。",
    "我们会走司法程序。",
    "本公司將採取法律行動。",
    "本司将通过法律程序追讨欠款。",
    "你的资料已提交律师事务所。",
    "我们准备诉讼了。",
    "本公司已委托律师发函。",
    "对你的欠款本司将诉诸司法。",
    "您的逾期账户已转至诉讼组。",
    "请尽快处理，以免进入法律程序。",
    "再不处理就直接起su。",
    "再不处理就直接起SU。",
    "你的账单已转入司法催收阶段。",
    "我司将申请司法确认。",
    "本公司将依法维权。",
    "我们会申请司法介入。",
    "已为您申请网上立案。",
    "如您仍不还款，可能被依法起诉。",
    "您可以联系我们协商，否则我行将提起诉讼。",
    "如你对我们的处理不满意，我们可以起诉。",
    "您的欠款将转交第三方法律机构处理。",
    "此事已提交我司法律部门。",
    "你的案件已移交法律事务部。",
    "请立即还款，否则将采取法律措施。",
    "不还款就起诉你。",
    "我们马上就要起诉你了。",
    "即将移交法务部门处理。",
    "您的案件即将进入诉讼程序。",
    "请立即还款以免被起诉。",
    "否则将启动司法程序。",
    "已转交法务部。",
    "明天不还就移交法院。",
    "今天不处理就立案。",
    "你等着收律师函吧。",
    "再不还我就去法院告你。",
    "我方将通过法律途径追讨欠款。",
    "请尽快处理，否则我们将委托律师追讨。",
    "我们将依法提起诉讼，请您知悉。",
]
"""A legal step (lawsuit, court, lawyer, 法务, 法律程序) with no reason given."""

EXPLAINED = [
    # a right reserved is not a step announced (corpus s-6145, a B2B template)
    "我行保留通过诉讼方式追讨欠款的权利。",
    "本公司保留诉诸法律的权利。",
    "我司将保留追究其法律责任的权利。",
    "鉴于您已逾期45天，经多次提醒仍未还款，我行可能依法提起诉讼。",
    "您的借款已逾期90天，我行将依法提起诉讼。",
    "因您拒不还款，我司已委托律师处理。",
    "您已逾期三个月，我行将通过法律途径解决。",
    "经我行多次催收，您至今仍未还款，我行将采取法律措施。",
    "如您对债务有异议，可向人民法院提起诉讼。",
    "您有权向人民法院起诉。",
    "如对处理结果不满，您也可以申请仲裁。",
    "您的借款已逾期60天。此前我们已三次致电提醒。如仍不处理，我们将委托律师处理。",
    "根据借款合同约定，我行有权宣布贷款提前到期，并依法提起诉讼。",
    "您已违反借款合同约定，我行将依法追偿。",
    "逾期信息将依法报送金融信用信息基础数据库。",
    "如需法律咨询，您可以咨询您的律师。",
    "您的欠款已逾期120天，我们已先后五次发函提醒，均无回复。鉴于上述情况，本公司将依法提起诉讼。",
    "您的信用卡已逾期75天。我行已多次电话和短信提醒。请于12月5日前还清欠款，否则我行将委托律师处理。",
    "您已逾期92天，多次承诺还款均未兑现，我行将通过诉讼途径解决。",
    "您的贷款逾期已超过三个月，经多次催告仍未归还，我行将依法起诉。",
    "尊敬的客户：您的借款已逾期45天，经多次提醒仍未还款。如在12月5日前仍未还款，我行可能依法提起诉讼。",
    "我行将依法提起诉讼。原因是您的借款已逾期90天且多次承诺未兑现。",
    "由于您长期拖欠且屡次失约，我司已委托律师处理。",
    "基于以上事实，我司决定通过法律途径追讨欠款。",
    "综上所述，我司将向人民法院提起诉讼。",
    "您逾期已满90天，我行将依法提起诉讼。",
    "自2026年9月起您已连续三期未还款，我行将依法提起诉讼。",
    "您已连续6个月未还款，我行将通过法律途径解决。",
    "请于12月5日前还款。",
    "如对账单有疑问，请致电我行客服热线95588。",
    "您的借款已逾期180天，多次催收无果，本公司将依法起诉。",
    "因您逾期已超过90天，我司已将案件移交法务部门。",
    "鉴于你方至今仍未付款，我司将通过法律途径解决。",
    "经三次电话提醒，您仍未还款，本行将委托律师处理。",
    "您的借款逾期已达半年。我们曾多次与您联系，均未果。现我司将提起诉讼。",
    "您的信用卡已逾期四个月，经我行多次催收仍未还款，我行将依法提起诉讼。",
    "因您逾期超过90天且拒绝沟通，我司将通过法律途径解决。",
    "考虑到您已逾期半年，本行将委托律师处理。",
    "如您对欠款有异议，可向法院起诉，也可咨询律师。",
    "本律师事务所受托发出律师函：您的借款已逾期120天，经多次催收仍未归还。",
    "经多次协商未果，且您已逾期100天，我司将依法维权。",
    "如您认为催收行为侵害了您的权益，可依法维权。",
    "如您对催收行为有异议，可向我行投诉或依法维权。",
    "如对本通知有异议，您有权向人民法院起诉。",
    "您可以向当地金融监管部门投诉，也可以通过法律途径维护权益。",
    "如您认为本函内容有误，可申请仲裁。",
    "客户有权就争议事项依法申请仲裁或提起诉讼。",
    "债务人有权委托律师处理相关事宜。",
    "如对欠款有疑问，可咨询我行法律部门，电话95588。",
    "鉴于您已逾期95天，经我行多次电话、短信提醒仍未还款，我行将依法提起诉讼。",
    "因您逾期已超过90天且多次催告未果，我行已将案件移交律师事务所处理。",
    "根据相关法律法规，您有权对欠款金额提出异议。",
    "请于2026年12月20日前还款。",
    "如对催收行为有异议，可向监管部门投诉。",
    "我行将依法保护您的个人信息。",
    "“老赖”并非法律术语，一般指经法院判决认定的失信被执行人。",
    "所谓失信被执行人，是指有履行能力而拒不履行生效法律文书确定义务、被法院依法纳入名单的人。",
]
"""The reason stands with the step (how long overdue, earlier reminders, the contract,
鉴于上述情况), or the step is the debtor's own remedy, or there is no legal step."""


def _fires(text: str) -> bool:
    return any(f.code == "DL502" for f in LINTER.lint(text, channel="letter"))


@pytest.mark.parametrize("text", UNEXPLAINED)
def test_unexplained_legal_step_is_reported(text: str) -> None:
    assert _fires(text), text


@pytest.mark.parametrize("text", EXPLAINED)
def test_explained_or_absent_legal_step_is_silent(text: str) -> None:
    assert not _fires(text), text


FACTS = "尊敬的客户：您的借款已逾期45天，欠款合计5000元。"
FILLER = [
    "请于12月5日前还款。",
    "还款方式：手机银行或网点柜台。",
    "如有疑问，请致电95588。",
    "感谢您的配合。",
]
STEP = "如12月5日前未还款，我行将依法提起诉讼。"


@pytest.mark.parametrize("joiner", ["", "\n", "\n\n"], ids=["one-line", "lines", "paragraphs"])
def test_the_reason_must_stand_near_the_step_however_the_letter_is_broken(joiner: str) -> None:
    """A letter without blank lines is one paragraph: the facts at its top are no
    reason for a step at its bottom, whether or not it has paragraphs."""
    far = joiner.join([FACTS, *FILLER, STEP])
    near = joiner.join([*FILLER, FACTS, STEP])
    assert _fires(far)
    assert not _fires(near)


@pytest.mark.parametrize("joiner", ["", "\n\n"], ids=["one-paragraph", "paragraphs"])
def test_the_window_is_two_sentences_before_and_one_after(joiner: str) -> None:
    assert (REASON_BEFORE, REASON_AFTER) == (2, 1)
    before = joiner.join([FACTS, *FILLER[: REASON_BEFORE - 1], STEP])
    too_far = joiner.join([FACTS, *FILLER[:REASON_BEFORE], STEP])
    after = joiner.join([STEP, FACTS])
    assert not _fires(before)
    assert _fires(too_far)
    assert not _fires(after)
    assert _fires(joiner.join([STEP, FILLER[0], FACTS]))


def test_a_list_of_steps_joined_by_semicolons_is_one_sentence() -> None:
    text = (
        "您的借款已逾期60天，我司将采取以下措施：暂停业务往来；提交法律部门；通过法律途径追讨欠款。"
    )
    assert not _fires(text)


def test_one_report_per_sentence() -> None:
    findings = LINTER.lint("我行将委托律师向法院提起诉讼。", channel="letter")
    assert [f.code for f in findings] == ["DL502"]


PHRASE_LIST_ONLY = [
    ("DL603", "我司已联合当地派出所对您进行调查。"),
    ("DL603", "你已被网上通缉，请尽快投案。"),
    ("DL603", "【公安局】您涉嫌恶意透支，请于三日内到案说明情况。"),
    ("DL603", "法院已经判了，你等着被执行吧。"),
    ("DL503", "你这是恶意透支，要负刑事责任。"),
    ("DL503", "逾期超过三个月就构成信用卡诈骗罪。"),
    ("DL503", "你的行为已涉嫌贷款诈骗。"),
    ("DL503", "不还钱就送你去蹲号子。"),
    ("DL503", "你会被追究刑事责任。"),
    ("DL503", "到时候警察上门，你就有案底了。"),
    ("DL503", "你会成为征信黑户。"),
    ("DL503", "你已进入全国征信黑名单。"),
    ("DL503", "银行会把你拉进黑名单，以后所有银行都不给你办卡。"),
    ("DL503", "你的孩子以后上不了好学校。"),
    ("DL503", "子女考大学、考公务员都会受影响。"),
    ("DL503", "以后你儿子当兵政审都过不了。"),
    ("DL503", "不还款就不能出国旅游。"),
    ("DL503", "你的微信和支付宝都会被冻结。"),
    ("DL503", "你名下的工资卡会被直接划扣。"),
    ("DL503", "这件事会影响你一辈子。"),
    ("DL503", "您将因此失去人身自由。"),
    ("DL503", "逾期将产生高额催收费用2000元。"),
    ("DL503", "您的逾期会连累您的担保人和家人坐牢。"),
    ("DL503", "逾期后你的社保和医保都会被停。"),
    ("DL603", "传票已寄往你户籍所在地。"),
    ("DL603", "本司已向公安机关报案，你涉嫌诈骗。"),
    ("DL503", "信用卡欠款不还是刑事犯罪。"),
    ("DL503", "你的征信上黑名单了，这辈子贷不了款。"),
    ("DL503", "你孩子政审通不过，别怪我们没提醒。"),
    ("DL503", "你儿子以后考公务员肯定受影响。"),
    ("DL503", "你全家都上失信名单。"),
    ("DL503", "你的工资会被直接扣掉还款。"),
    ("DL503", "你会坐牢的"),
    ("DL503", "不还款=诈骗=坐牢"),
    ("DL503", "征信花了永久不能贷款。"),
    ("DL503", "你会丢掉工作。"),
    ("DL503", "你的支付宝、微信钱包马上冻结。"),
    ("DL503", "逾期将上报征信黑名单并通报您的单位。"),
    ("DL603", "我们已经联系了你户籍地的派出所。"),
    ("DL603", "执行令已经下达，明天执行。"),
    ("DL603", "冻结令已经下来了。"),
    ("DL603", "检察院已对你提起公诉。"),
    ("DL503", "征信黑了以后房贷车贷都别想。"),
    ("DL503", "你将被终身禁止贷款。"),
    ("DL503", "你的公积金会被冻结。"),
    ("DL503", "你已经涉嫌信用卡诈骗，后果非常严重。"),
    ("DL503", "会影响你子女考大学。"),
    ("DL603", "你的案件已經移交法院，法院已經受理。"),
    ("DL503", "不還錢就是惡意透支，要負刑事責任。"),
    ("DL603", "已向你户籍所在地派出所发出协助调查函。"),
    ("DL503", "孩子以后读书、工作、考公全受影响。"),
    ("DL603", "限你三日内到XX派出所说明情况。"),
    ("DL503", "你会被全国的银行拉黑。"),
    ("DL503", "还会被追究刑责。"),
    ("DL503", "严重逾期将面临牢狱之灾。"),
    ("DL503", "逾期不还，银行将起诉并追究你的刑事责任。"),
    ("DL503", "这种情况法院会直接判你坐牢。"),
    ("DL603", "您的网贷逾期已被上报至公检法系统。"),
    ("DL503", "将面临刑事拘留。"),
]
"""Phrasings of DL603 and DL503 that their phrase lists catch (the frames' own fail and
pass examples are tested in test_lint_frames.py): one per family of wording."""


@pytest.mark.parametrize(("code", "text"), PHRASE_LIST_ONLY)
def test_phrase_list_wordings_are_reported(code: str, text: str) -> None:
    codes = [f.code for f in Linter(Settings(), select=[code]).lint(text)]
    assert code in codes, text


LAW_FIRM_LETTER = (
    "律师函\n"
    "某某律师事务所受某某银行委托，就您拖欠信用卡欠款一事致函如下："
    "截至2026年11月28日，您已逾期95天，经该行多次催收仍未还款。"
    "请于收到本函之日起7日内归还欠款。"
    "否则，本所将建议委托人依法向有管辖权的人民法院提起诉讼。\n"
    "某某律师事务所\n"
    "2026年11月28日"
)


def test_a_law_firm_signature_is_not_a_legal_step() -> None:
    """The firm's name on its own line signs the letter; the step it announces has
    its reason, and 「本所将…」 is the firm speaking, not a police station."""
    findings = Linter(Settings(), select=["DL502", "DL603"]).lint(LAW_FIRM_LETTER)
    assert [f.code for f in findings] == []
    unexplained = LAW_FIRM_LETTER.replace("您已逾期95天，经该行多次催收仍未还款", "您尚有欠款")
    assert _fires(unexplained)


@pytest.mark.parametrize(
    "marks",
    [
        ("一、", "二、", "三、", "四、"),
        ("1. ", "2. ", "3. ", "4. "),
        ("（一）", "（二）", "（三）", "（四）"),
    ],
)
def test_a_numbered_list_shares_the_reason_of_its_lead_in(marks: tuple[str, ...]) -> None:
    """「鉴于上述情况，我司将采取以下措施：」 gives the reason for every item below it,
    however many items come before the legal one."""
    items = [
        "暂停与贵司的所有业务往来。",
        "停止供货。",
        "通知贵司的担保方。",
        "通过法律途径追讨欠款。",
    ]
    steps = "\n".join(mark + item for mark, item in zip(marks, items, strict=True))
    assert not _fires(f"贵司的货款已逾期60天。鉴于上述情况，我司将采取以下措施：\n{steps}")
    assert _fires(f"请尽快付款。我司将采取以下措施：\n{steps}")


def test_a_letter_title_is_not_a_legal_step() -> None:
    assert not _fires("律师函\n您的借款已逾期95天，经多次催收仍未还款，请于7日内还款。")


def test_a_forbidden_step_and_the_laws_court_are_not_the_creditors_steps() -> None:
    """A code of conduct forbids 冒充律师; a statute says what 法院可 do: neither is a
    legal step the creditor announces, but a step in the next phrase still is."""
    assert not _fires("严禁辱骂；严禁冒充司法机关、律师或公职人员。")
    assert not _fires("判决生效后债务人仍不履行的，法院可采取查封、冻结等强制执行措施。")
    assert _fires("法院可以判决，我们马上起诉。")
    assert _fires("我们将申请法院强制执行。")
