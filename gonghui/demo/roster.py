"""Word lists and generators for the demo federation (丽江市总工会). Pure Python, no Django.

Everything is drawn from one `random.Random(seed)`, so a seed gives the same federation every time.
The names of enterprises, schools and people are invented; only the place names and region codes are
real (GB/T 2260), so the data looks like the area without describing anyone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from stdnum.cn import uscc

from gonghui.core.identity import id_check_digit

CITY_CODE = "530700"
CITY_NAME = "丽江市总工会"


@dataclass(frozen=True)
class County:
    code: str  # GB/T 2260 code, also the org code
    name: str  # the federation's name
    short: str  # how the county is written inside a union's name
    old_code: str  # the code of the same area in the former 丽江地区 (5332xx), for older ID numbers
    unions: int  # how many grassroots unions the demo gives it
    towns: tuple[str, ...]
    # ethnic mix of the county's workforce: (民族, weight)
    ethnic: tuple[tuple[str, int], ...]


COUNTIES: tuple[County, ...] = (
    County(
        "530702",
        "古城区总工会",
        "古城区",
        "533221",
        80,
        ("大研", "束河", "金山", "七河", "金安", "白华", "祥和", "龙山", "开南", "义尚", "大东", "福慧"),
        (
            ("汉族", 46),
            ("纳西族", 34),
            ("白族", 6),
            ("彝族", 5),
            ("傈僳族", 3),
            ("藏族", 2),
            ("回族", 2),
            ("苗族", 1),
            ("普米族", 1),
        ),
    ),
    County(
        "530721",
        "玉龙纳西族自治县总工会",
        "玉龙县",
        "533221",
        70,
        (
            "黄山",
            "白沙",
            "拉市",
            "石鼓",
            "巨甸",
            "太安",
            "龙蟠",
            "鸣音",
            "奉科",
            "大具",
            "宝山",
            "鲁甸",
            "塔城",
            "九河",
            "石头",
            "黎明",
        ),
        (
            ("纳西族", 45),
            ("汉族", 25),
            ("傈僳族", 10),
            ("白族", 8),
            ("彝族", 6),
            ("普米族", 3),
            ("藏族", 2),
            ("苗族", 1),
        ),
    ),
    County(
        "530722",
        "永胜县总工会",
        "永胜县",
        "533222",
        55,
        (
            "永北",
            "仁和",
            "期纳",
            "三川",
            "程海",
            "涛源",
            "片角",
            "顺州",
            "羊坪",
            "六德",
            "东山",
            "光华",
            "松坪",
            "大安",
            "东风",
        ),
        (
            ("汉族", 60),
            ("彝族", 14),
            ("傈僳族", 10),
            ("纳西族", 5),
            ("白族", 4),
            ("普米族", 3),
            ("苗族", 2),
            ("回族", 2),
        ),
    ),
    County(
        "530723",
        "华坪县总工会",
        "华坪县",
        "533223",
        45,
        ("中心", "荣将", "兴泉", "石龙坝", "新庄", "通达", "永兴", "船房"),
        (("汉族", 68), ("傈僳族", 12), ("彝族", 10), ("苗族", 3), ("纳西族", 3), ("白族", 2), ("回族", 2)),
    ),
    County(
        "530724",
        "宁蒗彝族自治县总工会",
        "宁蒗县",
        "533224",
        50,
        (
            "大兴",
            "战河",
            "永宁",
            "蝉战河",
            "拉伯",
            "翠玉",
            "新营盘",
            "红桥",
            "宁利",
            "西布河",
            "跑马坪",
            "烂泥箐",
            "金棉",
            "西川",
        ),
        (
            ("彝族", 45),
            ("汉族", 28),
            ("蒙古族", 8),
            ("普米族", 7),
            ("纳西族", 5),
            ("傈僳族", 3),
            ("藏族", 2),
            ("白族", 2),
        ),
    ),
)

# Where workers who were not born in Lijiang come from (all present in GB/T 2260).
OUTSIDE_REGIONS = ("530102", "530302", "532901", "532931", "533102", "513401", "510104", "513423", "520102", "530402")

# Industry → (weight among unions, member size weight, migrant-worker share, new-employment share)
INDUSTRY_PROFILE: dict[str, tuple[int, float, float, float]] = {
    "tourism": (24, 1.3, 0.35, 0.02),
    "hydropower": (7, 1.6, 0.15, 0.0),
    "mining": (7, 1.8, 0.55, 0.0),
    "construction": (11, 1.5, 0.75, 0.0),
    "logistics": (10, 1.0, 0.55, 0.85),
    "education": (15, 0.8, 0.0, 0.0),
    "health": (9, 1.4, 0.02, 0.0),
    "retail": (7, 0.7, 0.4, 0.1),
    "public": (6, 0.6, 0.0, 0.0),
    "agriculture": (4, 0.8, 0.6, 0.0),
}

_BRANDS = (
    "云杉",
    "雪松",
    "玉泉",
    "金沙",
    "古韵",
    "花间",
    "听涛",
    "望雪",
    "木府",
    "东巴",
    "纳西人家",
    "茶马",
    "云岭",
    "苍松",
    "碧水",
    "丽阳",
    "雪域",
    "新城",
    "聚福",
    "兴和",
    "瑞祥",
    "鸿运",
    "康宁",
    "泰和",
    "顺达",
    "宏源",
    "华泰",
    "金鼎",
    "润丰",
    "恒通",
    "天成",
    "永昌",
    "明德",
    "安澜",
    "青禾",
    "博远",
)
_RIVERS = ("金沙江", "程海", "冲江河", "白水河", "黑白水", "玉龙河", "宁蒗河", "鲤鱼河")


def _unique(rng: random.Random, used: set[str], options: list[str]) -> str:
    for _ in range(200):
        name = rng.choice(options)
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("ran out of demo union names")


def union_name_options(industry: str, county: County, rng: random.Random) -> list[str]:
    """Plausible names for a grassroots union of this industry in this county (invented enterprises)."""
    c, towns = county.short, county.towns
    b = _BRANDS
    opts: list[str] = []
    if industry == "tourism":
        opts += [f"丽江{x}酒店有限公司工会" for x in b]
        opts += [f"{t}{x}大酒店工会" for t in towns for x in b[:12]]
        opts += [f"{c}{t}旅游客运有限公司工会" for t in towns]
        opts += [f"{c}{t}景区管理有限公司工会" for t in towns]
        opts += [f"{t}客栈民宿联合工会" for t in towns]
        if county.code in ("530702", "530721"):
            opts += [f"玉龙雪山{x}酒店工会" for x in b[:16]] + [f"丽江古城{x}文化旅游有限公司工会" for x in b[:16]]
        if county.code == "530724":
            opts += [f"泸沽湖{x}度假酒店工会" for x in b[:16]]
        if county.code == "530722":
            opts += [f"程海{x}湖畔酒店工会" for x in b[:10]]
    elif industry == "hydropower":
        opts += [f"{r}{x}水电开发有限公司工会" for r in _RIVERS for x in b[:10]]
        opts += [f"{c}{t}电站工会" for t in towns]
        opts += [f"丽江{x}光伏发电有限公司工会" for x in b[:10]]
    elif industry == "mining":
        opts += [f"{c}{t}{x}矿业有限公司工会" for t in towns for x in b[:6]]
        if county.code == "530723":
            opts += [f"华坪县{t}煤矿工会" for t in towns] + [f"华坪县{x}煤业有限公司工会" for x in b]
    elif industry == "construction":
        opts += [f"丽江{x}建筑工程有限公司工会" for x in b]
        opts += [f"{c}{x}建设集团有限公司工会" for x in b]
        opts += [f"{c}{t}建筑工地联合工会" for t in towns]
    elif industry == "logistics":
        opts += [f"{c}{x}快递服务有限公司工会" for x in b]
        opts += [f"{c}{t}快递网点联合工会" for t in towns]
        opts += [f"{c}外卖配送骑手联合工会", f"{c}网约车司机联合工会", f"{c}货车司机联合工会"]
        opts += [f"丽江{x}物流有限公司工会" for x in b]
    elif industry == "education":
        opts += [f"{c}第{n}中学工会" for n in "一二三四五六"]
        opts += [f"{c}{t}中心小学工会" for t in towns]
        opts += [f"{c}{t}中学工会" for t in towns]
        opts += [f"{c}民族中学工会", f"{c}职业高级中学工会", f"{c}幼儿园工会"]
    elif industry == "health":
        opts += [f"{c}人民医院工会", f"{c}中医医院工会", f"{c}妇幼保健院工会", f"{c}疾病预防控制中心工会"]
        opts += [f"{c}{t}卫生院工会" for t in towns]
    elif industry == "retail":
        opts += [f"丽江{x}商贸有限公司工会" for x in b]
        opts += [f"{c}{t}农贸市场联合工会" for t in towns]
    elif industry == "public":
        opts += [
            f"{c}{x}工会"
            for x in ("自然资源局", "交通运输局", "住房和城乡建设局", "文化和旅游局", "市场监督管理局", "供销合作社")
        ]
    elif industry == "agriculture":
        opts += [
            f"{c}{t}{x}农业专业合作社工会" for t in towns for x in ("核桃", "花椒", "玛卡", "雪桃", "芒果", "烤烟")
        ]
    return opts


def credit_code(rng: random.Random, region: str, used: set[str]) -> str:
    """统一社会信用代码 (GB 32100) of a union legal person: 8 (工会) 1 (基层工会), region, GB 11714 body."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        body = "MC" + "".join(rng.choice("0123456789") for _ in range(6))
        total = sum(
            (int(ch) if ch.isdigit() else ord(ch) - 55) * w
            for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
        )
        check = 11 - total % 11
        org_code = body + {10: "X", 11: "0"}.get(check, str(check))
        first17 = "81" + region + org_code
        code = first17 + uscc.calc_check_digit(first17)
        assert all(ch in alphabet for ch in code)
        if code not in used:
            used.add(code)
            return code


