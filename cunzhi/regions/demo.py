"""The demo county's regions and what a resident cadre would know of each village (seed 003).

青山县 is made up (its code, 530199, is not a real county's); the townships, villages and numbers
are invented but shaped like a county near Kunming: a valley township round the county seat, a
hilly one, and a mountain township where Yi families live. Everything is written through
``cunzhi.regions.services`` and drawn from the context's seeded random, so each run is the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from cunzhi.regions.models import ContactLevel, FacilityKind, Region
from cunzhi.regions.services import (
    clan_create,
    contact_create,
    facility_create,
    regions_import,
    village_profile_update,
)

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PROVINCE = ("530000000000", "云南省", "yunnan")
CITY = ("530100000000", "昆明市", "kunming")
COUNTY = ("530199000000", "青山县", "qingshan")


@dataclass(frozen=True)
class VillageSpec:
    name: str
    key: str  # ASCII, for usernames: first_secretary_shiban
    terrain: str  # a key of GEOGRAPHY
    industries: tuple[str, ...]  # keys of INDUSTRIES, the main one first
    yi: bool = False  # a Yi (彝族) village: other surnames, other customs


@dataclass(frozen=True)
class TownshipSpec:
    code: str
    name: str
    key: str
    centre: tuple[float, float]  # latitude, longitude of the township seat
    villages: tuple[VillageSpec, ...]


TOWNSHIPS = (
    TownshipSpec(
        "530199100000",
        "青龙镇",
        "qinglong",
        (25.18, 102.46),
        (
            VillageSpec("石板村", "shiban", "hill", ("tobacco", "walnut")),
            VillageSpec("柳溪村", "liuxi", "riverside", ("vegetables", "rice_fish")),
            VillageSpec("龙潭村", "longtan", "valley", ("rice_fish", "tourism")),
            VillageSpec("杨柳村", "yangliu", "valley", ("pigs", "vegetables")),
            VillageSpec("新街村", "xinjie", "valley", ("trade", "migrant_work")),
            VillageSpec("大箐村", "daqing", "mountain", ("herbs", "mushrooms")),
        ),
    ),
    TownshipSpec(
        "530199101000",
        "白马镇",
        "baima",
        (25.27, 102.58),
        (
            VillageSpec("大坪村", "daping", "hill", ("tobacco", "potatoes")),
            VillageSpec("白泥村", "baini", "hill", ("cattle", "pigs")),
            VillageSpec("核桃箐村", "hetaoqing", "mountain", ("walnut", "pepper")),
            VillageSpec("马鞍山村", "maanshan", "mountain", ("tea", "herbs")),
            VillageSpec("三家村", "sanjia", "valley", ("flowers", "vegetables")),
            VillageSpec("小河村", "xiaohe", "riverside", ("fruit", "rice_fish")),
        ),
    ),
    TownshipSpec(
        "530199200000",
        "松林乡",
        "songlin",
        (25.12, 102.61),
        (
            VillageSpec("松坪村", "songping", "mountain", ("mushrooms", "forestry")),
            VillageSpec("茶山村", "chashan", "mountain", ("tea", "bees")),
            VillageSpec("岔河村", "chahe", "riverside", ("tobacco", "cattle")),
            VillageSpec("落水洞村", "luoshuidong", "karst", ("pigs", "migrant_work")),
            VillageSpec("阿拉村", "ala", "mountain", ("buckwheat", "goats"), yi=True),
            VillageSpec("木杉村", "mushan", "mountain", ("walnut", "goats"), yi=True),
        ),
    ),
)

# Natural villages (自然村) that give villager groups their names.
HAMLETS = _words(
    "大村 小村 上寨 下寨 中村 新村 老街 河边 箐门口 岩脚 "
    "坝子 凹子 田心 松树坡 大麦地 小水井 营盘 旧屋基 山神庙 路口"
)
SURNAMES = tuple("李张王杨赵刘陈段周孙马罗何高")
YI_SURNAMES = tuple("普李罗毕者龙鲁施")
GIVEN_NAMES = _words(
    "建国 志刚 国华 明亮 德福 永昌 正华 文斌 春兰 丽萍 秀英 桂芬 海燕 晓东 云芳 "
    "跃进 家兴 自强 金凤 玉梅 发贵 有才 红梅 宏伟 学文 绍云 朝阳 丽华 开明 建平"
)

GEOGRAPHY = {
    "valley": (
        "村委会驻地{seat_hamlet}，地处{township}坝区，距{seat}约{distance}公里，平均海拔{altitude}米。"
        "地势平坦，土壤肥沃，灌溉渠网覆盖大部分耕地，通村公路为水泥硬化路。"
    ),
    "hill": (
        "地处{township}半山区，距{seat}约{distance}公里，平均海拔{altitude}米。"
        "山地与缓坡台地相间，耕地多为坡耕地，雨季偶有滑坡，需注意地质灾害隐患点。"
    ),
    "mountain": (
        "地处{township}高寒山区，距{seat}约{distance}公里，平均海拔{altitude}米，"
        "森林覆盖率较高。村民小组居住分散，部分组之间仅有机耕路相通，冬季偶有凝冻。"
    ),
    "riverside": (
        "地处河谷地带，{river}穿村而过，距{seat}约{distance}公里，平均海拔{altitude}米。"
        "沿河为水田，两岸为旱地，汛期需防范山洪，河堤有两处险段。"
    ),
    "karst": (
        "地处喀斯特岩溶山区，距{seat}约{distance}公里，平均海拔{altitude}米。"
        "石多土少，地表水缺乏，村民饮水靠小水窖和集中供水工程，落水洞一带雨季易积涝。"
    ),
}
ALTITUDE = {
    "valley": (1850, 1980),
    "hill": (1950, 2150),
    "mountain": (2150, 2600),
    "riverside": (1750, 1900),
    "karst": (2000, 2300),
}
RIVERS = ("清水河", "白马河", "松林河", "小江支流", "龙潭河")


@dataclass(frozen=True)
class Industry:
    name: str
    sentence: str  # {amount} in the measure below, {count} a small count (barns, farms, staff)
    cooperative: str  # what the village's cooperative is named after
    measure: str = "land"  # "land": mu of arable land; "stock": animals; "away": migrant workers
    stock: tuple[int, int] = (0, 0)  # for "stock": the usual range


INDUSTRIES = {
    "tobacco": Industry(
        "烤烟", "烤烟种植{amount}亩，由县烟草公司订单收购，建有烤房{count}座", "烤烟"
    ),
    "walnut": Industry("核桃", "核桃种植{amount}亩，多为2010年前后栽种，已进入盛果期", "核桃"),
    "vegetables": Industry("蔬菜", "种植反季蔬菜{amount}亩，供应昆明市场，有冷库{count}座", "蔬菜"),
    "rice_fish": Industry("稻田养鱼", "推广稻田养鱼{amount}亩，稻谷与鲜鱼由合作社统一销售", "稻渔"),
    "tourism": Industry(
        "乡村旅游", "依托龙潭水库发展农家乐{count}家，周末接待昆明游客", "乡村旅游"
    ),
    "pigs": Industry(
        "生猪养殖",
        "生猪年出栏约{amount}头，有规模养殖场{count}个",
        "生猪养殖",
        "stock",
        (600, 4000),
    ),
    "trade": Industry("商贸服务", "紧邻集镇，有个体商户{count}0余户，逢街天赶集", "农产品购销"),
    "migrant_work": Industry(
        "劳务输出", "常年外出务工约{amount}人，主要在昆明、浙江和广东", "劳务服务", "away"
    ),
    "herbs": Industry("中药材", "种植重楼、滇黄精等中药材{amount}亩", "中药材种植"),
    "mushrooms": Industry("林下菌", "雨季采集松茸、牛肝菌等野生菌，林下菌种植{amount}亩", "野生菌"),
    "potatoes": Industry("马铃薯", "种植马铃薯{amount}亩，部分用于种薯繁育", "马铃薯"),
    "cattle": Industry(
        "肉牛养殖", "肉牛存栏约{amount}头，发展“牛托管”代养", "肉牛养殖", "stock", (150, 900)
    ),
    "pepper": Industry("花椒", "种植青花椒{amount}亩", "花椒"),
    "tea": Industry("茶叶", "有生态茶园{amount}亩，建有茶叶初制所{count}座", "茶叶"),
    "flowers": Industry("鲜切花", "种植鲜切花{amount}亩，经斗南花卉市场销售", "花卉"),
    "fruit": Industry("特色水果", "种植软籽石榴和蓝莓{amount}亩", "水果"),
    "forestry": Industry("林业", "集体林地面积较大，聘有生态护林员{count}名", "林产品"),
    "bees": Industry("中蜂养殖", "养殖中华蜜蜂约{amount}箱", "中蜂养殖", "stock", (200, 900)),
    "buckwheat": Industry("苦荞", "种植苦荞{amount}亩，加工苦荞茶", "苦荞"),
    "goats": Industry("黑山羊", "黑山羊存栏约{amount}只", "黑山羊养殖", "stock", (300, 1600)),
}

ORIGINS = (
    "据族谱记载，先民于明代洪武年间随军屯田迁入，世代在此定居。",
    "村名源于村口的{landmark}，清代中期已成村落，老辈人仍能讲出建村的故事。",
    "清代康熙年间由邻县迁入的几户人家开荒建村，逐步发展为今天的规模。",
)
YI_ORIGINS = (
    "彝族村寨，祖先世居于此，保留火把节、跳乐等传统习俗，老人多能讲彝语。",
    "彝族聚居村，村中有祭祀密枝林的传统，火把节是一年中最隆重的节日。",
)
EVENTS = (
    "1935年红军长征途经本地，村中老人至今传讲为红军带路的往事。",
    "1950年代修建的小型水库至今仍灌溉着村里的大部分水田。",
    "1980年代初实行家庭联产承包责任制，村民温饱问题逐步解决。",
    "2008年建成通村公路，结束了人背马驮运送农资的历史。",
)
RECENT = (
    "2020年全村建档立卡户全部脱贫，现为巩固拓展脱贫攻坚成果阶段。",
    "2019年退出贫困村序列，近年重点发展{industry}产业，村集体经济逐年增长。",
    "2021年村“两委”换届后，新班子把人居环境整治和{industry}提质作为重点。",
)
LANDMARKS = ("古树", "老龙潭", "石拱桥", "土主庙", "古戏台")

# Facilities besides the office and the clinic every village has: (kind, names to choose from).
OPTIONAL_FACILITIES = (
    (FacilityKind.SCHOOL, ("{short}小学", "{short}幼儿园", "{short}教学点")),
    (FacilityKind.SHOP, ("{short}便民超市", "{hamlet}小卖部", "{short}农资店")),
    (FacilityKind.ROAD, ("{short}至{township}通村公路", "{hamlet}组间道路", "{short}产业路")),
    (FacilityKind.WATER_SOURCE, ("{hamlet}水源点", "{short}集中供水池", "{hamlet}小水窖群")),
    (FacilityKind.FIRE_FACILITY, ("{short}微型消防站", "{hamlet}消防取水点")),
    (FacilityKind.LANDMARK, ("{hamlet}古树", "{short}土主庙", "{hamlet}石拱桥")),
    (FacilityKind.CULTURAL_VENUE, ("{short}农家书屋", "{short}文化活动室")),
    (FacilityKind.SQUARE, ("{short}文化广场", "{hamlet}活动场")),
    (FacilityKind.ELDERLY_CARE, ("{short}老年活动中心", "{short}互助幸福院")),
    (FacilityKind.OTHER, ("{hamlet}垃圾收集点", "{short}公共厕所", "{short}农产品冷库")),
)

# The county bureaus a resident cadre deals with: (organisation, position, notes).
COUNTY_CONTACTS = (
    ("青山县农业农村局", "乡村振兴股股长", "产业项目申报、防返贫监测"),
    ("青山县民政局", "社会救助股干部", "低保、特困、临时救助审核"),
    ("青山县人力资源和社会保障局", "就业服务中心主任", "外出务工、技能培训"),
    ("中共青山县委组织部", "组织二股股长", "驻村工作队管理"),
    ("青山县交通运输局", "农村公路股干部", "通村公路建设与养护"),
    ("青山县水务局", "农村供水股股长", "饮水安全"),
)
ENTERPRISE_CONTACTS = (
    ("青山县农村信用合作联社", "信贷员", "小额信贷、脱贫人口贷款"),
    ("青山县烟草公司", "烟叶站技术员", "烤烟种植合同与收购"),
    ("青山县供电局", "供电所所长", "农网改造"),
)
PHONE_PREFIXES = ("1387", "1398", "1590", "1878")


def is_empty() -> bool:
    return not Region.objects.exists()


def seed(ctx: DemoContext) -> None:
    """The region tree from province to villager group, then every village's profile."""
    rng = ctx.rng
    rows = [PROVINCE[:2], CITY[:2], COUNTY[:2]]
    groups: dict[str, list[str]] = {}
    for township in TOWNSHIPS:
        rows.append((township.code, township.name))
        for index, spec in enumerate(township.villages, start=201):
            code = f"{township.code[:9]}{index}"
            rows.append((code, spec.name))
            groups[code] = rng.sample(HAMLETS, rng.randint(4, 8))
            for number, hamlet in enumerate(groups[code], start=1):
                rows.append((f"{code}{number:03d}", f"{hamlet}村民小组"))
    regions_import(
        actor=ctx.admin, rows=[(line, code, name) for line, (code, name) in enumerate(rows, 1)]
    )
    by_code = {region.code: region for region in Region.objects.in_region(PROVINCE[0][:2])}
    for code, _name, key in (PROVINCE, CITY, COUNTY):
        _remember(ctx, key, by_code[code])

    people = _People(rng)
    for township in TOWNSHIPS:
        _remember(ctx, township.key, by_code[township.code])
        for index, spec in enumerate(township.villages, start=201):
            village = by_code[f"{township.code[:9]}{index}"]
            _remember(ctx, spec.key, village)
            _seed_village(ctx, township, spec, village, groups[village.code], people)


