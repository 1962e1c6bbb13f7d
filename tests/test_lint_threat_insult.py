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


# Colloquial lines as collectors type or say them, one per family member, that the phrase
# lists (not the frames) catch: each must fire its code (the frames carry their own examples).
COLLOQUIAL = [
    ("DL601", "【催收】速还，否则后果自负"),
    ("DL601", "不还的话，我们会不择手段"),
    ("DL601", "今天不还，明天就让你知道我们的厉害"),
    ("DL601", "今天开始我们派人住到你家去，直到你还清为止"),
    ("DL601", "以后我天天跟着你，看你去哪"),
    ("DL601", "你女儿长得挺可爱的，每天几点放学啊"),
    ("DL601", "你就等着瞧吧，看谁耗得过谁"),
    ("DL601", "你最好祈祷我们别找上门"),
    ("DL601", "你活腻了是吧，敢欠我们公司的钱"),
    ("DL601", "你爸妈年纪大了，经不起折腾，你自己看着办"),
    ("DL601", "你的车牌号我们记下了"),
    ("DL601", "你给我等着，回头就找人修理你"),
    ("DL601", "信不信我找人废了你"),
    ("DL601", "再不还我就去你家，你家门口见"),
    ("DL601", "再拖，你的车我们就开走抵债了"),
    ("DL601", "再躲着不接电话，我保证你会后悔的"),
    ("DL601", "准备好接受我们的电话轰炸"),
    ("DL601", "出了什么事可别说我们没提醒过你"),
    ("DL601", "别以为我们拿你没辙"),
    ("DL601", "到时候别怪我没提醒你，后悔都来不及"),
    ("DL601", "后面的事情就不是我能控制的了，交给外面的兄弟处理"),
    ("DL601", "咱们骑驴看唱本——走着瞧"),
    ("DL601", "唔还钱，你就知死"),
    ("DL601", "我们准备去你老家住几天"),
    ("DL601", "我们可不是什么正规公司，什么都干得出来"),
    ("DL601", "我们有的是办法治你"),
    ("DL601", "我们有的是办法让你还钱"),
    ("DL601", "我们每天打你电话打到你怀疑人生"),
    ("DL601", "我们的人会24小时跟着你"),
    ("DL601", "我们的耐心是有限的，别逼我们动手"),
    ("DL601", "我有一百种方法让你还钱"),
    ("DL601", "我看你是活得不耐烦了"),
    ("DL601", "真以为我们拿你没办法？走着瞧"),
    ("DL601", "等着被短信轰炸吧"),
    ("DL601", "给你三天时间，三天后后果自负"),
    ("DL601", "自己掂量着办吧，别到时候怪我们没提醒"),
    ("DL601", "自己掂量，呵呵"),
    ("DL601", "要是再装死，我让你吃不了兜着走"),
    ("DL601", "这事没完，咱们走着瞧"),
    ("DL601", "钱不到账，你给我小心点"),
    ("DL601", "钱不还是吧？行，你等着"),
    ("DL601", "限你今天下午五点前处理，不然后果你自己掂量"),
    ("DL602", "一个大男人欠钱不还，窝囊废"),
    ("DL602", "一个欠钱不还的老赖还有脸讲条件"),
    ("DL602", "不要脸的东西，欠钱还有理了"),
    ("DL602", "不要脸的，信不信我叫人收拾你"),
    ("DL602", "你个仆街，借钱唔还"),
    ("DL602", "你个老不要脸的"),
    ("DL602", "你个赖皮，装什么死"),
    ("DL602", "你丫就是欠抽"),
    ("DL602", "你全家都是老赖"),
    ("DL602", "你就是一坨屎"),
    ("DL602", "你就是个人渣"),
    ("DL602", "你就是个无赖"),
    ("DL602", "你是什么货色我们清楚得很"),
    ("DL602", "你真是丢你爹妈的脸"),
    ("DL602", "你算哪根葱"),
    ("DL602", "你脑子有病吧，欠钱不还还挂电话"),
    ("DL602", "你脑子进水了吧"),
    ("DL602", "你还是不是人"),
    ("DL602", "你这个小赤佬"),
    ("DL602", "你这个废物，等着，有你好看"),
    ("DL602", "你这个没脑子的"),
    ("DL602", "你这种人不得好死"),
    ("DL602", "你这种人不配有朋友"),
    ("DL602", "你这种人渣也配做父亲？"),
    ("DL602", "你这种人真是没良心，借钱的时候怎么说的"),
    ("DL602", "你这种人迟早遭天谴"),
    ("DL602", "你这种失信的人活该穷一辈子"),
    ("DL602", "借钱不还的都是人渣"),
    ("DL602", "借钱的时候叫爷爷，还钱的时候装孙子"),
    ("DL602", "像你这种人，走到哪都被人看不起"),
    ("DL602", "无耻之徒，骗完钱就拉黑"),
    ("DL602", "欠钱不还断子绝孙"),
    ("DL602", "死皮赖脸的老赖"),
    ("DL602", "死老赖，再不还钱弄死你"),
    ("DL602", "死老赖，扮咩嘢死"),
    ("DL602", "没出息的东西，一把年纪还欠网贷"),
    ("DL602", "狗东西，还不还钱"),
    ("DL602", "狗都比你讲信用"),
    ("DL602", "畜生都知道知恩图报，你呢"),
    ("DL602", "白眼狼，当初帮你的时候怎么不说"),
    ("DL602", "真是个不要脸的老东西"),
    ("DL602", "真是个厚脸皮"),
    ("DL602", "穷得叮当响还借钱"),
    ("DL602", "穷疯了吧你，连几百块都还不起"),
    ("DL602", "脸都不要了是吧"),
    ("DL602", "蠢货，自己借的钱都忘了？"),
    ("DL602", "跟你这种下三滥讲道理就是浪费时间"),
    ("DL602", "骗贷的人还有脸接电话？"),
]


@pytest.mark.parametrize(("code", "text"), COLLOQUIAL, ids=[t for _, t in COLLOQUIAL])
def test_colloquial_threats_and_insults_fire(code: str, text: str) -> None:
    assert code in _codes(text), text
