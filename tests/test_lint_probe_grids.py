"""Own-wording grids (written for these tests, not corpus text): every person a collector
may name, in every act of disclosure (plain and formal), and the issue's kinds of threat,
insult, payment request, false claim of authority and overstated consequence.

A phrase list or frame that names its people inline misses the ones it forgot (「你表弟那边
我们也去过了」 once passed for 21 of these 30 people); a grid keeps every slot whole.
"""

from __future__ import annotations

import itertools

import pytest

from dunletters.config import LintSettings, Settings
from dunletters.lint.engine import Linter

PEOPLE = (
    "爸", "妈", "父母", "老婆", "媳妇", "老公", "哥", "姐姐", "弟弟", "妹妹", "表弟", "表哥",
    "舅舅", "叔叔", "姑姑", "岳父", "丈母娘", "同事", "领导", "老板", "朋友", "室友", "房东",
    "邻居", "辅导员", "同学", "儿子", "女儿", "对象", "亲戚",
)  # fmt: skip
DISCLOSURES = (
    "你{p}那边我们也去过了。",
    "我们已经去过你{p}那里了。",
    "我们的人已经到你{p}家了。",
    "已经给你{p}打过电话了。",
    "你{p}那边我们已经通知了。",
    "我们会去找你{p}谈谈你欠款的事。",
    "你{p}已经知道你欠钱的事了。",
    "我们明天就去你{p}那里坐坐。",
    "再不还，我们就联系你{p}。",
    "这事我们会跟你{p}说清楚。",
    "你{p}的电话我们已经有了。",
    "让你{p}帮你还吧。",
)
THREATS = tuple(
    f"{condition}，{harm}。"
    for condition, harm in itertools.product(
        ("再拖下去", "不还的话", "你要是继续躲", "今天不处理", "你再不还钱"),
        (
            "你家里人也别想安生", "你以后的日子不会好过", "小心你的孩子", "你出门最好小心点",
            "你全家都不得安宁", "你的店也别想开下去", "你这份工作也就保不住了", "后果你自己想",
            "我们有的是办法让你还", "你走夜路小心点", "别怪我们不客气", "你会后悔的",
            "出了什么事别怪我们",
        ),
    )
)  # fmt: skip
MORE_THREATS = tuple(
    f"{condition}，{harm}。"
    for condition, harm in itertools.product(
        ("再不还钱", "今天不处理的话", "你要是敢不还"),
        (
            "我找人卸你一条胳膊", "你就等着被人收拾吧", "我让你在这个城市混不下去", "你孩子放学路上小心点",
            "我们会一直跟着你", "你家的店明天就开不了门", "我保证你过不好这个年", "你老婆上班的地方我们知道",
            "晚上回家注意点", "出门被车撞了可别怪我们", "我们的人会找到你", "你会付出代价的", "别让我在路上碰到你",
            "你的车停哪我们都清楚", "我们会天天去你家", "让你尝尝厉害", "有你好果子吃", "你就准备好坐轮椅吧",
            "我让你消失", "把你的腿打断", "你这辈子就毁了", "你爸妈那边我们会去照顾照顾", "你家门口会很热闹",
        ),
    )
)  # fmt: skip
"""Harm to body, family, safety and livelihood in more words, each after a condition."""
INSULTS = tuple(
    frame.format(w=word)
    for frame, word in itertools.product(
        ("你这个{w}，欠钱还不还？", "像你这种{w}，活该被人看不起。", "{w}！赶紧还钱！"),
        (
            "老赖", "赖皮", "无赖", "垃圾", "废物", "人渣", "败类", "畜生", "狗东西", "不要脸的东西", "王八蛋",
            "混蛋", "烂人", "穷鬼", "贱人", "社会渣滓", "白眼狼", "瘪三", "扑街", "贱格", "死八婆", "窝囊废",
            "寄生虫", "下三滥", "赖账狗", "狗杂种", "骗子", "杂碎", "饭桶", "蠢货", "狗日的", "龟孙子", "缩头乌龟",
        ),
    )
)  # fmt: skip
FULL_NUMBERS = (
    *(
        f"{lead}{number}已逾期，请尽快还款。"
        for lead, number in itertools.product(
            ("您的卡号", "信用卡", "借记卡号：", "卡号为"),
            ("6222021234567890128", "4392250012345678", "6222 0212 3456 7890 128", "4392-2500-1234-5678",
             "６２２２０２１２３４５６７８９０１２８"),
        )
    ),
    *(
        f"{lead}{number}，您的借款已逾期。"
        for lead, number in itertools.product(
            ("身份证号", "证件号码", "借款人身份证号码为"), ("110101199003074519", "110101 19900307 4519")
        )
    ),
    *(
        f"{lead}{number}，我们已经打过了。"
        for lead, number in itertools.product(
            ("你妈妈的电话", "紧急联系人张某某", "你老婆手机"),
            ("13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "0968-000-571", "0968000571"),
        )
    ),
)  # fmt: skip
"""Full card, ID and third parties' mobile numbers (synthetic; mainland and Taiwan), grouped
every way people write them: with spaces, hyphens, full-width digits, a country code."""
CANTONESE_DISCLOSURES = tuple(
    act.format(p=person)
    for act, person in itertools.product(
        ("我哋已經搵過你{p}。", "我哋已經打過電話俾你{p}。", "我會話俾你{p}知你欠錢唔還。", "我哋啱啱上咗你{p}度。",
         "你{p}已經知道你走數喇。", "再唔還錢，我哋就去搵你{p}。", "你{p}嗰邊我哋都通知咗。", "叫你{p}幫你還啦。"),
        ("老豆", "阿媽", "老婆", "老公", "細佬", "家姐", "阿哥", "細妹", "同事", "老細", "朋友", "屋企人", "鄰居", "仔女"),
    )
)  # fmt: skip
"""The same acts as a Hong Kong collector writes them (業主 is left out: a Hong Kong
notice's 各位業主 are its debtors)."""
CANTONESE_THREATS = tuple(
    f"再唔還錢，{harm}。"
    for harm in ("你因住嚟", "小心你屋企人", "我哋會好好招呼你", "斬你一隻手指", "你出街小心啲", "你間舖唔使開",
                 "淋你紅油", "你份工都唔使做", "我哋會日日上嚟搵你", "你等住瞓街啦")
)  # fmt: skip
PAYMENTS = tuple(
    f"请将3000元{verb}到{where}，{then}。"
    for verb, where, then in itertools.product(
        ("转", "打", "汇", "存"),
        ("我的微信", "我个人支付宝", "催收员的银行卡", "我同事的卡上", "专员个人微信", "我们经理的卡"),
        ("截图给我", "我们给你销账", "立即停催"),
    )
)  # fmt: skip

FORMAL_PARTIES = (
    "您的工作单位", "您所在单位的人事部门", "您的单位领导", "您的同事", "您的家属", "您的配偶", "您的父母",
    "您的紧急联系人", "您通讯录中的联系人", "您户籍所在地的村委会", "您居住地的居委会", "您的房东", "您所在社区",
    "您就读的学校", "您的辅导员", "您公司的财务部门", "您的客户",
)  # fmt: skip
FORMAL_DISCLOSURES = (
    "我行将向{p}核实您的在职情况。", "我司将致函{p}，告知您的逾期情况。", "我们将把催收函寄送至{p}。",
    "本函将抄送{p}。", "您的欠款信息将同步给{p}。", "我司将联系{p}协助催收。", "我们已安排专员前往{p}了解情况。",
    "逾期信息将通报{p}。", "我们将通过{p}督促您还款。", "如仍未还款，我司将与{p}取得联系。",
    "我们会请{p}协助转告。", "我司已将您的逾期情况告知{p}。",
)  # fmt: skip
"""A bank's or an agency's formal wording of disclosure (issue 14's 「我行将向您的工作单位核实
您的在职情况」), to every party such a letter names."""
FALSE_CLAIMS = tuple(
    f"你的贷款逾期未还，{who}{act}。"
    for who, act in itertools.product(
        ("法院", "公安局", "警方", "检察院", "经侦大队", "执行局", "地检署", "银保监会", "金融监管局",
         "国家金融监督管理总局", "公安执法人员", "执行法官"),
        ("已经对你立案了", "已经给你发了传票", "已对你发出拘票", "已经把你列入失信名单", "已经给你定罪了",
         "已经冻结了你的贷款资金", "已经上门取证", "已经在路上了", "已经把你的信息登记在案", "已经找过你的家人"),
    )
) + tuple(
    f"你的贷款逾期未还，{who}将依法对你进行处理。" for who in ("银保监会", "金融监管局", "公安执法人员")
)  # fmt: skip
"""Claims that a court, the police, a prosecutor, a regulator or their officers act against
the debtor now (DL603): no such body handles one person's overdue loan."""
OVERSTATED = tuple(
    f"{condition}，{outcome}。"
    for condition, outcome in itertools.product(
        ("再不还款", "逾期不还的话", "如果继续拖欠"),
        ("你就要坐牢", "你将被追究刑事责任", "你会被拘留", "会影响你子女上学", "你孩子以后考公务员政审过不了",
         "你以后坐不了飞机和高铁", "你会被全国通缉", "你会被列入征信黑名单", "你将面临三年以上刑期",
         "你会留下案底", "你会被判处有期徒刑", "你以后不能买房买车", "你将不能办理护照", "你将无法乘坐轮船二等舱"),
    )
)  # fmt: skip


def _retold(
    acts: tuple[str, ...], actors: tuple[str, ...], victims: tuple[str, ...]
) -> tuple[str, ...]:
    """Every act ({a} did it to {v}) told of every actor and every victim."""
    return tuple(
        act.format(a=actor, v=victim)
        for act, actor, victim in itertools.product(acts, actors, victims)
    )


NARRATED_VIOLENCE = _retold(
    (
        "为讨债，{a}对{v}拳打脚踢。", "{a}为逼{v}还钱，砸坏了{v}家的门窗。", "{a}往{v}家里扔砖头逼债。",
        "{a}用胶水堵住{v}家的锁眼催债。", "{a}将{v}非法拘禁在宾馆索要欠款。", "{a}把{v}关在房间里逼其还钱。",
        "{a}在{v}家门口拉横幅、放鞭炮讨债。", "{a}在{v}家门外泼洒粪便逼债。", "{a}扇了{v}几个耳光，让其还钱。",
        "{a}强行闯入{v}家中讨债。", "{a}给{v}家断水断电逼其还钱。", "{a}多次跟踪贴靠{v}催讨欠款。",
        "{a}在{v}店门口摆放花圈、播放哀乐讨债。", "{v}因欠款被{a}殴打。", "因无力还款，{v}遭{a}拳打脚踢。",
    ),
    ("催收人员", "讨债人员", "被告人张某", "收数佬", "大耳窿", "债主", "几名男子"),
    ("借款人", "刘某", "王女士"),
)  # fmt: skip
"""A reporter's or a court's account of violence and "soft violence" done for a debt, in the
words of 刑法第二百九十三条之一 and the 2019 「软暴力」 opinion (beating, damage, intrusion,
banners, firecrackers, dirge, wreaths, filth, water and power cut, shadowing, confinement)."""
NARRATED_PAYMENTS = _retold(
    (
        "{a}要求{v}将欠款转到一个私人账户。", "{a}让{v}把钱打到一张陌生的银行卡上。",
        "{a}诱导{v}向其提供的账户转账。", "{a}称可以消除不良征信记录，但要{v}先交3000元手续费。",
        "{a}要求{v}先交一笔解冻费。", "{a}以降低利息为由，要{v}把余额转到“过渡账户”。",
        "{v}按{a}的指示，把两万元转进了对方的支付宝。", "{a}称{v}的账户涉嫌洗钱，要求{v}将资金转入“核查账户”。",
        "{v}在{a}的诱导下，向一个个人账户转了五千元。",
    ),
    ("对方", "骗子", "假客服", "自称催收员的男子", "冒充民警的人"),
    ("刘女士", "小王", "受害人"),
)  # fmt: skip
"""A police or press retelling of a fake collector's or official's demand for money."""
TOLD_BY_THE_DEBTOR = _retold(
    (
        "{a}打电话给{v}，说我欠钱不还。", "{a}给{v}发了短信，说我逾期了。", "{a}把电话打到了{v}那里。",
        "{a}联系了{v}，让他劝我还钱。", "{a}把我欠钱的事告诉了{v}。", "{a}给{v}发了我的借款截图。",
        "{a}加了{v}的微信，说我欠钱。", "{v}接到了{a}的电话，说我欠钱不还。", "{v}也被{a}打了电话，问我什么时候还钱。",
    ),
    ("催收", "网贷平台", "对方", "催收公司"),
    ("我妈", "我爸", "我姐", "我弟", "我老婆", "我同事", "我领导", "我室友", "他爸", "其母亲"),
)  # fmt: skip
"""A debtor's complaint (or a report in their words) that the collector reached their family,
friends or workplace: 我妈, 他爸 as well as 你妈."""


PASSIVE_DISCLOSURES = tuple(
    f"{what}{how.format(p=party)}。"
    for what, how, party in itertools.product(
        ("她的欠款信息", "刘某的借款合同", "他的逾期记录", "借款人的身份证照片", "其个人信息和欠款金额"),
        ("被发到了{p}", "被群发给了{p}", "被催收人员发给了{p}", "遭催收公司发给{p}", "被曝光到{p}", "被传到了{p}", "被转发给{p}"),
        ("家族群", "公司群", "她的亲友", "通讯录里的所有人", "朋友圈", "村里的微信群", "网上", "她父母"),
    )
)  # fmt: skip
"""A debtor's papers or debt told in the passive: sent, posted or passed on to others."""


RETELLINGS = {
    "她": ("刘女士接到催收电话，对方称{c}。", "王某称，催收人员在电话里说{c}。",
          "借款人收到短信，内容称{c}。", "催收员打来电话，扬言{c}。"),
    "我": ("催收打电话来说{c}。", "催收员在电话里威胁我说{c}。", "我收到一条短信，说{c}。"),
}  # fmt: skip
"""How a reporter or a court (她) and the debtor (我) retell a collector's words."""


def _reported(claims: tuple[str, ...], person: str = "她") -> tuple[str, ...]:
    """Each claim retold after the collector's 称 / 说 / 扬言, its 你 and 您 turned into
    ``person``."""
    return tuple(
        retelling.format(c=claim.rstrip("。！!").replace("您", person).replace("你", person))
        for claim, retelling in itertools.product(claims, RETELLINGS[person])
    )


REPORTED_THREATS = _reported(THREATS + MORE_THREATS + CANTONESE_THREATS)
REPORTED_CLAIMS = _reported(FALSE_CLAIMS)
CLAIMS_TOLD_BY_THE_DEBTOR = _reported(FALSE_CLAIMS, person="我")

PERSONAL_DISCLOSURES = tuple(act.format(p=person) for act in DISCLOSURES for person in PEOPLE)
FORMAL_WORDINGS = tuple(
    act.format(p=party) for act in FORMAL_DISCLOSURES for party in FORMAL_PARTIES
)
GRIDS = {
    "every person in every act of disclosure": (PERSONAL_DISCLOSURES, "DL604"),
    "formal wordings of disclosure": (FORMAL_WORDINGS, "DL604"),
    "Cantonese disclosures": (CANTONESE_DISCLOSURES, "DL604"),
    "Cantonese threats": (CANTONESE_THREATS, "DL601"),
    "threats to family, safety and livelihood": (THREATS, "DL601"),
    "more threats after a condition": (MORE_THREATS, "DL601"),
    "names called": (INSULTS, "DL602"),
    "full numbers however grouped": (FULL_NUMBERS, "DL605"),
    "payment to a collector or colleague": (PAYMENTS, "DL606"),
    # 法院 "已经冻结了你的贷款资金" and the like may also read as DL503; DL603 is what counts
    "claims that courts, police or regulators act now": (FALSE_CLAIMS, "DL603"),
    "overstated consequences of a civil debt": (OVERSTATED, "DL503"),
    "violence done for a debt, as narrated": (NARRATED_VIOLENCE, "DL601"),
    "payment to the caller, as narrated": (NARRATED_PAYMENTS, "DL606"),
    "disclosure told by the debtor": (TOLD_BY_THE_DEBTOR, "DL604"),
    "disclosure told in the passive": (PASSIVE_DISCLOSURES, "DL604"),
    "threats retold in the third person": (REPORTED_THREATS, "DL601"),
    "false claims retold in the third person": (REPORTED_CLAIMS, "DL603"),
    "false claims retold by the debtor": (CLAIMS_TOLD_BY_THE_DEBTOR, "DL603"),
}
"""Each grid and the code every sentence of it must fire."""


@pytest.fixture(scope="module")
def rules() -> Linter:
    """The rules alone (the statistical second opinion is not what these grids test)."""
    return Linter(Settings(lint=LintSettings(second_opinion="off")))


def _fired(linter: Linter, text: str, channel: str | None = None) -> set[str]:
    return {f.code for f in linter.lint(text, channel=channel)}


@pytest.mark.parametrize(("texts", "code"), GRIDS.values(), ids=GRIDS.keys())
def test_every_sentence_of_a_grid_is_found(
    rules: Linter, texts: tuple[str, ...], code: str
) -> None:
    assert [t for t in texts if code not in _fired(rules, t, channel="sms")] == []


def test_the_disclosure_grid_is_whole() -> None:
    assert len(PERSONAL_DISCLOSURES) == 360


@pytest.mark.parametrize(
    ("lawful", "code"),
    [
        (
            tuple(f"如需{p}代为办理，请本人来电授权。" for p in ("父母", "老婆", "同事", "朋友")),
            "DL604",
        ),
        (
            (
                "如遇违规催收，您可以向金融监管局投诉，监管部门会依法处理。",
                "金融监管局将依法保护您的合法权益。",
                "金融监管总局已对多家违规催收机构进行处理。",
            ),
            "DL603",
        ),
    ],
    ids=["the same people in a lawful sentence", "regulators in a lawful sentence"],
)
def test_lawful_sentences_with_the_same_words_stay_silent(
    rules: Linter, lawful: tuple[str, ...], code: str
) -> None:
    assert [t for t in lawful if code in _fired(rules, t)] == []
