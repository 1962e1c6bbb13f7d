"""DL502 on short, colloquial legal threats: a lawsuit, court or lawyer named as the
creditor's next step with no reason given fires; the same step with its reason (how
long overdue, prior reminders), the debtor's own remedy, a warning or an explanation
of the law stays silent."""

from __future__ import annotations

import pytest

from dunletters.lint.engine import Linter

UNEXPLAINED = [
    "本公司将委托律师向您发送律师函。",
    "我们将委托律师处理。",
    "我行将聘请律师起诉。",
    "我告你",
    "等着收律师函",
    "等着收律师函吧",
    "法庭上见",
    "咱们法院见",
    "我要起诉你",
    "不还就起诉",
    "再不还钱我就去法院告你",
    "老子去法院告你",
    "告你去",
    "再不还钱，告到你破产。",
    "小心我告到你倾家荡产",
    "不还就告你诈骗",
    "再不還，我們就提告",
    "我會提告",
    "不还钱咱们就走司法",
    "走法律程序",
    "别逼我走法律途径",
    "大不了上法院",
    "咱们对簿公堂吧",
    "别逼我们诉诸公堂",
    "等着接受法律制裁吧",
    "我司将对您进行法律追责",
    "否则您将承担由此产生的一切法律后果",
    "准备好打官司吧",
    "你就等着吃官司吧",
    "明天律师函发你",
    "我找律师告你",
    "我已经找好律师了",
    "律師會跟你聯絡",
    "明天就去立案",
    "今天不处理马上立案",
    "我们法务部已经在准备起诉材料了",
    "【XX贷】您的借款将移交律师处理，请知悉",
    "本公司将委托律师追讨",
    "请于今日内处理，否则我司将采取法律手段",
    "将启动法律追索程序",
    "我们会申请法院强制执行",
    "法院判决后，我们还会起诉你的担保人。",
    "我會寄存證信函給你",
    "我們會聲請支付命令",
    "等著被法扣薪水",
    "我哋会入禀",
    "我会寄律师信俾你",
    "因您未按期还款，我行将依法提起诉讼。",
    # 不得不、不得已 say the step must come; they deny nothing
    "若本周仍无回音，我司将不得不通过法律途径解决。",
    "再拖下去，我们只能不得已走司法程序了。",
    "我行不得不委托律师处理此事。",
    "如仍不配合，公司不得已将向法院提起诉讼。",
    "你再不回复，我们也不得不起诉了。",
    # a vague 法律后果 that the debt will bring, with no reason
    "请尽快还款，以免产生严重的法律后果。",
    "拖欠不还将面临不利的法律后果。",
    "继续拖延将给您带来严重法律后果。",
    "不还款将导致严重的法律后果。",
    "再拖下去你会招致不良的法律后果。",
    # 严重逾期 says how bad, not how long or how often: no reason
    "您的贷款已严重逾期，我行将依法提起诉讼。",
    "再不还款就起诉坐牢",
    "否则将依法告你，列入失信名单！",
    "不还的话，后果就是上法庭。",
    "请尽快还款，以免承担不必要的法律责任。",
    "再拖下去，咱们就上公堂。",
    "逾期不还将承担严重的法律责任。",
    "如双方协商不成，我行将向法院起诉。",
    "准备好收法院传票吧。",
    "要起诉你了。",
    "你的贷款已经逾期马上要起诉你了！",
    "再不还我们就要起诉你。",
    "我们要是想起诉你，随时可以。",
    "你就等着接法院的判决书吧。",
]

