"""Village decisions (四议两公开): the registers quorums are counted from, matters and meetings."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel


class Body(models.TextChoices):
    """The registers of a village that a meeting's quorum is counted from."""

    VILLAGE_COMMITTEE = "village_committee", _("Villagers' committee")  # 村民委员会
    BRANCH_COMMITTEE = "branch_committee", _("Party branch committee")  # 党支部委员会
    PARTY_MEMBERS = "party_members", _("Party branch members")  # 党员名册
    REPRESENTATIVES = "representatives", _("Villagers' representatives")  # 村民代表
    SUPERVISION = "supervision", _("Village affairs supervision committee")  # 村务监督委员会


# The two committees (村"两委").
TWO_COMMITTEES = (Body.VILLAGE_COMMITTEE, Body.BRANCH_COMMITTEE)


class Membership(RegionalModel):
    """A resident's place on one register of the village from ``starts_on`` to ``ends_on``.

    Rows are never deleted when a term ends: the end date is set, so that the register as it
    stood on any past meeting's date can be read again.
    """

    body = models.CharField(_("register"), max_length=20, choices=Body.choices)
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    position = models.CharField(_("position"), max_length=50, blank=True)  # 主任, 委员…
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta(RegionalModel.Meta):
        ordering = ["body", "starts_on", "pk"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        indexes = [models.Index(fields=["region_code", "body", "starts_on"], name="membership_on")]

    def __str__(self) -> str:
        return f"{self.get_body_display()}: {self.resident}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:registers", args=[self.region_code])


class MatterType(models.TextChoices):
    """What a matter is about; all but "other" are the villagers' meeting's (Art. 24)."""

    CADRE_ALLOWANCES = "cadre_allowances", _("Allowances for village cadres")
    COLLECTIVE_INCOME = "collective_income", _("Use of collective income")
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare project and its funding")
    LAND_CONTRACT = "land_contract", _("Land-contract plan")
    COLLECTIVE_PROJECT = "collective_project", _("Collective project or contract")
    HOMESTEAD = "homestead", _("Homestead plan")
    REQUISITION_COMPENSATION = "requisition_compensation", _("Use of land-requisition compensation")
    COLLECTIVE_PROPERTY = "collective_property", _("Disposal of collective property")
    OTHER = "other", pgettext_lazy("matter type", "Other")


class MatterState(models.TextChoices):
    """Each state says which step the matter has reached (四议两公开)."""

    PROPOSED = "proposed", _("Proposed by the party organisation")  # 党组织提议
    CONSULTED = "consulted", _("Consulted by the two committees")  # 两委会商议
    REVIEWED = "reviewed", _("Reviewed by the party members")  # 党员大会审议
    DECIDED = "decided", _("Decided by the villagers")  # 村民(代表)会议决议
    RESOLUTION_PUBLISHED = "resolution_published", _("Resolution published")  # 决议公开
    IMPLEMENTING = "implementing", _("Being carried out")  # 组织实施
    RESULT_PUBLISHED = "result_published", _("Result published")  # 实施结果公开
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Matter(RegionalModel):
    """A matter the village decides by the four discussions and two openings (四议两公开)."""

    matter_type = models.CharField(_("type"), max_length=30, choices=MatterType.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    state = models.CharField(
        _("step"), max_length=24, choices=MatterState.choices, default=MatterState.PROPOSED
    )
    proposed_on = models.DateField(_("proposed on"))
    # When the matter entered its step: a meeting or an opinion counts for the step only if it
    # came after (going back a step makes the step's meeting be held again).
    step_started_at = models.DateTimeField(_("step started"), editable=False)
    resolution = models.TextField(_("resolution"), blank=True)
    result = models.TextField(_("result of carrying it out"), blank=True)

    # Proposals, minutes of the steps, contracts, photos of the work done.
    attachments = Attachable()

    class Meta(RegionalModel.Meta):
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        indexes = [
            models.Index(fields=["region_code", "state"], name="matter_state"),
            # The matters list (decisions.lists), newest first.
            models.Index(fields=["region_code", "proposed_on", "id"], name="matter_proposed"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:matter", args=[self.pk])

    @property
    def is_art24(self) -> bool:
        return self.matter_type != MatterType.OTHER


class MeetingKind(models.TextChoices):
    JOINT = "joint", _("Joint meeting of the two committees")  # 两委联席会议
    PARTY_MEMBERS = "party_members", _("Party members' meeting")  # 党员大会
    REPRESENTATIVES = "representatives", _("Villagers' representative meeting")  # 村民代表会议
    VILLAGERS = "villagers", _("Villagers' meeting")  # 村民会议


class MeetingOutcome(models.TextChoices):
    OPEN = "open", _("Waiting for the vote")
    NO_QUORUM = "no_quorum", _("No quorum: nothing passed")
    PASSED = "passed", _("Passed")
    REJECTED = "rejected", _("Not passed")


class Meeting(RegionalModel):
    """A meeting on one step of a matter: who came, the quorum it needed, and the vote.

    The quorum is computed once, when the attendance is recorded, from the registers as they
    stood on ``held_on``, and stored with the rule it applied, so that a later change of the
    registers or of the rule never rewrites what the meeting was.
    """

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("meeting"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(pgettext_lazy("meeting", "held on"))
    notice_on = models.DateField(_("notice given on"))
    place = models.CharField(_("place"), max_length=100)
    attendees = models.ManyToManyField(
        "registry.Resident", verbose_name=_("attendees"), related_name="+", blank=True
    )
    entitled = models.PositiveIntegerField(_("entitled to attend"), default=0, editable=False)
    present = models.PositiveIntegerField(_("present"), default=0, editable=False)
    # The households whose members attended (the villagers' meeting's second way to a quorum).
    households_total = models.PositiveIntegerField(default=0, editable=False)
    households_present = models.PositiveIntegerField(default=0, editable=False)
    quorum_met = models.BooleanField(_("quorum met"), default=False, editable=False)
    # How the quorum was counted: the rule's ways with their numbers (quorum.QuorumWay).
    quorum = models.JSONField(_("quorum"), default=dict, editable=False)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstaining"), null=True, blank=True)
    votes_needed = models.PositiveIntegerField(_("votes needed"), null=True, editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=MeetingOutcome.choices, default=MeetingOutcome.OPEN
    )

    # Minutes (会议记录) and scanned sign-in sheets (签到表).
    attachments = Attachable()

    class Meta(RegionalModel.Meta):
        ordering = ["held_on", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:meeting", args=[self.pk])


class SupervisionOpinion(RegionalModel):
    """The supervision committee's opinion on a step of a matter (村务监督委员会意见)."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="opinions"
    )
    step = models.CharField(_("step"), max_length=24, choices=MatterState.choices)
    opinion = models.TextField(_("opinion"))
    given_by = models.ForeignKey(
        "accounts.User", verbose_name=_("given by"), on_delete=models.PROTECT, related_name="+"
    )
    given_on = models.DateField(_("given on"))

    class Meta(RegionalModel.Meta):
        ordering = ["pk"]
        verbose_name = _("supervision opinion")
        verbose_name_plural = _("supervision opinions")

    def __str__(self) -> str:
        return self.opinion[:40]