def _remember(ctx: DemoContext, key: str, region: Region) -> None:
    # Other apps' seeders find regions by these keys; one key for two regions would mislead them.
    if key in ctx.regions:
        raise ValueError(f"two demo regions share the key {key!r}")
    ctx.regions[key] = region


class _People:
    """Names and phone numbers, and the officials every village of a township shares."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.county = [(*contact, self.name(), self.phone()) for contact in COUNTY_CONTACTS]
        self.townships: dict[str, list[tuple[str, str, str, str, str]]] = {}

    def name(self, surnames: tuple[str, ...] = SURNAMES) -> str:
        return self.rng.choice(surnames) + self.rng.choice(GIVEN_NAMES)

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def township_officials(self, township: TownshipSpec) -> list[tuple[str, str, str, str, str]]:
        """(organisation, position, notes, name, phone) of the township's officials."""
        if township.code not in self.townships:
            government = f"{township.name}人民政府"
            head = "乡长" if township.name.endswith("乡") else "镇长"
            self.townships[township.code] = [
                (f"中共{township.name}委员会", "党委书记", "", self.name(), self.phone()),
                (government, head, "", self.name(), self.phone()),
                (government, "党委委员、包村领导", "联系本村，每周到村", self.name(), self.phone()),
                (f"{township.name}农业农村服务中心", "主任", "", self.name(), self.phone()),
                (
                    f"{township.name}社会事务办公室",
                    "民政专干",
                    "救助申请初审",
                    self.name(),
                    self.phone(),
                ),
                (
                    f"{township.name}综治中心",
                    "专职副主任",
                    "矛盾纠纷调处",
                    self.name(),
                    self.phone(),
                ),
            ]
        return self.townships[township.code]