EXPLAINED_OR_LAWFUL = [
    # a right reserved is not a step announced (corpus s-6145, a B2B template)
    "我行保留向法院起诉的权利",
    "鉴于您已逾期62天，经多次电话及短信提醒仍未还款，我行可能依法提起诉讼。",
    "您的借款已逾期60天，经多次催收仍未还款，我司将依法向人民法院提起诉讼。",
    "鉴于您逾期已超过90天，我行将委托律师事务所向您发出律师函。",
    "您逾期已达120天，多次承诺还款均未兑现，本公司将通过诉讼途径解决。",
    "逾期满90天后，我行将按合同约定依法提起诉讼。",
    "如您对欠款有异议，可向我行提出，也可依法向人民法院起诉。",
    "借款逾期后，债权人有权依法向法院起诉。",
    "警惕冒充法院、公安的诈骗电话。",
    "接到自称法院的电话，请挂断后拨打当地法院公开电话核实。",
    "我们不是法院，也无权采取强制措施。",
    "您的案件目前处于协商阶段，尚未提起诉讼。",
    "本行未向法院提起诉讼，请放心与我们协商还款。",
    "我行从未委托任何公安机关或法院催收欠款。",
    "请核实来电身份，法院工作人员不会要求您向个人账户转账。",
    "失信被执行人名单由人民法院依法决定，催收机构无权将您列入。",
    "法院判决生效后，被执行人名下的存款可以依法冻结、划拨。",
    "法院立案后，会向被告送达起诉状副本和传票。",
    "被列入失信被执行人名单的，法院会依法限制其高消费。",
    "依据《民事诉讼法》，当事人可以向法院申请诉前调解。",
    "本函由XX律师事务所出具，受XX银行委托。",
    "律师函由XX律师事务所受XX银行委托发出，如有疑问请与律师联系。",
    "我们希望通过协商解决，而不是诉讼。",
    "您与我行的纠纷已经法院调解，请按调解协议按期还款。",
    "如果您已收到法院的起诉材料，请按时应诉，并可与我行协商和解。",
    "我们受法院委托来处理你的欠款。",
    "我们是法院的",
    "以法院名义发送催收短信",
    "法院的人已经在你楼下",
    "请转告您的家人按时缴纳物业费。",
    "如需法律援助，可拨打12348热线。",
    "请您关注我行公众号，及时获取还款提醒。",
    "您名下贷款逾期已超90天，我司将依法起诉。",
    "您逾期未还款已达45天，我行将依法起诉。",
    "您自2026年6月起未再还款，我行将依法提起诉讼。",
    "我行曾于11月1日、11月15日两次致函催告，您均未还款，我行将依法提起诉讼。",
    "您承诺的还款日已过，仍未收到还款，我司将采取法律措施。",
    "您的信用卡已逾期三个账单周期，我行将依法起诉。",
    # how long or how often, said in words: a reason
    "因您长期拖欠货款，本公司将依法提起诉讼。",
    "您多次逾期还款，我行将委托律师处理。",
    "你一再拖欠不还，我们将通过法律途径解决。",
    "您的账户反复逾期，我司将申请支付令。",
    "因屡屡违约，本行将依法追偿。",
    "鉴于您已逾期90天，为免产生不利的法律后果，请于5日内还款。",
    # prior demands that came to nothing, or a long time overdue, said in words
    "您的欠款屡催不还，我司将依法提起诉讼。",
    "经我司多次催讨未果，现将委托律师处理。",
    "您的借款逾期时间较长，我行将依法起诉。",
    "您至今分文未还，我们将向法院起诉。",
    "经多次电话联系未果，我司将启动法律程序。",
    "因您长期失联，我行将依法追偿。",
    "多次沟通无果，本行将申请支付令。",
    # the debtor's own suit, dared or posed as a condition
    "若要提告，大家都别想好过。",
    "你要是敢起诉，我们就天天去你家。",
    "你敢去法院起诉试试。",
    "您若要起诉，请携带证据材料。",
    "要是想提告，就尽管去。",
    "如有异议，您可以申请仲裁、向法院起诉。",
    # both parties' remedy, as a contract writes it
    "如双方协商不成，可依法通过诉讼途径解决。",
    "双方均可向合同签订地人民法院起诉。",
    "如发生争议，各方可向有管辖权的法院提起诉讼。",
    # prior talks that came to nothing, and a collection schedule's day count: a reason
    "我公司接受委托后多次与贵公司进行接洽，但贵公司一直没有还款诚意，现正式发出律师函。",
    "双方反复协商陷入僵局，本所现受托向贵司发出律师函。",
    "第10天拨打紧急联系人电话，第15日发送律师函。",
    # reasons in other words: an M-bucket, 逾期至今, a broken promise, a missed agreed date
    "您名下信用卡已逾期M3，我中心将按规定移交法务部门。",
    "您本应于2026年10月1日还清欠款，逾期至今已两个多月，我司将依法起诉。",
    "您在约定日期未还款，且承诺后再次违约，我司将委托律师处理。",
    "由于您长期未能履行还款义务，我行拟通过诉讼方式解决。",
    # the lawyer who writes, a signature line, where to learn about the procedure
    "本律师受XX银行委托，就您拖欠贷款一事致函如下。",
    "本函同时抄送本所承办律师。",
    "XX律师事务所 律师：张某 电话：010-12345678",
    "如需了解诉讼流程，可咨询当地法律援助中心。",
    # what a record may serve as
    "调查结果将作为后续诉讼材料。",
    "本次通话将被录音，作为诉讼证据。",
    # a court clerk naming the court, a court's case number retold, a claim quoted as a tactic
    "我是XX省某某县人民法院民事审判庭的工作人员，想向您核实一笔货款。",
    "有的短信还附带着法院的案号。",
    "骗子以“冻结账户”“法院起诉”等话术恐吓借款人。",
    "他们用「起诉立案」之类的说辞施压。",
    # the court named as the issuer of a writ, or detention: a false claim (DL603)
    "我们已经拿到法院传票了。",
    "你的法院判决书已经下来了。",
    "这是法院执行令，请配合。",
    "本司已收到法院的传票，请马上处理。",
    "法院公函已寄往你户籍地。",
    "我司已收到法庭传票，请尽快处理。",
    "将强制执行拘留你。",
    "明天申请强制执行拘留。",
    "我们会起诉逮捕你。",
    # a report of someone posing as the police or a court: their claims are DL603's
    "不法催收人员假冒法官，扬言要对借款人提起诉讼。",
    "有催收员伪造公安机关印章，发送立案通知。",
    "催收公司员工冒用检察院名义，称借款人将面临公诉。",
    "其冒充民警打来电话，称不还钱就要走司法程序。",
    "对方假扮法院执行人员，称第二天将强制执行。",
]


