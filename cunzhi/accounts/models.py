"""Users, their posts (岗位) and API tokens."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.models import BaseModel, RegionalModel
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import Everywhere, ScopedQuerySet, code_in_prefixes


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County administrator")
    COUNTY_ORG_DEPT = "county_org_dept", _("County organisation department")
    COUNTY_CIVIL_AFFAIRS = "county_civil_affairs", _("County civil affairs")
    COUNTY_RURAL_BUREAU = "county_rural_bureau", _("County rural revitalisation bureau")
    TOWNSHIP_LEADER = "township_leader", _("Township leader")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    WORK_TEAM_MEMBER = "work_team_member", _("Work-team member")
    VILLAGE_PARTY_SECRETARY = "village_party_secretary", _("Village party secretary")
    VILLAGE_COMMITTEE_MEMBER = "village_committee_member", _("Village committee member")
    SUPERVISION_MEMBER = "supervision_member", _("Supervision committee member")
    SENDING_UNIT_CONTACT = "sending_unit_contact", _("Sending-unit contact")


# The level of region each role is held at; a sending-unit contact's post is at a sending unit.
ROLE_LEVEL: dict[str, Level | None] = {
    Role.COUNTY_ADMIN: Level.COUNTY,
    Role.COUNTY_ORG_DEPT: Level.COUNTY,
    Role.COUNTY_CIVIL_AFFAIRS: Level.COUNTY,
    Role.COUNTY_RURAL_BUREAU: Level.COUNTY,
    Role.TOWNSHIP_LEADER: Level.TOWNSHIP,
    Role.TOWNSHIP_STAFF: Level.TOWNSHIP,
    Role.FIRST_SECRETARY: Level.VILLAGE,
    Role.WORK_TEAM_MEMBER: Level.VILLAGE,
    Role.VILLAGE_PARTY_SECRETARY: Level.VILLAGE,
    Role.VILLAGE_COMMITTEE_MEMBER: Level.VILLAGE,
    Role.SUPERVISION_MEMBER: Level.VILLAGE,
    Role.SENDING_UNIT_CONTACT: None,
}
# Roles dispatched to a village by a sending unit (驻村): their unit's contact follows them.
DISPATCHED_ROLES = (Role.FIRST_SECRETARY, Role.WORK_TEAM_MEMBER)


class UserQuerySet(models.QuerySet["User"]):
    def for_user(self, user: Any, action: str = "view") -> UserQuerySet:
        """Users who hold or held a post in the regions where ``user`` may ``action`` users."""
        from cunzhi.accounts.scopes import scope_prefixes

        prefixes = scope_prefixes(user, f"accounts.{action}_user")
        if isinstance(prefixes, Everywhere):
            return self.all()
        if not prefixes:
            return self.none()
        in_scope = Post.objects.filter(code_in_prefixes("region_code", prefixes))
        return self.filter(pk__in=in_scope.values("user_id"))


class CunzhiUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = CunzhiUserManager()  # type: ignore[misc]  # AbstractUser declares it as a ClassVar

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class SendingUnit(RegionalModel):
    """派出单位: the organ that dispatches first secretaries and work teams and supports them.

    Its region is where it sits (a provincial department at the province, a county bureau at the
    county); that decides which county administrators see it.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sending unit")
        verbose_name_plural = _("sending units")

    def __str__(self) -> str:
        return self.name


class PostQuerySet(ScopedQuerySet["Post"]):
    def active(self, on: datetime.date | None = None) -> PostQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class Post(RegionalModel):
    """A role a user holds at a region (or a sending unit) from one date to another.

    A sending-unit contact's post has the unit's region, so that the unit's county sees it.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="posts"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    sending_unit = models.ForeignKey(
        SendingUnit,
        verbose_name=_("sending unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        help_text=_("For a sending-unit contact, the unit; for a dispatched cadre, who sent them."),
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = PostQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="post_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        where = self.sending_unit if self.role == Role.SENDING_UNIT_CONTACT else self.region
        return f"{self.get_role_display()} · {where}"

    def is_active(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class ApiToken(BaseModel):
    """A bearer token for a device. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
