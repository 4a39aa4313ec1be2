"""Residency (驻村): dispatched cadres, their daily presence, leave and the presence rollup.

A first secretary (第一书记) or work-team member is a user with a ``Cadre`` record, sent by a
sending unit (派出单位, ``accounts.SendingUnit``) to one village at a time (``Dispatch``). Each
day they are in the village, on leave, in training, on an official trip or absent
(``PresenceDay``). ``PresenceMonth`` is the rollup the compliance table reads: the working days
of each kind per dispatch and month, kept in the same transaction as every presence write, so no
page counts raw presence rows (DESIGN, "Scale").

Every record carries the sending unit of its cadre: a sending unit's contact sees its own cadres
and nobody else's, even in a village where two units' cadres serve (``ResidencyQuerySet``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.core.scoping import EVERYWHERE, ScopedQuerySet, code_in_prefixes, permission_name


class ResidencyQuerySet(ScopedQuerySet[Any]):
    """Scoped by region for the county, township and village, by sending unit for its contact.

    ``accounts`` gives a sending unit's contact the villages where the unit's cadres serve, which
    is right for reading a village's profile; here it would show the other units' cadres in the
    same village, so a contact's posts count through ``sending_unit`` instead.
    """

    def for_user(self, user: Any, action: str = "view") -> Self:
        from cunzhi.residency.scoping import residency_scope

        scope = residency_scope(user, permission_name(self.model, action))
        if scope is EVERYWHERE:
            return self.all()
        prefixes, unit_ids = scope  # type: ignore[misc]
        if not prefixes and not unit_ids:
            return self.none()
        condition = code_in_prefixes(self.scope_field, prefixes)
        if unit_ids:
            condition |= Q(sending_unit_id__in=unit_ids)
        return self.filter(condition)


class Cadre(RegionalModel):
    """A dispatched cadre: the user, the unit that sent them, their post there, their phone.

    The region is the village of their current (or last) dispatch, so that the township and the
    county of that village see them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="cadre",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    position = models.CharField(_("position at the sending unit"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["pk"]
        verbose_name = _("dispatched cadre")
        verbose_name_plural = _("dispatched cadres")

    def __str__(self) -> str:
        return str(self.user)


class DispatchRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    TEAM_LEADER = "team_leader", _("Work-team leader")
    TEAM_MEMBER = "team_member", _("Work-team member")


class DispatchStatus(models.TextChoices):
    SERVING = "serving", _("Serving")
    ENDED = "ended", _("Term ended")
    RECALLED = "recalled", _("Recalled")


class Dispatch(RegionalModel):
    """派驻: one cadre in one village from a start date; the region is the village."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="dispatches"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=DispatchRole.choices)
    starts_on = models.DateField(_("starts on"))
    planned_end = models.DateField(_("planned end of the term"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.SERVING
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["region_code", "starts_on", "pk"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            # A cadre serves in one village at a time (the service says so in words first).
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(status="serving"),
                name="residency_one_serving_dispatch_per_cadre",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("starts_on")),
                name="residency_dispatch_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.region}"

    def get_absolute_url(self) -> str:
        return reverse("residency:dispatch", args=[self.pk])

    def last_day(self) -> datetime.date:
        """The last day of the term: the day it ended, or else the planned end."""
        return self.ended_on or self.planned_end


class PresenceKind(models.TextChoices):
    IN_VILLAGE = "in_village", _("In the village")
    LEAVE = "leave", _("On approved leave")
    TRAINING = "training", _("Organised training")
    OFFICIAL_TRIP = "official_trip", _("Official trip")
    ABSENT = "absent", _("Absent")


class PresenceSource(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in on the day")
    LATE_FILL = "late_fill", _("Filled in later")
    CORRECTION = "correction", _("Corrected by the township")
    LEAVE = "leave", pgettext_lazy("presence source", "Approved leave")


class PresenceDay(RegionalModel):
    """One cadre's day: where they were. One row per cadre per day; the region is the village."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="days"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("where"), max_length=20, choices=PresenceKind.choices)
    source = models.CharField(_("recorded as"), max_length=20, choices=PresenceSource.choices)
    is_working_day = models.BooleanField(_("working day"))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance from the village (m)"), null=True, blank=True
    )
    far_from_village = models.BooleanField(_("far from the village"), default=False)
    reason = models.TextField(_("reason"), blank=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("day of presence")
        verbose_name_plural = _("days of presence")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "date"], name="residency_one_presence_row_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.date.isoformat()} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:dispatch", args=[self.dispatch_id])