def _seed_village(
    ctx: DemoContext,
    township: TownshipSpec,
    spec: VillageSpec,
    village: Region,
    hamlets: list[str],
    people: _People,
) -> None:
    rng, actor = ctx.rng, ctx.admin
    main_industry = INDUSTRIES[spec.industries[0]].name
    population = rng.randint(800, 3500)
    households = round(population / rng.uniform(3.1, 3.5))
    away = (
        rng.uniform(0.18, 0.38) if spec.terrain in {"mountain", "karst"} else rng.uniform(0.1, 0.25)
    )
    resident = round(population * (1 - away))
    area = rng.uniform(18, 48) if spec.terrain in {"mountain", "karst"} else rng.uniform(6, 22)
    arable_mu = population * rng.uniform(1.1, 2.6)

    low, high = ALTITUDE[spec.terrain]
    geography = (
        GEOGRAPHY[spec.terrain].format(
            seat_hamlet=hamlets[0],
            township=township.name,
            seat="乡政府" if township.name.endswith("乡") else "镇政府",
            distance=rng.randint(3, 26),
            altitude=rng.randrange(low, high, 10),
            river=rng.choice(RIVERS),
        )
        + f"全村辖{len(hamlets)}个村民小组。"
    )
    economy_parts = []
    land_left = arable_mu * rng.uniform(0.45, 0.7)  # what the two industries may take together
    for key in spec.industries:
        industry = INDUSTRIES[key]
        if industry.measure == "stock":
            amount = rng.randrange(*industry.stock, 10)
        elif industry.measure == "away":
            amount = population - resident
        else:
            amount = int(round(land_left * rng.uniform(0.4, 0.7), -1))
            land_left -= amount
        economy_parts.append(industry.sentence.format(amount=amount, count=rng.randint(2, 12)))
    economy = (
        f"主导产业为{main_industry}。" + "；".join(economy_parts) + "。"
        f"2024年农村常住居民人均可支配收入约{rng.randrange(12000, 19000, 100)}元，"
        f"村集体经济收入{rng.randint(6, 45)}万元，主要来自资产出租和合作社分红。"
    )
    origin = rng.choice(YI_ORIGINS if spec.yi else ORIGINS).format(landmark=rng.choice(LANDMARKS))
    history = origin + "".join(
        sentence.format(industry=main_industry)
        for sentence in (rng.choice(EVENTS), rng.choice(RECENT))
    )
    village_profile_update(
        actor=actor,
        village=village,
        population=population,
        resident_population=resident,
        households=households,
        area_km2=Decimal(f"{area:.2f}"),
        arable_land_mu=Decimal(f"{arable_mu:.1f}"),
        geography=geography,
        economy=economy,
        history=history,
        notes=f"外出务工约{population - resident}人，留守老人和儿童较多，走访时需重点关注。",
    )

    _seed_clans(ctx, village, spec, households)
    _seed_facilities(ctx, township, village, hamlets)
    _seed_contacts(ctx, township, spec, village, people)


