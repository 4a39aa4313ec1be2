"""Building openness test data through the services, and the records the URL sweeps need."""

from __future__ import annotations

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.openness.models import Notice, NoticeCategory, Objection
from cunzhi.openness.services import notice_publish, objection_raise, sender_of

LIST_BODY = "拟享受2026年度低保：\n杨德福 身份证号 530102196805120015 电话 13812345678\n李春兰"


def publish_list(county: County, *, title: str = "2026年低保拟保对象公示") -> Notice:
    return notice_publish(
        actor=county.admin,
        village=county.village,
        category=NoticeCategory.BENEFITS,
        title=title,
        body=LIST_BODY,
        publicity=True,
    )


@record_factory("openness.notice")
def a_notice(county: County, people: ThreePeople) -> Notice:
    return publish_list(county)


@record_factory("openness.objection")
def an_objection(county: County, people: ThreePeople) -> Objection:
    return objection_raise(
        notice=publish_list(county), phone="13987654321", text="名单有误", sender=sender_of("x")
    )
