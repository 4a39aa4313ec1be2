"""The 403, 404, 500 and refused-form pages: in the layout and in Chinese, not Django's English."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from cunzhi.accounts.testing import County, ThreePeople

pytestmark = pytest.mark.django_db


def test_a_page_of_another_village_is_a_chinese_404_in_the_layout(
    county: County, people: ThreePeople
) -> None:
    client = Client(headers={"accept-language": "zh-CN"})
    client.force_login(people.in_scope)
    response = client.get(reverse("regions:profile", args=[county.neighbour.code]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>找不到这个页面 · 村治</title>" in page
    assert "返回首页" in page and 'class="menu"' in page
    assert "Not Found" not in page


def test_a_change_the_post_may_not_make_is_a_chinese_403(
    county: County, people: ThreePeople
) -> None:
    client = Client(headers={"accept-language": "zh-CN"})
    client.force_login(people.read_only)
    response = client.post(
        reverse("regions:profile_edit", args=[county.village.code]), {"population": 5}
    )
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


def test_a_form_sent_without_its_csrf_token_is_refused_in_chinese(people: ThreePeople) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "zh-CN"})
    client.force_login(people.in_scope)
    response = client.post(reverse("accounts:tokens"), {"name": "手机"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已失效" in page and "没有保存任何内容" in page
    assert "CSRF verification failed" not in page


def test_the_500_page_renders_without_a_request_context() -> None:
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>出错了 · 村治</title>" in page and "错误已记录" in page
