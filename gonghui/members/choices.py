"""Value lists for member fields (民族 follows GB/T 3304, 学历 GB/T 4658, 政治面貌 GB/T 4762) and the
length limit of each text field, shared by the model, the forms, the API and the services."""

from django.db import models

from gonghui.core.text import TextLimit

NAME_LIMIT = TextLimit("姓名", 50)
EMPLOYER_LIMIT = TextLimit("工作单位", 120)
MOBILE_DIGITS = 11  # 手机号码: 11 digits (spaces, dashes and +86 are taken off first) …
MOBILE_TYPED_MAX = 17  # … so a typed "+86 139 8700 0001" (17 characters) still fits the box

ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    """学历, by the categories of GB/T 4658 (文化程度). What a roster says is kept inside its category:
    博士 and 硕士 stay apart from a plain 研究生 (the file said more, so we keep more; anyone counting
    研究生 adds the three, see `POSTGRADUATE_LEVELS`), and 中专, 职业高中, 技校 and 高中 are four values.
    `senior` is what rosters imported before this split hold (高中, 中专 and 技校 were one value then and
    which one each person had is not known): it stays readable and editable, nothing new is filed as it."""

    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    VOCATIONAL = "vocational", "中专"
    VOCATIONAL_HIGH = "vocational_high", "职业高中"
    TECHNICAL = "technical", "技校"
    HIGH_SCHOOL = "high_school", "高中"
    SENIOR = "senior", "高中/中专/技校（旧数据，未细分）"
    JUNIOR = "junior", "初中"
    PRIMARY = "primary", "小学及以下"


POSTGRADUATE_LEVELS = frozenset({Education.DOCTORATE, Education.MASTER, Education.POSTGRADUATE})
# Values kept for old records only: a form offers them only to a record that already holds one.
LEGACY_EDUCATION = frozenset({Education.SENIOR})

# What rosters write for each 学历 (compared after `tidy`, so full-width forms match too). Each word
# names its own category, never a neighbouring one: 中专 is not 高中, 职高 is not 中专.
EDUCATION_ALIASES: dict[str, str] = {
    # 研究生
    "博士": Education.DOCTORATE,
    "博士研究生": Education.DOCTORATE,
    "博士研究生毕业": Education.DOCTORATE,
    "博士生": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "硕士研究生": Education.MASTER,
    "硕士研究生毕业": Education.MASTER,
    "硕士生": Education.MASTER,
    "研究生": Education.POSTGRADUATE,
    "研究生毕业": Education.POSTGRADUATE,
    # 大学本科 / 大学专科
    "本科": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "大学本科毕业": Education.BACHELOR,
    "大本": Education.BACHELOR,
    "专科": Education.COLLEGE,
    "大专": Education.COLLEGE,
    "大学专科": Education.COLLEGE,
    "大学专科毕业": Education.COLLEGE,
    "高职": Education.COLLEGE,  # 高等职业教育 is 大学专科 level (GB/T 4658 code 3x)
    # 中等职业教育 (GB/T 4658: 中专 41, 职业高中 44, 技工学校 47) and 高中 (61)
    "中专": Education.VOCATIONAL,
    "中等专业学校": Education.VOCATIONAL,
    "中等专科": Education.VOCATIONAL,
    "中专毕业": Education.VOCATIONAL,
    "职高": Education.VOCATIONAL_HIGH,
    "职业高中": Education.VOCATIONAL_HIGH,
    "技校": Education.TECHNICAL,
    "技工学校": Education.TECHNICAL,
    "中技": Education.TECHNICAL,  # 中等技工学校
    "高中": Education.HIGH_SCHOOL,
    "普通高中": Education.HIGH_SCHOOL,
    "高级中学": Education.HIGH_SCHOOL,
    "高中毕业": Education.HIGH_SCHOOL,
    "初中": Education.JUNIOR,
    "初级中学": Education.JUNIOR,
    "初中毕业": Education.JUNIOR,
    "初中及以下": Education.JUNIOR,  # the roster's lowest box: 初中 is the category it names
    "小学": Education.PRIMARY,
    "小学及以下": Education.PRIMARY,
    "小学以下": Education.PRIMARY,
    "文盲": Education.PRIMARY,
    "半文盲": Education.PRIMARY,
    "文盲或半文盲": Education.PRIMARY,
    "扫盲班": Education.PRIMARY,
    "不识字": Education.PRIMARY,
    "高中/中专/技校": Education.SENIOR,  # what our own exports of old records say
}
# Said on every roster but naming no one category: refused with the reason.
EDUCATION_AMBIGUOUS: dict[str, str] = {
    "大学": "“大学”可能是大学本科或大学专科，请写明",
    "中专/高中": "请写明是中专还是高中",
    "高中及中专": "请写明是中专还是高中",
    "高中/中专": "请写明是中专还是高中",
}


class PoliticalStatus(models.TextChoices):
    """政治面貌, the 13 values of GB/T 4762 (the number in the comment is its code). `democratic` is what
    records entered before this list hold where the party was not said; nothing new is filed as it
    unless a roster says just 民主党派."""

    CPC = "cpc", "中共党员"  # 01
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"  # 02
    CYL = "cyl", "共青团员"  # 03
    RCCK = "rcck", "民革党员"  # 04 中国国民党革命委员会
    CDL = "cdl", "民盟盟员"  # 05 中国民主同盟
    CNDCA = "cndca", "民建会员"  # 06 中国民主建国会
    CAPD = "capd", "民进会员"  # 07 中国民主促进会
    CPWDP = "cpwdp", "农工党党员"  # 08 中国农工民主党
    CZGP = "czgp", "致公党党员"  # 09 中国致公党
    JIUSAN = "jiusan", "九三学社社员"  # 10
    TDSGL = "tdsgl", "台盟盟员"  # 11 台湾民主自治同盟
    NONPARTY = "nonparty", "无党派人士"  # 12
    MASSES = "masses", "群众"  # 13
    DEMOCRATIC = "democratic", "民主党派（未注明党派）"