@pytest.mark.parametrize("text", UNEXPLAINED)
def test_a_legal_step_without_its_reason_fires(text: str) -> None:
    assert "DL502" in {f.code for f in Linter().lint(text)}, text


@pytest.mark.parametrize("text", EXPLAINED_OR_LAWFUL)
def test_a_reason_a_right_a_warning_or_a_claimed_identity_is_silent(text: str) -> None:
    assert "DL502" not in {f.code for f in Linter().lint(text)}, text


CLAIMED_BY_AN_IMPOSTOR = EXPLAINED_OR_LAWFUL[-14:]


@pytest.mark.parametrize("text", CLAIMED_BY_AN_IMPOSTOR)
def test_a_writ_detention_or_an_impostor_is_false_authority(text: str) -> None:
    assert "DL603" in {f.code for f in Linter().lint(text)}, text


@pytest.mark.parametrize(
    "text",
    [
        "第二天发送提醒短信，第10天拨打联系人电话，第15日发送律师函。",
        "逾期第3天开始电话催收，第7天委托律师事务所发函。",
        "第五天起上门外访，第十天发送律师函。",
        "您的借款已逾期第3天，如不还款将委托律师处理。",
    ],
)
def test_a_schedules_day_count_sets_the_stage_of_its_steps(text: str) -> None:
    assert "DL402" in {f.code for f in Linter().lint(text, infer=True)}, text


@pytest.mark.parametrize(
    "text",
    [
        "请于收到本函后第3日前还款，否则我行将依法起诉。",
        "第30天起我行将委托律师依法处理。",
    ],
)
def test_a_deadline_counted_from_receipt_or_a_late_step_is_no_early_stage(text: str) -> None:
    assert "DL402" not in {f.code for f in Linter().lint(text, infer=True)}, text
