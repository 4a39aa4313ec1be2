"""The demo county's people: one or two of every role, so each screen can be tried as each person.

Every role held at a township or village has two holders in different places, so a demo can
show one of them a record and the other a 404. Two villages have a full team (石板村 in 青龙镇,
大坪村 in 白马镇), each with a first secretary and a work-team member sent by a different unit;
柳溪村, next to 石板村, has only its secretary, to show that a neighbour is out of scope.
All writes go through ``cunzhi.accounts.services``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from cunzhi.accounts.models import DISPATCHED_ROLES, Post, Role, SendingUnit, User
from cunzhi.accounts.services import sending_unit_create, system_admin_create, user_create
from cunzhi.core.demo import ADMIN_ROLE, ADMIN_USERNAME, DEMO_PASSWORD, Login

if TYPE_CHECKING:
    from cunzhi.core.demo import DemoContext
    from cunzhi.regions.models import Region


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    where: str  # a region key of the context (see regions.demo), or a SENDING_UNITS key
    unit: str = ""  # for a first secretary or work-team member: the SENDING_UNITS key


# key: (name, the region key where the unit sits)
SENDING_UNITS = {
    "jiaotong": ("云南省交通运输厅", "yunnan"),
    "nongye": ("青山县农业农村局", "qingshan"),
}

DEMO_USERS = (
    DemoUser("county_admin", "赵建国", Role.COUNTY_ADMIN, "qingshan"),
    DemoUser("county_org_dept", "周丽华", Role.COUNTY_ORG_DEPT, "qingshan"),
    DemoUser("county_civil_affairs", "孙文斌", Role.COUNTY_CIVIL_AFFAIRS, "qingshan"),
    DemoUser("county_rural_bureau", "钱志明", Role.COUNTY_RURAL_BUREAU, "qingshan"),
    DemoUser("township_leader_qinglong", "李明华", Role.TOWNSHIP_LEADER, "qinglong"),
    DemoUser("township_leader_baima", "杨正雄", Role.TOWNSHIP_LEADER, "baima"),
    DemoUser("township_staff_qinglong", "王晓燕", Role.TOWNSHIP_STAFF, "qinglong"),
    DemoUser("township_staff_songlin", "普云芳", Role.TOWNSHIP_STAFF, "songlin"),
    DemoUser("first_secretary_shiban", "陈志远", Role.FIRST_SECRETARY, "shiban", "jiaotong"),
    DemoUser("work_team_shiban", "刘洋", Role.WORK_TEAM_MEMBER, "shiban", "jiaotong"),
    DemoUser("first_secretary_daping", "张伟", Role.FIRST_SECRETARY, "daping", "nongye"),
    DemoUser("work_team_daping", "段丽萍", Role.WORK_TEAM_MEMBER, "daping", "nongye"),
    DemoUser("village_secretary_shiban", "李国华", Role.VILLAGE_PARTY_SECRETARY, "shiban"),
    DemoUser("village_secretary_liuxi", "杨德福", Role.VILLAGE_PARTY_SECRETARY, "liuxi"),
    DemoUser("village_secretary_daping", "赵永昌", Role.VILLAGE_PARTY_SECRETARY, "daping"),
    DemoUser("village_committee_shiban", "李春兰", Role.VILLAGE_COMMITTEE_MEMBER, "shiban"),
    DemoUser("village_committee_daping", "罗建平", Role.VILLAGE_COMMITTEE_MEMBER, "daping"),
    DemoUser("supervisor_shiban", "王德顺", Role.SUPERVISION_MEMBER, "shiban"),
    DemoUser("supervisor_daping", "字正华", Role.SUPERVISION_MEMBER, "daping"),
    DemoUser("unit_contact_jiaotong", "何静", Role.SENDING_UNIT_CONTACT, "jiaotong"),
    DemoUser("unit_contact_nongye", "马晓东", Role.SENDING_UNIT_CONTACT, "nongye"),
)

# When each kind of post began: the village "two committees" were elected in the 2021 round,
# the current batch of resident cadres was sent in mid-2024.
VILLAGE_TERM_START = datetime.date(2021, 3, 1)
DISPATCH_START = datetime.date(2024, 7, 1)
OFFICE_START = datetime.date(2023, 1, 1)
VILLAGE_ROLES = {
    Role.VILLAGE_PARTY_SECRETARY,
    Role.VILLAGE_COMMITTEE_MEMBER,
    Role.SUPERVISION_MEMBER,
}


def seed_admin() -> User:
    """The system administrator, who creates everything else in the demo."""
    return system_admin_create(
        username=ADMIN_USERNAME, password=DEMO_PASSWORD, full_name="系统管理员"
    )


def setup(ctx: DemoContext) -> None:
    """Before any app seeds: the administrator every seeder acts as."""
    ctx.admin = seed_admin()


def is_empty() -> bool:
    return not User.objects.exists()


def seed(ctx: DemoContext) -> None:
    """The sending units, then every demo user with their post, adding each to ctx.logins."""
    ctx.logins.append(_admin_login())
    units: dict[str, SendingUnit] = {
        key: sending_unit_create(actor=ctx.admin, name=name, region=ctx.regions[region_key])
        for key, (name, region_key) in SENDING_UNITS.items()
    }
    for person in DEMO_USERS:
        region: Region | None
        unit: SendingUnit | None
        if person.role == Role.SENDING_UNIT_CONTACT:
            region, unit, starts_on = None, units[person.where], DISPATCH_START
        else:
            region, unit = ctx.regions[person.where], units.get(person.unit)
            starts_on = _start_of(person.role)
        user = user_create(
            actor=ctx.admin,
            username=person.username,
            password=DEMO_PASSWORD,
            full_name=person.full_name,
            role=person.role,
            region=region,
            sending_unit=unit,
            phone="1387" + f"{ctx.rng.randrange(10**7):07d}",
            starts_on=starts_on,
        )
        first_post = user.posts.select_related("region", "sending_unit").get()
        ctx.logins.append(_login(user.username, first_post))


def existing_logins() -> list[Login]:
    """The logins of the demo users present in the database, in DEMO_USERS order."""
    logins = []
    if User.objects.filter(username=ADMIN_USERNAME, is_superuser=True).exists():
        logins.append(_admin_login())
    first_posts: dict[str, Post] = {}
    posts = Post.objects.filter(user__username__in=[u.username for u in DEMO_USERS])
    for post in posts.select_related("user", "region", "sending_unit").order_by("starts_on", "pk"):
        first_posts.setdefault(post.user.username, post)
    logins.extend(
        _login(person.username, first_posts[person.username])
        for person in DEMO_USERS
        if person.username in first_posts
    )
    return logins


def _start_of(role: str) -> datetime.date:
    if role in VILLAGE_ROLES:
        return VILLAGE_TERM_START
    if role in DISPATCHED_ROLES:
        return DISPATCH_START
    return OFFICE_START


def _admin_login() -> Login:
    return Login(ADMIN_USERNAME, DEMO_PASSWORD, ADMIN_ROLE, "", "", gettext("System administrator"))


def _login(username: str, post: Post) -> Login:
    if post.role == Role.SENDING_UNIT_CONTACT and post.sending_unit is not None:
        where = post.sending_unit.name
    else:
        where = post.region.name
    return Login(
        username, DEMO_PASSWORD, post.role, post.region_code, where, str(Role(post.role).label)
    )
