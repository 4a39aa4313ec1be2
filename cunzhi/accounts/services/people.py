"""Writes to users, posts and sending units (DESIGN rule 3)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.accounts.models import DISPATCHED_ROLES, ROLE_LEVEL, Post, Role, SendingUnit, User
from cunzhi.accounts.scopes import forget_scopes
from cunzhi.audit import services as audit
from cunzhi.core.regioncodes import Level
from cunzhi.core.writes import require_permission, update_audited
from cunzhi.regions.models import Region


def _check_post(role: str, region: Region, sending_unit: SendingUnit | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    level = ROLE_LEVEL[role]
    if level is None:  # a sending-unit contact: held at the unit, wherever it is
        if sending_unit is None:
            raise ValidationError({"sending_unit": _("A sending-unit contact needs a unit.")})
    elif region.level != level:
        raise ValidationError(
            {
                "region": _("This role is held at a %(level)s, not at a %(actual)s.")
                % {"level": Level(level).label, "actual": Level(region.level).label}
            }
        )


def post_assign(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Region | None = None,
    sending_unit: SendingUnit | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    title: str = "",
) -> Post:
    """Give ``user`` a post. The actor must manage posts over the post's region."""
    if role == Role.SENDING_UNIT_CONTACT and sending_unit is not None:
        region = sending_unit.region
    if region is None:
        raise ValidationError({"region": _("A post needs a region.")})
    _check_post(role, region, sending_unit)
    with transaction.atomic():
        require_permission(actor, "accounts.add_post", region.code)
        # A county administrator may give posts to users of the county, or to new users.
        if user.posts.exists() and not User.objects.for_user(actor).filter(pk=user.pk).exists():
            raise PermissionDenied(_("This user belongs to another region."))
        post = _post_create(
            actor=actor, user=user, role=role, region=region, sending_unit=sending_unit,
            starts_on=starts_on or timezone.localdate(), ends_on=ends_on, title=title,
            action="accounts.post_assign",
        )  # fmt: skip
    forget_scopes(user)
    return post


def _post_create(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Region,
    sending_unit: SendingUnit | None,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    title: str,
    action: str,
    data: dict[str, Any] | None = None,
) -> Post:
    post = Post(
        user=user,
        role=role,
        region=region,
        sending_unit=sending_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        title=title,
    )
    post.full_clean()
    post.save()
    audit.record(
        actor=actor,
        action=action,
        obj=post,
        data={
            "user": user.username,
            "role": role,
            "region": region.code,
            "sending_unit": sending_unit.name if sending_unit else None,
            "starts_on": post.starts_on,
            "ends_on": ends_on,
            **(data or {}),
        },
    )
    return post


def _dispatched_posts(user: User, role: str, village: Region, sending_unit: SendingUnit) -> Any:
    return Post.objects.filter(
        user=user, role=role, region_code=village.code, sending_unit=sending_unit
    )


def dispatched_post_assign(
    *,
    actor: Any,
    user: User,
    role: str,
    village: Region,
    sending_unit: SendingUnit,
    starts_on: datetime.date,
    permission: str,
) -> Post:
    """The post of a cadre a sending unit dispatches to ``village`` (驻村), from ``starts_on``.

    Given by the dispatch, on the authority of whoever may dispatch (``permission`` over the
    village, the dispatch's own), not of whoever manages people: the county organisation
    department dispatches, the county administrator keeps the posts. Only the dispatched roles
    (first secretary, work-team member). A post the user already holds for the same role,
    village and unit on ``starts_on`` is the one: nothing is written, it is returned.
    """
    if role not in DISPATCHED_ROLES:
        raise ValidationError({"role": _("Only a dispatched cadre's post is given by a dispatch.")})
    _check_post(role, village, sending_unit)
    with transaction.atomic():
        require_permission(actor, permission, village.code)
        held = (
            _dispatched_posts(user, role, village, sending_unit)
            .filter(starts_on__lte=starts_on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
            .order_by("starts_on", "pk")
            .first()
        )
        if held is not None:
            return held  # type: ignore[no-any-return]
        post = _post_create(
            actor=actor, user=user, role=role, region=village, sending_unit=sending_unit,
            starts_on=starts_on, ends_on=None, title="", data={"by": permission},
            action="accounts.dispatched_post_assign",
        )  # fmt: skip
    forget_scopes(user)
    return post


def dispatched_post_end(
    *,
    actor: Any,
    user: User,
    role: str,
    village: Region,
    sending_unit: SendingUnit,
    ends_on: datetime.date,
    permission: str,
) -> list[Post]:
    """End on ``ends_on`` the dispatched post(s) ``dispatched_post_assign`` gave or found: the
    user's posts of that role, village and unit held on ``ends_on`` and open past it, on the
    authority of ``permission`` over the village. Returns those ended."""
    ended: list[Post] = []
    with transaction.atomic():
        require_permission(actor, permission, village.code)
        open_posts = (
            _dispatched_posts(user, role, village, sending_unit)
            .filter(starts_on__lte=ends_on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ends_on))
            .select_for_update()
            .order_by("pk")
        )
        for post in open_posts:
            before = post.ends_on
            post.ends_on = ends_on
            post.full_clean()
            post.save()
            audit.record(
                actor=actor,
                action="accounts.dispatched_post_end",
                obj=post,
                data={
                    "changes": {"ends_on": [before, ends_on]},
                    "version": post.version,
                    "by": permission,
                },
            )
            ended.append(post)
    if ended:
        forget_scopes(user)
    return ended


def post_end(
    *, actor: Any, post: Post, expected_version: int | None, ends_on: datetime.date | None = None
) -> Post:
    ends_on = ends_on or timezone.localdate()
    with transaction.atomic():
        if ends_on < post.starts_on:
            raise ValidationError({"ends_on": _("A post cannot end before it starts.")})
        post = update_audited(
            actor=actor,
            obj=post,
            changes={"ends_on": ends_on},
            expected_version=expected_version,
            action="accounts.post_end",
        )
    forget_scopes(post.user)
    return post


def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    full_name: str,
    role: str,
    region: Region | None = None,
    sending_unit: SendingUnit | None = None,
    phone: str = "",
    starts_on: datetime.date | None = None,
    title: str = "",
    check_password: bool = True,
) -> User:
    """Create a user with their first post, in the actor's own area only."""
    with transaction.atomic():
        user = User(username=username, full_name=full_name, phone=phone)
        if check_password:
            validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        post_assign(
            actor=actor,
            user=user,
            role=role,
            region=region,
            sending_unit=sending_unit,
            starts_on=starts_on,
            title=title,
        )
        audit.record(
            actor=actor,
            action="accounts.user_create",
            obj=user,
            region_code=(sending_unit.region if sending_unit else region).code,  # type: ignore[union-attr]
            data={"username": username, "full_name": full_name},
        )
    return user


def sending_unit_create(*, actor: Any, name: str, region: Region) -> SendingUnit:
    with transaction.atomic():
        require_permission(actor, "accounts.add_sendingunit", region.code)
        unit = SendingUnit(name=name, region=region)
        unit.full_clean()
        unit.save()
        audit.record(actor=actor, action="accounts.sending_unit_create", obj=unit, data={})
    return unit


def system_admin_create(*, username: str, password: str, full_name: str = "") -> User:
    """The first account of a deployment: a superuser, who then creates everyone else."""
    with transaction.atomic():
        user = User(username=username, full_name=full_name, is_staff=True, is_superuser=True)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(
            actor=None,
            action="accounts.system_admin_create",
            obj=user,
            region_code="",
            data={"username": username},
        )
    return user
