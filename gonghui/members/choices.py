"""Value lists for member fields. 民族 follows GB/T 3304."""

from django.db import models

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
    PRIMARY = "primary", "小学及以下"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专/技校"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    POSTGRADUATE = "postgraduate", "研究生"


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", "中共党员"
    CPC_PROBATIONARY = "cpc_probationary", "中共预备党员"
    CYL = "cyl", "共青团员"
    DEMOCRATIC = "democratic", "民主党派"
    MASSES = "masses", "群众"


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
