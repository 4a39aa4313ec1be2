"""Households (户) and residents (人): what every other domain points at."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.models import BaseModel, RegionalModel
from cunzhi.registry.collation import CodepointOrder

# The resident's columns search reads a prefix of (selectors.resident_search), each indexed.
SEARCH_KEYS = (
    "name",
    "name_reversed",
    "name_pinyin",
    "name_initials",
    "id_reversed",
    "phone_reversed",
)


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Registered")
    MOVED_OUT = "moved_out", _("Moved out")
    MERGED = "merged", _("Merged into another household")
    DISSOLVED = "dissolved", _("Dissolved")


class Household(RegionalModel):
    """A registered household of a village; ``region`` is the village."""

    group = models.ForeignKey(
        "regions.Region",
        verbose_name=_("villager group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household_no = models.CharField(_("household number"), max_length=30)  # 户编号
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    head = models.ForeignKey(
        "Resident",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    ten_household_group = models.ForeignKey(
        "TenHouseholdGroup",
        verbose_name=_("ten-household group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )

    class Meta:
        ordering = ["region_code", "household_no"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "household_no"], name="one_household_number_per_village"
            )
        ]
        indexes = [
            models.Index(
                CodepointOrder("household_no"), "region_code", "id", name="household_search_number"
            ),
            # The register's order (registry.lists.REGISTER), within a village's code.
            models.Index(fields=["region_code", "household_no"], name="household_by_number"),
        ]

    def __str__(self) -> str:
        return self.household_no

    def get_absolute_url(self) -> str:
        return reverse("registry:household", args=[self.pk])


class Relation(models.TextChoices):
    """Relation to the head of household, as precisely as GB/T 4761-2008 (家庭关系代码) tells
    kinds of relation apart: 外孙子 (a daughter's son) is not 孙子, 公公 is not 父亲. What the
    register knows already is not repeated: sex (夫/妻, 兄/姐) comes from the ID number and
    birth order (长子/次子, 兄/弟) from birth dates. The stored values stay English words, as the
    API and the audit log have them; ``defaults.GBT_4761`` maps each code to its choice."""

    HEAD = "head", _("Head of household")  # 户主 (01, 02)
    SPOUSE = "spouse", _("Spouse")  # 配偶 (10-12)
    SON = "son", _("Son")  # 子 (20-26, 29)
    DAUGHTER = "daughter", _("Daughter")  # 女 (30-36, 39)
    ADOPTED_SON = "adopted_son", _("Adopted son or stepson")  # 养子或继子 (27)
    ADOPTED_DAUGHTER = "adopted_daughter", _("Adopted daughter or stepdaughter")  # 37
    SON_IN_LAW = "son_in_law", _("Son-in-law")  # 女婿 (28)
    DAUGHTER_IN_LAW = "daughter_in_law", _("Daughter-in-law")  # 儿媳 (38)
    GRANDSON = "grandson", _("Grandson (son's son)")  # 孙子 (41)
    GRANDDAUGHTER = "granddaughter", _("Granddaughter (son's daughter)")  # 孙女 (42)
    DAUGHTERS_SON = "daughters_son", _("Grandson (daughter's son)")  # 外孙子 (43)
    DAUGHTERS_DAUGHTER = "daughters_daughter", _("Granddaughter (daughter's daughter)")  # 44
    GRANDCHILD_SPOUSE = "grandchild_spouse", _("Grandchild's spouse")  # 孙媳妇, 孙女婿… (45, 46)
    GREAT_GRANDCHILD = "great_grandchild", _("Great-grandchild")  # 曾孙子, 曾孙女… (47, 48)
    FATHER = "father", _("Father")  # 父亲 (51)
    MOTHER = "mother", _("Mother")  # 母亲 (52)
    FATHER_IN_LAW = "father_in_law", _("Father-in-law")  # 公公, 岳父 (53, 55)
    MOTHER_IN_LAW = "mother_in_law", _("Mother-in-law")  # 婆婆, 岳母 (54, 56)
    STEP_FATHER = "step_father", _("Stepfather or adoptive father")  # 继父或养父 (57)
    STEP_MOTHER = "step_mother", _("Stepmother or adoptive mother")  # 继母或养母 (58)
    GRANDFATHER = "grandfather", _("Grandfather (father's father)")  # 祖父 (61)
    GRANDMOTHER = "grandmother", _("Grandmother (father's mother)")  # 祖母 (62)
    MATERNAL_GRANDFATHER = "maternal_grandfather", _("Grandfather (mother's father)")  # 外祖父
    MATERNAL_GRANDMOTHER = "maternal_grandmother", _("Grandmother (mother's mother)")  # 外祖母
    SIBLING = "sibling", _("Brother or sister")  # 兄弟姐妹 (70, 71, 73, 75, 77)
    SIBLING_IN_LAW = "sibling_in_law", _("Brother's wife or sister's husband")  # 嫂, 姐夫…
    OTHER = "other", _("Other relative")  # 其他亲属 (80-97 and the others of each decade)
    NON_RELATIVE = "non_relative", _("Not a relative")  # 非亲属 (99)


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary or vocational")
    COLLEGE = "college", _("College or above")
    UNKNOWN = "", _("Not recorded")


class Employment(models.TextChoices):
    AT_HOME = "at_home", _("Farming or working at home")
    AWAY = "away", _("Working away")  # 外出务工
    STUDENT = "student", _("In school")
    RETIRED = "retired", _("Retired or too old to work")
    UNABLE = "unable", _("Unable to work")
    CHILD = "child", _("Pre-school child")
    UNKNOWN = "", _("Not recorded")


class ResidentStatus(models.TextChoices):
    LIVING = "living", _("Living here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Resident(RegionalModel):
    """A person registered in a household; ``region`` is the household's village."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    # Search keys, kept by the services (identity.search_keys) and indexed in Meta.indexes: full
    # pinyin and initials, surnames read as surnames; the name backwards, so a given name typed
    # alone is a prefix.
    name_pinyin = models.CharField(max_length=120, editable=False)
    name_initials = models.CharField(max_length=20, editable=False)
    name_reversed = models.CharField(max_length=50, editable=False, blank=True, default="")
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    # The ID number backwards: "last 4 to 6 digits" becomes a prefix, which a b-tree index serves.
    id_reversed = models.CharField(max_length=18, editable=False, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    relation = models.CharField(_("relation to the head"), max_length=20, choices=Relation.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    education = models.CharField(
        _("education"), max_length=10, choices=Education.choices, blank=True
    )
    health = models.CharField(_("health"), max_length=100, blank=True)
    disability = models.CharField(_("disability"), max_length=100, blank=True)
    employment = models.CharField(
        _("employment"), max_length=10, choices=Employment.choices, blank=True
    )
    work_place = models.CharField(_("where they work"), max_length=100, blank=True)
    away_since = models.DateField(_("away since"), null=True, blank=True)
    # Not indexed: people search a phone by its last digits, through phone_reversed.
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The phone's digits backwards, for "the last digits of the phone number".
    phone_reversed = models.CharField(max_length=30, editable=False, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=ResidentStatus.choices, default=ResidentStatus.LIVING
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    tags: models.ManyToManyField[Tag, ResidentTag] = models.ManyToManyField(
        "Tag", verbose_name=_("tags"), through="ResidentTag", related_name="residents"
    )

    class Meta:
        ordering = ["household", "pk"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "id_number"],
                condition=~Q(id_number=""),
                name="one_id_number_per_village",
            )
        ]
        # Search (selectors.resident_search): each key, then the scope, then the pk, so that a
        # prefix in a county's scope is one index range read in order and stops at the limit.
        indexes = [
            models.Index(CodepointOrder(key), "region_code", "id", name=f"resident_search_{key}")
            for key in SEARCH_KEYS
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:resident", args=[self.pk])


class Tag(BaseModel):
    """A label from the configurable dictionary: 低保, left-behind child, village doctor, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    colour = models.CharField(_("colour"), max_length=7, default="#6b7280")
    # A sensitive tag (低保, disability) is shown only to those who may reveal personal data.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    key_person = models.BooleanField(
        _("key person"),
        default=False,
        help_text=_("People the resident cadre visits first (seed 003)."),
    )
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class ResidentTag(RegionalModel):
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="resident_links")

    class Meta:
        verbose_name = _("resident tag")
        verbose_name_plural = _("resident tags")
        constraints = [models.UniqueConstraint(fields=["resident", "tag"], name="one_link_per_tag")]

    def __str__(self) -> str:
        return f"{self.resident} · {self.tag}"


class TenHouseholdGroup(RegionalModel):
    """十户联户: about ten neighbouring households with a lead household."""

    name = models.CharField(_("name"), max_length=50)
    lead_household = models.ForeignKey(
        Household,
        verbose_name=_("lead household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("ten-household group")
        verbose_name_plural = _("ten-household groups")

    def __str__(self) -> str:
        return self.name


class GroupLeader(RegionalModel):
    """The leader (组长) of a villager group; ``region`` is the group."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["region_code", "-starts_on"]
        verbose_name = _("villager group leader")
        verbose_name_plural = _("villager group leaders")

    def __str__(self) -> str:
        return f"{self.resident}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    CHECKED = "checked", _("Checked; nothing written")
    REJECTED = "rejected", _("Rows have errors; nothing was written")
    FAILED = "failed", _("Could not be read")


class ImportJob(BaseModel):
    """An uploaded register file (户籍导入) and what became of it.

    Not a regional record: one file may hold several villages, and it holds the personal data
    of every row, so only the person who uploaded it sees it (and a superuser). What it changed
    is in the audit log of each village it touched, where supervisors read it.
    """

    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="registry/imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    error_file = models.FileField(
        _("file with errors marked"), upload_to="registry/imports/%Y/%m/", blank=True
    )
    message = models.TextField(_("message"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # When the files and the listed errors, which hold personal data, were deleted.
    purged_at = models.DateTimeField(_("files deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("registry:import_job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status not in {ImportStatus.QUEUED, ImportStatus.RUNNING}

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_done / self.rows_total))