@dataclass
class UnionPlan:
    county: County
    industry: str
    name: str
    code: str
    credit_code: str
    size_weight: float
    capacity: dict[str, object]
    groups: tuple[str, ...] = ()


def plan_unions(rng: random.Random, year: int) -> list[UnionPlan]:
    """About 300 grassroots unions spread over the five counties and ten industries."""
    industries = list(INDUSTRY_PROFILE)
    weights = [INDUSTRY_PROFILE[i][0] for i in industries]
    used_names: set[str] = set()
    used_codes: set[str] = set()
    plans: list[UnionPlan] = []
    for county in COUNTIES:
        # each county gets at least one school, one hospital and one courier union
        kinds = ["education", "health", "logistics", "tourism"]
        kinds += rng.choices(industries, weights=weights, k=county.unions - len(kinds))
        for n, industry in enumerate(kinds, start=1):
            try:
                name = _unique(rng, used_names, union_name_options(industry, county, rng))
            except RuntimeError:
                industry = "tourism"
                name = _unique(rng, used_names, union_name_options(industry, county, rng))
            size = INDUSTRY_PROFILE[industry][1] * rng.lognormvariate(0, 0.7)
            fulltime = 1 if size > 2.5 else 0
            received = Decimal(rng.randrange(8_000, 60_000) * max(1, round(size * 3))).quantize(Decimal("0.01"))
            spent = (received * Decimal(rng.randrange(45, 98)) / 100).quantize(Decimal("0.01"))
            has_venue = rng.random() < 0.62
            capacity: dict[str, object] = {
                "fulltime_cadres": fulltime + (1 if size > 4 else 0),
                "parttime_cadres": rng.randrange(2, 6) + int(size * 2),
                "funds_year": year,
                "funds_received": received,
                "funds_spent": spent,
                "has_venue": has_venue,
                "venue_name": (name.removesuffix("工会") + "职工之家") if has_venue else "",
                "address": f"云南省丽江市{county.name.removesuffix('总工会')}{rng.choice(county.towns)}",
            }
            plans.append(
                UnionPlan(
                    county=county,
                    industry=industry,
                    name=name,
                    code=f"{county.code}{n:04d}",
                    credit_code=credit_code(rng, county.code, used_codes),
                    size_weight=size,
                    capacity=capacity,
                )
            )
    # a few 工会小组 inside the biggest hotels and hospitals
    big = sorted((p for p in plans if p.industry in ("tourism", "health")), key=lambda p: -p.size_weight)[:4]
    for p in big:
        p.groups = (
            ("客房部工会小组", "餐饮部工会小组") if p.industry == "tourism" else ("内科工会小组", "护理部工会小组")
        )
    return plans


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), so the counts add up exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: total - sum(counts)]:
        counts[i] += 1
    return counts