def _seed_clans(ctx: DemoContext, village: Region, spec: VillageSpec, households: int) -> None:
    """3–6 surnames sharing at most the whole village; the rest are scattered surnames (杂姓)."""
    rng = ctx.rng
    surnames = rng.sample(YI_SURNAMES if spec.yi else SURNAMES, rng.randint(3, 6))
    weights = sorted((rng.uniform(1, 10) for _ in surnames), reverse=True)
    covered = rng.uniform(62, 95)  # the share of households the listed clans hold together
    for position, (surname, weight) in enumerate(zip(surnames, weights, strict=True)):
        share = Decimal(covered * weight / sum(weights)).quantize(Decimal("0.1"), ROUND_DOWN)
        notes = ""
        if position == 0 and spec.yi:
            notes = "村中最大的家支，家支头人在村里说话有分量"
        elif position == 0:
            notes = "村中大姓，建有宗祠，族中老人在村里说话有分量"
        elif position == 1 and rng.random() < 0.5:
            notes = "与大姓世代通婚，多居住在村子下片"
        clan_create(
            actor=ctx.admin,
            village=village,
            surname=surname,
            households=round(households * share / 100),
            share_percent=share,
            notes=notes,
        )


def _seed_facilities(
    ctx: DemoContext, township: TownshipSpec, village: Region, hamlets: list[str]
) -> None:
    rng = ctx.rng
    short = village.name.removesuffix("村")
    latitude = township.centre[0] + rng.uniform(-0.06, 0.06)
    longitude = township.centre[1] + rng.uniform(-0.06, 0.06)
    chosen = [
        (FacilityKind.OFFICE, f"{short}村党群服务中心", "村委会办公、便民服务站"),
        (FacilityKind.CLINIC, f"{short}村卫生室", "乡村医生坐诊，签约家庭医生服务"),
    ]
    for kind, names in rng.sample(OPTIONAL_FACILITIES, rng.randint(2, 8)):
        name = rng.choice(names).format(
            short=short, hamlet=rng.choice(hamlets), township=township.name
        )
        chosen.append((kind, name, ""))
    for kind, name, notes in chosen:
        facility_create(
            actor=ctx.admin,
            village=village,
            kind=kind,
            name=name,
            latitude=Decimal(f"{latitude + rng.uniform(-0.008, 0.008):.6f}"),
            longitude=Decimal(f"{longitude + rng.uniform(-0.008, 0.008):.6f}"),
            notes=notes,
        )