# What rosters write for each 政治面貌. Every word names exactly one value: 党员 in a Chinese roster
# means a member of the CPC (the other parties' members are written with their party's name), 团员 a
# member of the Youth League. 无党派 is 无党派人士, never 群众: they are different people.
POLITICAL_ALIASES: dict[str, str] = {
    # 01 中共党员
    "党员": PoliticalStatus.CPC,
    "中共党员": PoliticalStatus.CPC,
    "共产党员": PoliticalStatus.CPC,
    "中国共产党党员": PoliticalStatus.CPC,
    "中共正式党员": PoliticalStatus.CPC,
    "正式党员": PoliticalStatus.CPC,
    # 02 中共预备党员
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "中国共产党预备党员": PoliticalStatus.CPC_PROBATIONARY,
    # 03 共青团员
    "团员": PoliticalStatus.CYL,
    "共青团员": PoliticalStatus.CYL,
    "共青团": PoliticalStatus.CYL,
    "中国共产主义青年团团员": PoliticalStatus.CYL,
    # 04–11 the eight democratic parties: the party's short name, its member title, its full name
    "民革": PoliticalStatus.RCCK,
    "民革党员": PoliticalStatus.RCCK,
    "民革会员": PoliticalStatus.RCCK,
    "中国国民党革命委员会党员": PoliticalStatus.RCCK,
    "中国国民党革命委员会": PoliticalStatus.RCCK,
    "民盟": PoliticalStatus.CDL,
    "民盟盟员": PoliticalStatus.CDL,
    "中国民主同盟盟员": PoliticalStatus.CDL,
    "中国民主同盟": PoliticalStatus.CDL,
    "民建": PoliticalStatus.CNDCA,
    "民建会员": PoliticalStatus.CNDCA,
    "中国民主建国会会员": PoliticalStatus.CNDCA,
    "中国民主建国会": PoliticalStatus.CNDCA,
    "民进": PoliticalStatus.CAPD,
    "民进会员": PoliticalStatus.CAPD,
    "中国民主促进会会员": PoliticalStatus.CAPD,
    "中国民主促进会": PoliticalStatus.CAPD,
    "农工党": PoliticalStatus.CPWDP,
    "农工党党员": PoliticalStatus.CPWDP,
    "农工党员": PoliticalStatus.CPWDP,
    "农工民主党": PoliticalStatus.CPWDP,
    "中国农工民主党党员": PoliticalStatus.CPWDP,
    "中国农工民主党": PoliticalStatus.CPWDP,
    "致公党": PoliticalStatus.CZGP,
    "致公党党员": PoliticalStatus.CZGP,
    "致公党员": PoliticalStatus.CZGP,
    "中国致公党党员": PoliticalStatus.CZGP,
    "中国致公党": PoliticalStatus.CZGP,
    "九三学社": PoliticalStatus.JIUSAN,
    "九三学社社员": PoliticalStatus.JIUSAN,
    "九三": PoliticalStatus.JIUSAN,
    "九三社员": PoliticalStatus.JIUSAN,
    "台盟": PoliticalStatus.TDSGL,
    "台盟盟员": PoliticalStatus.TDSGL,
    "台湾民主自治同盟盟员": PoliticalStatus.TDSGL,
    "台湾民主自治同盟": PoliticalStatus.TDSGL,
    # 12 无党派人士
    "无党派": PoliticalStatus.NONPARTY,
    "无党派人士": PoliticalStatus.NONPARTY,
    "无党派民主人士": PoliticalStatus.NONPARTY,
    # 13 群众
    "群众": PoliticalStatus.MASSES,
    "普通群众": PoliticalStatus.MASSES,
    # a roster that says only that the person is in a democratic party
    "民主党派": PoliticalStatus.DEMOCRATIC,
    "民主党派成员": PoliticalStatus.DEMOCRATIC,
}
POLITICAL_AMBIGUOUS: dict[str, str] = {
    "无": "“无”可能是“群众”也可能是“无党派人士”，请写明",
    "盟员": "“盟员”可能是民盟盟员或台盟盟员，请写明",
    "会员": "“会员”可能是民建会员或民进会员，请写明",
    "社员": "请写明党派，如“九三学社社员”",
}
LEGACY_POLITICAL = frozenset({PoliticalStatus.DEMOCRATIC})


def allowed_words(choices: type[models.TextChoices], legacy: frozenset[str]) -> str:
    """The list an unknown value's message shows: every current label."""
    return "、".join(str(label) for value, label in choices.choices if value not in legacy)


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在会"
    TRANSFERRED = "transferred", "转出"
    LEFT = "left", "退会"


class EventKind(models.TextChoices):
    JOINED = "joined", "入会"
    IMPORTED = "imported", "名册导入"
    TRANSFERRED = "transferred", "转会"
    ORG_MERGED = "org_merged", "所在工会合并"
    LEFT = "left", "退会"
    REJOINED = "rejoined", "重新入会"


class RequestState(models.TextChoices):
    PENDING = "pending", "待审批"
    RELEASED = "released", "转出方已同意，待接收"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"
    CANCELLED = "cancelled", "已撤回"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    PARENT_IN_LAW = "parent_in_law", "岳父母/公婆"
    SIBLING = "sibling", "兄弟姐妹"
    GRANDCHILD = "grandchild", "孙辈"
    OTHER = "other", "其他"


def label_for(choices: type[models.TextChoices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))