# ---------------------------------------------------------------------------------------------- people
HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
SURNAMES: dict[str, str] = {
    "汉族": HAN_SURNAMES,
    "纳西族": "和和和和和木木杨杨李李赵王习牛张",
    "彝族": "沙沙阿阿吉吉罗马马余海杨王李苏",
    "白族": "杨杨李李赵段段张王字杜尹",
    "傈僳族": "余余熊李蜂和胡丰",
    "普米族": "熊熊胡杨和曹",
    "苗族": "王杨张陶熊龙吴",
    "回族": "马马马纳沙杨丁",
}
MALE_CHARS = "建国军华明强伟勇志文斌海林杰涛平云龙金鹏波辉刚宏学东永福荣昌俊飞德成全春光兴有正顺家宇"
FEMALE_CHARS = "丽芳秀英华玲梅燕红霞娟敏静艳琼兰萍云凤芬月慧婷雪春莲美玉珍娜琴桂花菊佳"
TIBETAN_FIRST = ("扎西", "次仁", "格桑", "尼玛", "达瓦", "洛桑", "平措", "益西", "多吉", "央金")
TIBETAN_MALE = ("多吉", "旺堆", "平措", "顿珠", "罗布", "次仁")
TIBETAN_FEMALE = ("卓玛", "拉姆", "央宗", "曲珍", "德吉", "措姆")
MOSUO_FIRST = ("格则", "达巴", "阿珠", "独支", "尔车", "直玛", "拉木", "鲁汝")
MOSUO_MALE = ("次尔", "扎实", "多吉", "高土", "农布")
MOSUO_FEMALE = ("拉措", "直玛", "独玛", "卓玛", "拉姆")


