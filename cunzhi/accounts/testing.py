"""Accounts' records for the tests that sweep every URL (``core.testing.record_factory``)."""

from __future__ import annotations

from cunzhi.accounts.models import ApiToken, Post, User
from cunzhi.accounts.services import api_token_create
from cunzhi.core.testing import County, ThreePeople, record_factory


@record_factory("accounts.user")
def a_user(county: County, people: ThreePeople) -> User:
    return people.in_scope


@record_factory("accounts.post")
def a_post(county: County, people: ThreePeople) -> Post:
    return Post.objects.get(user=people.in_scope)


@record_factory("accounts.apitoken")
def a_token(county: County, people: ThreePeople) -> ApiToken:
    return api_token_create(actor=people.in_scope, name="office phone")[0]
