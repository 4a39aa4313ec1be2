"""Petitions (信访), people's mediation (人民调解) and social-stability risk assessment (稳评).

Rules and numbers: DOMAIN.md sections 5 and 6; every number is a dated policy parameter
(``core/policy_defaults.py``, keys ``disputes.*``), every deadline is stored as a date.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.core.workflow import DeadlineFields

# ---------------------------------------------------------------------------------------------
# Petitions (信访)


class PetitionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion or opinion")  # 建议意见
    COMPLAINT = "complaint", _("Accusation or complaint")  # 检举控告
    REQUEST = "request", _("Request or appeal")  # 申诉求决


class PetitionChannel(models.TextChoices):
    VISIT = "visit", _("Visit in person")  # 走访
    LETTER = "letter", _("Letter")  # 来信
    PHONE = "phone", _("Phone")  # 来电
    ONLINE = "online", _("Online")  # 网上信访


class PetitionState(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("petition state", "Registered")  # 登记
    ACCEPTED = "accepted", pgettext_lazy("petition state", "Accepted")  # 受理
    REDIRECTED = "redirected", _("Not this organ's matter")  # 不属本机关
    REFUSED = "refused", _("Not accepted")  # 不予受理
    REFERRED = "referred", _("Referred to mediation")
    TRANSFERRED = "transferred", _("Passed to the village as a demand")  # 转为民情诉求
    REPLIED = "replied", _("Replied in writing")  # 书面答复
    UNDER_REVIEW = "under_review", _("Under review")  # 复查
    REVIEWED = "reviewed", _("Review answered")
    UNDER_RE_REVIEW = "under_re_review", _("Under re-review")  # 复核
    RE_REVIEWED = "re_reviewed", _("Re-reviewed: final")  # 复核终结
    CLOSED = "closed", pgettext_lazy("petition state", "Closed")


# States in which the petition is still the organ's work to do.
PETITION_OPEN = (
    PetitionState.REGISTERED,
    PetitionState.ACCEPTED,
    PetitionState.UNDER_REVIEW,
    PetitionState.UNDER_RE_REVIEW,
)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")
    UNKNOWN = "", _("Not stated")


class Petition(DeadlineFields, RegionalModel):  # 信访事项
    """A petition received by an organ of a region (usually the township's reception centre).

    Each statutory date is stored when it becomes known (``accept_by`` and ``redirect_by`` at
    registration, ``handle_by`` at acceptance, the review dates at the reply and the answers), so
    that lists and the API read dates, never recount them. The running one is also the kit's
    ``due_on``, which the sweep follows; ``save`` copies an extension of it back.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=PetitionKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=PetitionChannel.choices)
    petitioner_name = models.CharField(_("petitioner"), max_length=100)
    petitioner = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("petitioner in the register"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # One person, or a group (集体访): how many came or signed.
    petitioner_count = models.PositiveSmallIntegerField(
        _("number of petitioners"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("More than one: a group petition."),
    )
    content = models.TextField(_("content"))
    receiving_organ = models.CharField(_("receiving organ"), max_length=100)
    received_on = models.DateField(_("received on"))
    same_matter_as = models.ForeignKey(
        "self",
        verbose_name=_("earlier petition on the same matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=PetitionState.choices, default=PetitionState.REGISTERED
    )
    accept_by = models.DateField(_("accept by"), null=True, editable=False)
    redirect_by = models.DateField(
        _("object by (not this organ's matter)"), null=True, editable=False
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    handle_by = models.DateField(_("handle by"), null=True, editable=False)
    redirected_to = models.CharField(_("the organ it belongs to"), max_length=100, blank=True)
    reply = models.TextField(_("written reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    satisfaction = models.CharField(
        _("petitioner's satisfaction"),
        max_length=12,
        choices=Satisfaction.choices,
        blank=True,
        default=Satisfaction.UNKNOWN,
    )
    review_request_by = models.DateField(_("review requested by"), null=True, editable=False)
    review_requested_on = models.DateField(_("review requested on"), null=True, blank=True)
    review_answer_by = models.DateField(_("review answered by"), null=True, editable=False)
    review_answer = models.TextField(_("review answer"), blank=True)
    review_answered_on = models.DateField(_("review answered on"), null=True, blank=True)
    re_review_request_by = models.DateField(_("re-review requested by"), null=True, editable=False)
    re_review_requested_on = models.DateField(_("re-review requested on"), null=True, blank=True)
    re_review_answer_by = models.DateField(_("re-review answered by"), null=True, editable=False)
    re_review_answer = models.TextField(_("re-review answer"), blank=True)
    re_review_answered_on = models.DateField(_("re-review answered on"), null=True, blank=True)

    # The written reply, the letter, the petitioners' signatures.
    attachments = Attachable()

    class Meta(DeadlineFields.Meta, RegionalModel.Meta):
        ordering = ["-received_on", "-pk"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        # The lists' sorts (lists.py): the scope's range on the code, then the sort's keys.
        indexes = [
            *DeadlineFields.Meta.indexes,
            models.Index(fields=["region_code", "due_on", "id"], name="petition_by_due"),
            models.Index(fields=["region_code", "received_on", "id"], name="petition_by_received"),
        ]

    def __str__(self) -> str:
        return _("Petition %(number)s") % {"number": self.number}

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The running deadline's date may be extended (core.workflow.deadlines.deadline_extend,
        # from any door); the statutory date shown and served is kept equal to it.
        field = DEADLINE_DATE_OF_STATE.get(PetitionState(self.state))
        if field and self.due_on is not None:
            setattr(self, field, self.due_on)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("disputes:petition", args=[self.pk])

    @property
    def number(self) -> str:
        return f"XF{self.received_on:%Y}-{self.pk or 0:05d}"

    @property
    def is_group(self) -> bool:
        return self.petitioner_count > 1

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        for field in ("accepted_on", "replied_on"):
            day = getattr(self, field)
            if day is not None and day < self.received_on:
                errors[field] = _("This date is before the petition was received.")
        replied, review = self.replied_on, self.review_requested_on
        if replied and review and review < replied:
            errors["review_requested_on"] = _("A review is requested after the reply.")
        answered, re_review = self.review_answered_on, self.re_review_requested_on
        if answered and re_review and re_review < answered:
            errors["re_review_requested_on"] = _(
                "A re-review is requested after the review answer."
            )
        if errors:
            raise ValidationError(errors)


# The state whose running deadline is each stored statutory date.
DEADLINE_DATE_OF_STATE = {
    PetitionState.REGISTERED: "accept_by",
    PetitionState.ACCEPTED: "handle_by",
    PetitionState.UNDER_REVIEW: "review_answer_by",
    PetitionState.UNDER_RE_REVIEW: "re_review_answer_by",
}


# ---------------------------------------------------------------------------------------------
# People's mediation (人民调解)


class MediationCommittee(RegionalModel):  # 人民调解委员会
    """A village's people's mediation committee for one term."""

    term_starts_on = models.DateField(_("term starts on"))
    term_ends_on = models.DateField(_("term ends on"), editable=False)

    class Meta:
        ordering = ["region_code", "-term_starts_on"]
        verbose_name = _("mediation committee")
        verbose_name_plural = _("mediation committees")

    def __str__(self) -> str:
        return _("Mediation committee of %(village)s") % {"village": self.region.name}

    def get_absolute_url(self) -> str:
        return reverse("disputes:committee", args=[self.pk])


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")  # 主任
    VICE_CHAIR = "vice_chair", _("Vice chair")  # 副主任
    MEMBER = "member", _("Member")  # 委员


class CommitteeMember(RegionalModel):
    committee = models.ForeignKey(
        MediationCommittee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )

    class Meta:
        ordering = ["committee", "role", "pk"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["committee", "resident"], name="one_seat_per_person")
        ]

    def __str__(self) -> str:
        return str(self.resident)


class DisputeType(models.TextChoices):
    LAND = "land", _("Land and homestead")  # 土地宅基地
    FAMILY = "family", _("Marriage and family")  # 婚姻家庭
    NEIGHBOURS = "neighbours", _("Neighbours")  # 邻里
    CONTRACTS = "contracts", _("Contracts and debts")  # 合同债务
    WAGES = "wages", _("Wages")  # 劳资
    DAMAGE = "damage", _("Damage and injury")  # 损害赔偿
    OTHER = "other", _("Other")


class CaseLevel(models.TextChoices):
    """Where a case is mediated; escalation goes one step down this list."""

    GROUP = "group", _("Villager group")
    VILLAGE = "village", pgettext_lazy("case level", "Village")
    TOWNSHIP = "township", pgettext_lazy("case level", "Township")
    COUNTY = "county", pgettext_lazy("case level", "County")


LEVEL_ORDER = [CaseLevel.GROUP, CaseLevel.VILLAGE, CaseLevel.TOWNSHIP, CaseLevel.COUNTY]


class CaseState(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("mediation state", "Registered")
    MEDIATING = "mediating", _("Mediating")  # 调解中
    AGREED = "agreed", _("Written agreement signed")  # 达成书面协议
    SETTLED = "settled", _("Settled")  # 调解成功
    FAILED = "failed", _("Mediation failed")  # 调解不成
    RETURNED = "returned", _("Returned to the petition")


CASE_OPEN = (CaseState.REGISTERED, CaseState.MEDIATING, CaseState.AGREED)


class AgreementKind(models.TextChoices):
    WRITTEN = "written", _("Written agreement")
    ORAL = "oral", _("Oral agreement")
    NONE = "", _("None")


class MediationCase(DeadlineFields, RegionalModel):  # 人民调解案件
    """A dispute mediated at a level; ``region`` is the village where it arose."""

    title = models.CharField(_("title"), max_length=200)
    dispute_type = models.CharField(_("type"), max_length=12, choices=DisputeType.choices)
    facts = models.TextField(_("facts"))
    level = models.CharField(
        _("level"), max_length=10, choices=CaseLevel.choices, default=CaseLevel.VILLAGE
    )
    received_on = models.DateField(_("received on"))
    mediators = models.CharField(_("mediators"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.REGISTERED
    )
    # Could become a collective incident (可能激化为群体性事件): high priority, township attention.
    risk_flag = models.BooleanField(_("risk of a collective incident"), default=False)
    risk_note = models.CharField(_("risk"), max_length=200, blank=True)
    escalated = models.BooleanField(_("escalated"), default=False)
    started_on = models.DateField(_("mediation started on"), null=True, blank=True)
    agreement_kind = models.CharField(
        _("agreement"), max_length=8, choices=AgreementKind.choices, blank=True, default=""
    )
    agreement_terms = models.TextField(_("terms of the agreement"), blank=True)
    signatures_recorded = models.BooleanField(
        _("signed or fingerprinted by the parties and stamped"), default=False
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    court_confirmation_requested = models.BooleanField(
        _("the parties asked a court to confirm it"), default=False
    )
    routes_told = models.TextField(
        _("other routes the parties were told"),
        blank=True,
        help_text=_("Arbitration, administrative handling, a lawsuit."),
    )
    closed_level = models.CharField(
        _("closed at level"), max_length=10, choices=CaseLevel.choices, blank=True, default=""
    )
    petition = models.ForeignKey(
        Petition,
        verbose_name=_("from petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediation_cases",
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )

    # The written agreement's scan.
    attachments = Attachable()

    class Meta(DeadlineFields.Meta, RegionalModel.Meta):
        ordering = ["-risk_flag", "-received_on", "-pk"]
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        indexes = [
            *DeadlineFields.Meta.indexes,
            models.Index(fields=["region_code", "due_on", "id"], name="case_by_due"),
            models.Index(fields=["region_code", "received_on", "id"], name="case_by_received"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("disputes:case", args=[self.pk])


class PartySide(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")  # 申请人
    RESPONDENT = "respondent", _("Respondent")  # 被申请人


class CaseParty(RegionalModel):
    """A party to a case: a resident of the register, or a person from elsewhere by name."""

    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties"
    )
    side = models.CharField(_("side"), max_length=10, choices=PartySide.choices)
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    consented_on = models.DateField(_("consented to mediation on"), null=True, blank=True)

    class Meta:
        ordering = ["case", "side", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name


class MediationSession(RegionalModel):
    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"))

    class Meta:
        ordering = ["case", "held_on", "pk"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self) -> str:
        return f"{self.case} {self.held_on}"


# ---------------------------------------------------------------------------------------------
# Social-stability risk assessment (社会稳定风险评估)


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class StabilityAssessment(RegionalModel):  # 稳评
    """The assessment of a project or decision before it goes ahead.

    ``subject_type`` and ``subject_id`` name the record assessed (a decision, a project), by its
    label as the audit log names records, so that this app imports none of them.
    """

    subject = models.CharField(_("project or decision"), max_length=200)
    matter_type = models.CharField(_("matter type"), max_length=50)
    subject_type = models.CharField(_("record type"), max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    risk_points = models.TextField(_("risk points"))
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    measures = models.TextField(_("measures"))
    conclusion = models.TextField(_("conclusion"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("stability risk assessment")
        verbose_name_plural = _("stability risk assessments")
        permissions = [("approve_stabilityassessment", "Can approve a stability risk assessment")]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("disputes:assessment", args=[self.pk])
