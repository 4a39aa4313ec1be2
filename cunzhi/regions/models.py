"""The administrative tree and what a resident cadre learns about a village first."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.models import RegionalModel
from cunzhi.core.regioncodes import Level, parent_code, prefix_of
from cunzhi.core.scoping import ScopedQuerySet


class RegionQuerySet(ScopedQuerySet["Region"]):
    scope_field = "code"


class Region(models.Model):
    """A division of the statistical code list: province down to villager group (村民小组)."""

    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:detail", args=[self.code])

    @property
    def prefix(self) -> str:
        return prefix_of(self.code)

    @property
    def parent_code(self) -> str | None:
        return parent_code(self.code)

    @property
    def is_village(self) -> bool:
        return self.level == Level.VILLAGE

    # Scoping reads a record's code from region_code; a region's own code plays that part.
    @property
    def region_code(self) -> str:
        return self.code


class VillageProfile(RegionalModel):
    """村情: the facts a first secretary gathers in the first weeks (seed 003)."""

    population = models.PositiveIntegerField(_("registered population"), default=0)
    resident_population = models.PositiveIntegerField(_("resident population"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    arable_land_mu = models.DecimalField(
        _("arable land (mu)"),
        max_digits=11,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    geography = models.TextField(_("geography"), blank=True)
    economy = models.TextField(_("economy and industries"), blank=True)
    history = models.TextField(_("history"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("village profile")
        verbose_name_plural = _("village profiles")
        constraints = [models.UniqueConstraint(fields=["region"], name="one_profile_per_village")]

    def __str__(self) -> str:
        return str(self.region)

    def get_absolute_url(self) -> str:
        return reverse("regions:profile", args=[self.region_code])


class Clan(RegionalModel):
    """A surname group in the village (家族/宗族) and its share of households."""

    surname = models.CharField(_("surname"), max_length=20)
    households = models.PositiveIntegerField(_("households"), default=0)
    share_percent = models.DecimalField(
        _("share of households (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["-share_percent", "surname"]
        verbose_name = _("clan")
        verbose_name_plural = _("clans")
        constraints = [
            models.UniqueConstraint(fields=["region", "surname"], name="one_clan_per_surname")
        ]

    def __str__(self) -> str:
        return self.surname


class FacilityKind(models.TextChoices):
    SCHOOL = "school", _("School")
    CLINIC = "clinic", _("Clinic")
    SHOP = "shop", _("Shop")
    ROAD = "road", _("Road")
    WATER_SOURCE = "water_source", _("Water source")
    FIRE_FACILITY = "fire_facility", _("Fire facility")
    LANDMARK = "landmark", _("Landmark")
    CULTURAL_VENUE = "cultural_venue", _("Cultural venue")
    OFFICE = "office", _("Village office")
    SQUARE = "square", _("Square")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    OTHER = "other", _("Other")


class Facility(RegionalModel):
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class ContactLevel(models.TextChoices):
    VILLAGE = "village", _("Village")
    TOWNSHIP = "township", _("Township")
    COUNTY = "county", _("County")
    CITY = "city", _("City or above")
    ENTERPRISE = "enterprise", _("Enterprise or social organisation")


class Contact(RegionalModel):
    """An entry of the contacts directory a resident cadre builds (seed 003: "who is in charge")."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=ContactLevel.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["level", "organisation", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        # The directory's sort keys (regions.lists.CONTACTS), within a village's code.
        indexes = [
            models.Index(
                fields=["region_code", "level", "organisation", "name"], name="contact_by_level"
            ),
            models.Index(
                fields=["region_code", "organisation", "name"], name="contact_by_organisation"
            ),
            models.Index(fields=["region_code", "name"], name="contact_by_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse("regions:contact_edit", args=[self.pk])