def person_name(rng: random.Random, ethnicity: str, sex: str) -> str:
    if ethnicity == "藏族":
        return rng.choice(TIBETAN_FIRST) + rng.choice(TIBETAN_MALE if sex == "M" else TIBETAN_FEMALE)
    if ethnicity == "蒙古族":  # in 宁蒗 the Mosuo are registered as 蒙古族
        return rng.choice(MOSUO_FIRST) + rng.choice(MOSUO_MALE if sex == "M" else MOSUO_FEMALE)
    surname = rng.choice(SURNAMES.get(ethnicity, HAN_SURNAMES))
    chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
    if rng.random() < 0.22:
        return surname + rng.choice(chars)
    return surname + rng.choice(chars) + rng.choice(chars)


class IdNumbers:
    """Synthetic 公民身份号码 with a correct GB 11643 check digit, never the same number twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()

    def make(self, region: str, birth: dt.date, sex: str) -> str:
        for _ in range(1000):
            order = self.rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            body = f"{region}{birth:%Y%m%d}{order:03d}"
            key = int(body)
            if key not in self.used:
                self.used.add(key)
                return body + id_check_digit(body)
            birth += dt.timedelta(days=1)
        raise RuntimeError("could not find a free ID number")


def birth_region(rng: random.Random, county: County, birth: dt.date) -> str:
    """Where a person's ID number says they were registered; the 5332xx codes are the former 丽江地区."""
    r = rng.random()
    if r < 0.12:
        return rng.choice(OUTSIDE_REGIONS)
    if birth.year < 2003:  # 丽江地区 became 丽江市 at the end of 2002; earlier numbers keep their old code
        return county.old_code if r < 0.9 else county.code
    return county.code