def _seed_contacts(
    ctx: DemoContext, township: TownshipSpec, spec: VillageSpec, village: Region, people: _People
) -> None:
    """The directory seed 003 tells a new first secretary to build: who is in charge of what."""
    rng = ctx.rng
    short = spec.name.removesuffix("村")
    surnames = YI_SURNAMES if spec.yi else SURNAMES
    cooperative = INDUSTRIES[spec.industries[0]].cooperative
    officials = people.township_officials(township)
    # Always: the township's contact leader, a county bureau, the doctor, the teacher, the
    # cooperative; then a few more of what a cadre collects in the first months.
    liaison = officials[2]
    bureau = rng.choice(people.county)
    entries = [
        (*liaison, ContactLevel.TOWNSHIP),
        (*bureau, ContactLevel.COUNTY),
        (
            f"{short}村卫生室",
            "乡村医生",
            "慢病随访、家庭医生签约",
            people.name(surnames),
            people.phone(),
            ContactLevel.VILLAGE,
        ),
        (
            f"{short}小学",
            "校长",
            "控辍保学、留守儿童",
            people.name(),
            people.phone(),
            ContactLevel.VILLAGE,
        ),
        (
            f"{short}{cooperative}专业合作社",
            "理事长",
            "致富带头人",
            people.name(surnames),
            people.phone(),
            ContactLevel.VILLAGE,
        ),
    ]
    extras = [
        *((*official, ContactLevel.TOWNSHIP) for official in officials if official != liaison),
        *((*contact, ContactLevel.COUNTY) for contact in people.county if contact != bureau),
        *(
            (*contact, people.name(), people.phone(), ContactLevel.ENTERPRISE)
            for contact in ENTERPRISE_CONTACTS
        ),
        (
            f"{short}村",
            "退休老支书",
            "熟悉村史和各家情况",
            people.name(surnames),
            people.phone(),
            ContactLevel.VILLAGE,
        ),
    ]
    entries.extend(rng.sample(extras, rng.randint(1, 7)))
    for organisation, position, notes, name, phone, level in entries:
        contact_create(
            actor=ctx.admin,
            region=village,
            name=name,
            organisation=organisation,
            position=position,
            level=level,
            phone=phone,
            notes=notes,
        )