class PresenceMonth(models.Model):
    """The rollup: working days of each kind, per dispatch and month (DESIGN, "Scale").

    Written only by ``residency.rollup.bump`` inside the presence services' transactions; the
    compliance table sums at most twelve of these per dispatch instead of a year of raw rows.
    ``rollup.rebuild`` recounts them from the raw rows (after a calendar import, say).
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="months"
    )
    region_code = models.CharField(_("region code"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    in_village = models.PositiveSmallIntegerField(default=0)
    leave = models.PositiveSmallIntegerField(default=0)
    training = models.PositiveSmallIntegerField(default=0)
    official_trip = models.PositiveSmallIntegerField(default=0)
    absent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dispatch", "year", "month"]
        verbose_name = _("month of presence")
        verbose_name_plural = _("months of presence")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "year", "month"], name="residency_one_rollup_per_month"
            )
        ]
        indexes = [models.Index(fields=["year", "dispatch"], name="residency_rollup_year")]

    def __str__(self) -> str:
        return f"{self.dispatch_id} {self.year}-{self.month:02d}"


class LeaveType(models.TextChoices):
    PERSONAL = "personal", _("Personal leave")
    SICK = "sick", _("Sick leave")
    ANNUAL = "annual", _("Annual leave")
    FAMILY = "family", _("Family visit")
    OTHER = "other", _("Other")


class LeaveState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RETURNED = "returned", _("Back in the village")  # 销假


class LeaveRequest(RegionalModel):
    """请假: a cadre's request for leave; who approves depends on its working days."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="leaves"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    leave_type = models.CharField(_("type of leave"), max_length=20, choices=LeaveType.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    working_days = models.PositiveSmallIntegerField(_("working days"), editable=False)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=LeaveState.choices, default=LeaveState.REQUESTED
    )
    returned_on = models.DateField(_("back in the village on"), null=True, blank=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="residency_leave_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.starts_on.isoformat()}–{self.ends_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:leaverequest", args=[self.pk])

    def clean(self) -> None:
        if self.returned_on is not None:
            if self.returned_on < self.starts_on:
                raise ValidationError({"returned_on": _("The return is before the leave began.")})
            if self.returned_on > timezone.localdate():
                raise ValidationError({"returned_on": _("Report the return once you are back.")})


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    COMPETENT = "competent", _("Competent")  # 称职
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")  # 基本称职
    INCOMPETENT = "incompetent", _("Incompetent")  # 不称职


# Best first: a cap allows its own grade and every grade after it.
GRADE_ORDER = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT]