# 学历 by GB/T 4658 (members/choices.py `Education`): 中专, 职业高中, 技校 and 高中 apart, 硕士/博士 apart.
# Older teachers came from 中师 and many nurses from 卫校 (both 中专); plants hire from 技校.
EDUCATION_BY_INDUSTRY: dict[str, tuple[tuple[str, int], ...]] = {
    "education": (
        ("vocational", 2),
        ("high_school", 1),
        ("college", 25),
        ("bachelor", 62),
        ("master", 9),
        ("doctorate", 1),
    ),
    "health": (
        ("vocational", 9),
        ("vocational_high", 1),
        ("high_school", 2),
        ("college", 38),
        ("bachelor", 42),
        ("master", 7),
        ("doctorate", 1),
    ),
    "public": (("vocational", 2), ("high_school", 3), ("college", 25), ("bachelor", 60), ("master", 10)),
    "hydropower": (
        ("technical", 10),
        ("vocational", 12),
        ("vocational_high", 3),
        ("high_school", 5),
        ("college", 40),
        ("bachelor", 27),
        ("master", 3),
    ),
}
EDUCATION_DEFAULT = (
    ("primary", 10),
    ("junior", 40),
    ("high_school", 13),
    ("vocational", 8),
    ("vocational_high", 4),
    ("technical", 5),
    ("college", 14),
    ("bachelor", 6),
)

# 政治面貌 by GB/T 4762 (`PoliticalStatus`): which 民主党派 a member belongs to follows its usual circles —
# 民进 and 民盟 among teachers, 农工党 among doctors, 民建 among business people, 九三 among engineers.
DEMOCRATIC_PARTIES_BY_INDUSTRY: dict[str, tuple[tuple[str, int], ...]] = {
    "education": (("capd", 35), ("cdl", 30), ("jiusan", 10), ("rcck", 10), ("cpwdp", 5), ("czgp", 5), ("cndca", 5)),
    "health": (("cpwdp", 40), ("jiusan", 15), ("cdl", 15), ("capd", 10), ("rcck", 10), ("czgp", 10)),
    "hydropower": (("jiusan", 35), ("cdl", 20), ("rcck", 15), ("cndca", 15), ("cpwdp", 10), ("czgp", 5)),
}
DEMOCRATIC_PARTIES_DEFAULT = (
    ("cndca", 25),
    ("rcck", 20),
    ("cdl", 15),
    ("jiusan", 10),
    ("czgp", 10),
    ("capd", 10),
    ("cpwdp", 8),
    ("tdsgl", 2),
)


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


@dataclass
class Person:
    name: str
    id_number: str
    sex: str
    birth: dt.date
    profile: dict[str, object]