class Assessment(RegionalModel):
    """年度考核: one dispatch's year, with the three opinions and the county's grade.

    The township, the sending unit and the village each give an opinion; the county organisation
    department sets the grade, capped by the year's unexplained absences
    (``residency.unexplained_absence_grade_caps``). An incompetent grade proposes a recall.
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="assessments"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    township_opinion = models.TextField(_("the township's opinion"), blank=True)
    unit_opinion = models.TextField(_("the sending unit's opinion"), blank=True)
    village_opinion = models.TextField(_("the village's opinion"), blank=True)
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    unexplained_absences = models.PositiveSmallIntegerField(
        _("unexplained absences"),
        null=True,
        blank=True,
        help_text=_("Counted when the grade was set: each run of absent working days is one."),
    )
    graded_on = models.DateField(_("graded on"), null=True, blank=True)
    recall_proposed = models.BooleanField(_("recall proposed"), default=False)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "year"], name="residency_one_assessment_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("residency:assessment", args=[self.pk])


class RecallState(models.TextChoices):
    PROPOSED = "proposed", _("Recall proposed")
    REPLACEMENT_NAMED = "replacement_named", _("Replacement named")
    COMPLETED = "completed", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class Recall(RegionalModel):
    """召回: a cadre called back, and who replaces them.

    Started by the township or the county with a reason; the sending unit names a replacement
    among its cadres and the day they start; the county confirms the handover checklist, and the
    old dispatch ends the day before the new one begins.
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="recalls"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=RecallState.choices, default=RecallState.PROPOSED
    )
    replacement = models.ForeignKey(
        Cadre,
        verbose_name=_("replacement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replacement_starts_on = models.DateField(_("replacement starts on"), null=True, blank=True)
    handover_documents = models.BooleanField(_("documents and ledgers handed over"), default=False)
    handover_work = models.BooleanField(_("work in hand and plans handed over"), default=False)
    handover_contacts = models.BooleanField(
        _("introduced to the village cadres and key people"), default=False
    )
    new_dispatch = models.OneToOneField(
        Dispatch,
        verbose_name=_("new dispatch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:recall", args=[self.pk])


class DiaryEntry(RegionalModel):
    """民情日记: a cadre's day in the village in their words, with photos."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="diary"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"))

    # Photos of the day, with where they were taken when the cadre keeps it (core.attachments).
    attachments = Attachable(position=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        indexes = [models.Index(fields=["dispatch", "date"], name="residency_diary_by_day")]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.date.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:diaryentry", args=[self.pk])


# The support ledger (保障台账): what the sending unit provides its cadre each year (seed 001).


class SupportGap(models.TextChoices):
    """What a support ledger lacks (an attention item for the unit and the county)."""

    INSURANCE = "insurance", _("No accident insurance in force")
    MEDICAL = "medical", _("No medical check this year")
    FUNDS = "funds", _("Work funds below the minimum")
    PAIRING = "pairing", _("No township leader paired")


def support_gap_conditions(today: datetime.date, prefix: str = "") -> dict[str, Q]:
    """Each gap as a condition on ``SupportYear`` rows (through ``prefix``), as of ``today``.

    The insurance must be in force today for this year's ledger (and have its dates for an
    earlier year's); the medical check and the funds are missing only after the day the ledger's
    rules set for them; a ledger with no leader paired lacks the pairing.
    """

    def q(**lookups: Any) -> Q:
        return Q(**{prefix + key: value for key, value in lookups.items()})

    current = q(year=today.year)
    return {
        SupportGap.INSURANCE: q(insurance_starts_on__isnull=True)
        | q(insurance_ends_on__isnull=True)
        | (current & (q(insurance_starts_on__gt=today) | q(insurance_ends_on__lt=today))),
        SupportGap.MEDICAL: q(medical_check_done=False, medical_check_due_on__lt=today),
        SupportGap.FUNDS: q(
            work_funds_yuan__lt=models.F(prefix + "work_funds_min_yuan"),
            work_funds_due_on__lt=today,
        ),
        SupportGap.PAIRING: q(paired_leader__isnull=True),
    }


class SupportYear(RegionalModel):
    """One dispatch's year of support from its sending unit (seed 001; DOMAIN.md section 1).

    The yearly medical check, the accident insurance with its dates, the living, transport and
    communication subsidies, the work funds for the village (at least
    ``residency.sending_unit_work_funds_min_yuan`` a year) and the township leader paired with the
    cadre one to one. The spending of the funds, the pairing's meetings and the training are rows
    of their own. The rules in force when the ledger was opened (the minimum of the funds and the
    two dates by which the check and the funds are due) are kept on it, so that a list or the
    attention count reads what is missing in one query, whatever county the cadre serves in.
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="support"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    medical_check_on = models.DateField(_("medical check on"), null=True, blank=True)
    medical_check_done = models.BooleanField(_("medical check done"), default=False)
    insurance_starts_on = models.DateField(_("accident insurance from"), null=True, blank=True)
    insurance_ends_on = models.DateField(_("accident insurance until"), null=True, blank=True)
    insurance_policy = models.CharField(_("insurer and policy number"), max_length=100, blank=True)
    living_subsidy_yuan = models.DecimalField(
        _("living subsidy (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    living_subsidy_paid_on = models.DateField(_("living subsidy paid on"), null=True, blank=True)
    transport_subsidy_yuan = models.DecimalField(
        _("transport subsidy (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    transport_subsidy_paid_on = models.DateField(
        _("transport subsidy paid on"), null=True, blank=True
    )
    communication_subsidy_yuan = models.DecimalField(
        _("communication subsidy (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    communication_subsidy_paid_on = models.DateField(
        _("communication subsidy paid on"), null=True, blank=True
    )
    work_funds_yuan = models.DecimalField(
        _("work funds provided (yuan)"), max_digits=12, decimal_places=2, default=0,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    work_funds_paid_on = models.DateField(_("work funds paid on"), null=True, blank=True)
    paired_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("township leader paired one to one"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The rules in force for the ledger's region when it was opened (core.policy).
    work_funds_min_yuan = models.PositiveIntegerField(
        _("work funds required (yuan)"), editable=False
    )
    medical_check_due_on = models.DateField(_("medical check due by"), editable=False)
    work_funds_due_on = models.DateField(_("work funds due by"), editable=False)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-year", "region_code", "pk"]
        verbose_name = _("support ledger")
        verbose_name_plural = _("support ledgers")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "year"], name="residency_one_support_ledger_per_year"
            ),
            models.CheckConstraint(
                condition=Q(insurance_ends_on__isnull=True)
                | Q(insurance_starts_on__isnull=True)
                | Q(insurance_ends_on__gte=models.F("insurance_starts_on")),
                name="residency_insurance_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "region_code", "id"], name="residency_support_year")
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.pk])

    def gaps(self, today: datetime.date) -> list[SupportGap]:
        """What is missing as of ``today`` (the same rules as ``support_gap_conditions``)."""
        start, end = self.insurance_starts_on, self.insurance_ends_on
        gaps = []
        if start is None or end is None or (self.year == today.year and not start <= today <= end):
            gaps.append(SupportGap.INSURANCE)
        if not self.medical_check_done and self.medical_check_due_on < today:
            gaps.append(SupportGap.MEDICAL)
        if self.work_funds_yuan < self.work_funds_min_yuan and self.work_funds_due_on < today:
            gaps.append(SupportGap.FUNDS)
        if self.paired_leader_id is None:
            gaps.append(SupportGap.PAIRING)
        return gaps

    def clean(self) -> None:
        if (
            self.insurance_starts_on
            and self.insurance_ends_on
            and self.insurance_ends_on < self.insurance_starts_on
        ):
            raise ValidationError({"insurance_ends_on": _("The insurance ends before it starts.")})
        if self.medical_check_done and self.medical_check_on is None:
            raise ValidationError({"medical_check_on": _("Give the day of the medical check.")})
        if self.medical_check_on and self.medical_check_on.year != self.year:
            raise ValidationError(
                {"medical_check_on": _("The medical check is the ledger's year's.")}
            )


class FundSpending(RegionalModel):
    """What the village's work funds were spent on: amount, purpose, day, the receipt."""

    support = models.ForeignKey(
        SupportYear,
        verbose_name=_("support ledger"),
        on_delete=models.PROTECT,
        related_name="spending",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    purpose = models.CharField(_("spent on"), max_length=200)
    spent_on = models.DateField(_("spent on (date)"))

    # The receipt (scan or photo), through core.attachments.
    attachments = Attachable()

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["spent_on", "pk"]
        verbose_name = _("spending of the work funds")
        verbose_name_plural = _("spending of the work funds")

    def __str__(self) -> str:
        return f"{self.spent_on.isoformat()} {self.purpose} {self.amount_yuan}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.support_id])


class PairingMeeting(RegionalModel):
    """A meeting of the cadre with the township leader paired with them (一对一帮带)."""

    support = models.ForeignKey(
        SupportYear,
        verbose_name=_("support ledger"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(pgettext_lazy("pairing meeting", "held on"))
    notes = models.TextField(_("notes"))

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("pairing meeting")
        verbose_name_plural = _("pairing meetings")

    def __str__(self) -> str:
        return f"{self.support} {self.held_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.support_id])


class TrainingRecord(RegionalModel):
    """A course the cadre attended: dates, organiser, hours."""

    support = models.ForeignKey(
        SupportYear,
        verbose_name=_("support ledger"),
        on_delete=models.PROTECT,
        related_name="training",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    course = models.CharField(_("course"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    organiser = models.CharField(_("organiser"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="residency_training_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.support_id])