def make_worker(rng: random.Random, ids: IdNumbers, plan: UnionPlan, today: dt.date) -> Person:
    county = plan.county
    sex = (
        "M"
        if rng.random() < (0.7 if plan.industry in ("mining", "construction", "hydropower", "logistics") else 0.47)
        else "F"
    )
    age = min(59, max(18, int(rng.triangular(18, 60, 36))))
    birth = dt.date(today.year - age, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
    ethnicity = _pick(rng, county.ethnic)
    name = person_name(rng, ethnicity, sex)
    id_number = ids.make(birth_region(rng, county, birth), birth, sex)
    _share, _size, migrant, new_emp = INDUSTRY_PROFILE[plan.industry]
    is_new = rng.random() < new_emp
    is_migrant = rng.random() < (migrant if not is_new else 0.7)
    education = _pick(rng, EDUCATION_BY_INDUSTRY.get(plan.industry, EDUCATION_DEFAULT))
    r = rng.random()
    party_share = 0.28 if plan.industry in ("education", "health", "public") else 0.08
    if r < party_share:
        political = "cpc"
    elif r < party_share + 0.01:
        political = "cpc_probationary"
    elif r < party_share + 0.015:
        political = _pick(rng, DEMOCRATIC_PARTIES_BY_INDUSTRY.get(plan.industry, DEMOCRATIC_PARTIES_DEFAULT))
    elif r < party_share + 0.017:
        political = "nonparty"
    elif age <= 28 and r < party_share + 0.3:
        political = "cyl"
    else:
        political = "masses"
    earliest = max(birth + dt.timedelta(days=18 * 365 + 5), dt.date(1990, 1, 1))
    span = (today - earliest).days
    joined = min(today, earliest + dt.timedelta(days=rng.randrange(0, max(1, span))))
    mobile = (
        rng.choice(("139", "138", "137", "187", "188", "158", "159", "150", "152", "182", "151", "183"))
        + f"{rng.randrange(0, 10**8):08d}"
    )
    profile: dict[str, object] = {
        "name": name,
        "mobile": mobile if rng.random() < 0.93 else "",
        "ethnicity": ethnicity,
        "education": education,
        "political_status": political,
        "employer": plan.name.removesuffix("工会"),
        "joined_on": joined,
        "is_migrant_worker": is_migrant,
        "is_new_employment": is_new,
    }
    return Person(name=name, id_number=id_number, sex=sex, birth=birth, profile=profile)


SCHOOLS_BY_LEVEL = {
    "primary": ("{c}{t}中心小学", "丽江市{t}小学"),
    "middle": ("{c}第一中学", "{c}民族中学", "丽江市第一高级中学", "{c}{t}中学"),
    "college": (
        "云南大学",
        "昆明理工大学",
        "云南师范大学",
        "丽江师范学院",
        "丽江文化旅游学院",
        "大理大学",
        "昆明医科大学",
    ),
}


@dataclass
class FamilyPlan:
    name: str
    relation: str
    id_number: str
    is_student: bool
    school: str


def make_family(rng: random.Random, ids: IdNumbers, head: Person, county: County, today: dt.date) -> list[FamilyPlan]:
    family: list[FamilyPlan] = []
    surname = head.name[0] if head.profile["ethnicity"] not in ("藏族", "蒙古族") else ""
    age = today.year - head.birth.year
    if rng.random() < 0.85:
        sex = "F" if head.sex == "M" else "M"
        birth = head.birth + dt.timedelta(days=rng.randrange(-1500, 1500))
        spouse_eth = head.profile["ethnicity"] if rng.random() < 0.7 else _pick(rng, county.ethnic)
        family.append(
            FamilyPlan(
                person_name(rng, str(spouse_eth), sex),
                "spouse",
                ids.make(birth_region(rng, county, birth), birth, sex),
                False,
                "",
            )
        )
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        child_age = rng.randrange(max(1, age - 40), max(2, age - 20))
        if child_age > 24 or child_age < 1:
            continue
        sex = rng.choice("MF")
        birth = dt.date(today.year - child_age, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
        if birth >= today:
            continue
        given = person_name(rng, "汉族", sex)[1:]
        name = (surname + given) if surname else person_name(rng, str(head.profile["ethnicity"]), sex)
        is_student = 6 <= child_age <= 22
        if not is_student:
            school = ""
        elif child_age <= 12:
            school = rng.choice(SCHOOLS_BY_LEVEL["primary"]).format(c=county.short, t=rng.choice(county.towns))
        elif child_age <= 18:
            school = rng.choice(SCHOOLS_BY_LEVEL["middle"]).format(c=county.short, t=rng.choice(county.towns))
        else:
            school = rng.choice(SCHOOLS_BY_LEVEL["college"])
        family.append(FamilyPlan(name, "child", ids.make(county.code, birth, sex), is_student, school))
    if rng.random() < 0.15 and age < 50:
        sex = rng.choice("MF")
        birth = dt.date(head.birth.year - rng.randrange(22, 32), 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
        family.append(
            FamilyPlan(
                (surname + person_name(rng, "汉族", sex)[1:])
                if surname and sex == "M"
                else person_name(rng, str(head.profile["ethnicity"]), sex),
                "parent",
                ids.make(county.old_code, birth, sex),
                False,
                "",
            )
        )
    return family
