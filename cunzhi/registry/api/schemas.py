"""The register API's request and answer schemas, written out rather than derived from the models.

Answers read the presented attributes (``shown_id_number``, ``shown_phone``, ``shown_tags``) that
``selectors.present`` and its kin set, never the raw numbers: a resident or household that did not
go through a presenter fails loudly here instead of leaving with its numbers unmasked.
"""

# No "from __future__ import annotations": Ninja and Pydantic read the annotations at runtime.
import datetime
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from cunzhi.core.api import (
    MAX_ID,
    InputSchema,
    RecordId,
    VersionedInput,
    VersionedPatch,
    label_of,
)
from cunzhi.registry.models import (
    Education,
    Employment,
    Household,
    HouseholdStatus,
    Relation,
    Resident,
    ResidentStatus,
    Sex,
    Tag,
)
from cunzhi.registry.search import SearchResult

# Output


class TagOut(Schema):
    code: str
    name: str
    colour: str


class ResidentOut(Schema):
    """A resident as lists show one: numbers masked, sensitive tags only for a revealer."""

    id: int
    household_id: int
    region_code: str
    name: str
    sex: str
    sex_label: str
    birth_date: datetime.date | None
    age: int | None
    relation: str
    relation_label: str
    id_number: str = Field(..., description="Masked (530199********1234).")
    phone: str = Field(..., description="Masked (138****5678).")
    status: str
    status_label: str
    tags: list[TagOut]
    version: int = Field(..., description="Name it in If-Match or as version to edit.")

    @staticmethod
    def resolve_sex_label(resident: Resident) -> str:
        return label_of(Sex, resident.sex)

    @staticmethod
    def resolve_relation_label(resident: Resident) -> str:
        return label_of(Relation, resident.relation)

    @staticmethod
    def resolve_status_label(resident: Resident) -> str:
        return label_of(ResidentStatus, resident.status)

    # The presented attributes (see the module's docstring).
    @staticmethod
    def resolve_id_number(resident: Resident) -> str:
        return resident.shown_id_number  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_phone(resident: Resident) -> str:
        return resident.shown_phone  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_tags(resident: Resident) -> list[Tag]:
        return resident.shown_tags  # type: ignore[attr-defined,no-any-return]


class ResidentListOut(ResidentOut):
    household_no: str

    @staticmethod
    def resolve_household_no(resident: Resident) -> str:
        return resident.household.household_no


class ResidentDetailOut(ResidentListOut):
    ethnicity: str
    education: str
    education_label: str
    health: str
    disability: str
    employment: str
    employment_label: str
    work_place: str
    away_since: datetime.date | None
    status_since: datetime.date | None
    revealed: bool = Field(
        ..., description="True only in the answer of the audited reveal: numbers in full."
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_education_label(resident: Resident) -> str:
        return label_of(Education, resident.education)

    @staticmethod
    def resolve_employment_label(resident: Resident) -> str:
        return label_of(Employment, resident.employment)

    @staticmethod
    def resolve_revealed(resident: Resident) -> bool:
        return getattr(resident, "revealed", False)


class SearchOut(Schema):
    query: str
    items: list[ResidentListOut] = Field(..., description="The first matches of each kind.")
    kinds: list[str] = Field(..., description="What the query was read as: name, pinyin, …")
    more: bool = Field(..., description="Some kind had more matches than shown: type more.")
    too_long: bool

    @staticmethod
    def resolve_items(result: SearchResult) -> list[Resident]:
        return result.residents


class HouseholdBase(Schema):
    id: int
    region_code: str
    household_no: str
    group_code: str | None
    group_name: str | None
    address: str
    phone: str = Field(..., description="Masked (138****5678).")
    status: str
    status_label: str
    head_id: int | None
    version: int = Field(..., description="Name it in If-Match or as version to edit.")

    @staticmethod
    def resolve_group_code(household: Household) -> str | None:
        return household.group.code if household.group else None

    @staticmethod
    def resolve_group_name(household: Household) -> str | None:
        return household.group.name if household.group else None

    @staticmethod
    def resolve_phone(household: Household) -> str:
        return household.shown_phone  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_status_label(household: Household) -> str:
        return label_of(HouseholdStatus, household.status)


class HouseholdOut(HouseholdBase):
    head_name: str | None
    head_id_number: str = Field(..., description="The head's, masked.")
    member_count: int = Field(..., description="Members living here.")

    @staticmethod
    def resolve_head_name(household: Household) -> str | None:
        return household.head.name if household.head else None

    @staticmethod
    def resolve_head_id_number(household: Household) -> str:
        return household.shown_head_id_number  # type: ignore[attr-defined,no-any-return]


class HouseholdDetailOut(HouseholdBase):
    region_name: str
    ten_household_group: str | None = Field(..., description="Name of its 十户联户 group.")
    members: list[ResidentOut] = Field(..., description="The head first.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_region_name(household: Household) -> str:
        return household.region.name

    @staticmethod
    def resolve_ten_household_group(household: Household) -> str | None:
        group = household.ten_household_group
        return group.name if group else None

    @staticmethod
    def resolve_members(household: Household) -> list[Resident]:
        return household.people  # type: ignore[attr-defined,no-any-return]


# Input


class AgeBand(StrEnum):
    """The keys of ``selectors.AGE_BANDS``."""

    CHILDREN = "0-17"
    WORKING_AGE = "18-59"
    ELDERLY = "60+"


class RegisterFilter(InputSchema):
    group: str | None = Field(None, max_length=15, description="A villager group's code.")
    tag: str | None = Field(None, max_length=40, description="A tag's code: a member has it.")
    age_band: AgeBand | None = Field(None, description="A living member is of this age.")
    q: str | None = Field(
        None,
        max_length=50,
        description="Household number, or a member's name, pinyin, initials, last ID digits.",
    )


class HouseholdFilter(RegisterFilter):
    status: HouseholdStatus | None = None


class ResidentFilter(RegisterFilter):
    status: ResidentStatus | None = None


class SearchFilter(InputSchema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=50,
        description="The start of a name, pinyin or initials, a given name, the last 4 or more "
        "digits of an ID or phone number, or the start of a household number.",
    )
    region: str | None = Field(None, max_length=15, description="Only below this region code.")


class ResidentIn(InputSchema):
    """A person's fields. Sex and birth date may be left out: the ID number gives them."""

    name: str = Field(..., min_length=1, max_length=50)
    id_number: str = Field("", max_length=18)
    sex: Sex | None = None
    birth_date: datetime.date | None = None
    ethnicity: str = Field("汉族", max_length=20)
    education: Education = Education.UNKNOWN
    health: str = Field("", max_length=100)
    disability: str = Field("", max_length=100)
    employment: Employment = Employment.UNKNOWN
    work_place: str = Field("", max_length=100)
    away_since: datetime.date | None = None
    phone: str = Field("", max_length=30)

    def fields(self) -> dict[str, Any]:
        data = self.model_dump()
        data["sex"] = data["sex"] or ""
        return data


class MemberIn(ResidentIn):
    relation: Relation = Field(..., description="Anything but head: the head is given apart.")


class HouseholdIn(InputSchema):
    household_no: str = Field(..., min_length=1, max_length=30)
    group: str | None = Field(None, max_length=15, description="A villager group's code.")
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=30)
    head: ResidentIn
    members: list[MemberIn] = Field([], max_length=30)


class HouseholdPatch(VersionedPatch):
    nullable = frozenset({"group"})

    household_no: str | None = Field(None, min_length=1, max_length=30)
    group: str | None = Field(None, max_length=15, description="A group's code; null for none.")
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=30)


class ResidentPatch(VersionedPatch):
    nullable = frozenset({"birth_date", "away_since", "status_since"})

    name: str | None = Field(None, min_length=1, max_length=50)
    id_number: str | None = Field(None, max_length=18)
    sex: Sex | None = None
    birth_date: datetime.date | None = Field(None, description="Null: taken from the ID number.")
    relation: Relation | None = None
    ethnicity: str | None = Field(None, max_length=20)
    education: Education | None = None
    health: str | None = Field(None, max_length=100)
    disability: str | None = Field(None, max_length=100)
    employment: Employment | None = None
    work_place: str | None = Field(None, max_length=100)
    away_since: datetime.date | None = None
    phone: str | None = Field(None, max_length=30)
    status: ResidentStatus | None = None
    status_since: datetime.date | None = None


class RevealIn(InputSchema):
    reason: str = Field("", max_length=200, description="Why the full numbers are needed.")


# Changes of households and people (变更户主, 迁户, 分户, 合户, 迁移), tags and status


class SetHeadIn(InputSchema):
    head: int = Field(
        ..., ge=1, le=MAX_ID, description="The id of a living member who becomes the head."
    )
    old_head_relation: Relation = Field(
        Relation.OTHER, description="The old head's relation to the new head; not head."
    )


class MoveIn(InputSchema):
    to: int = Field(..., ge=1, le=MAX_ID, description="The id of the household the person joins.")
    relation: Relation = Field(..., description="Relation to that household's head; not head.")


class SplitIn(InputSchema):
    members: list[RecordId] = Field(
        ..., min_length=1, max_length=30, description="Ids of the members who leave."
    )
    head: int = Field(
        ..., ge=1, le=MAX_ID, description="The id of the new household's head, one of them."
    )
    household_no: str = Field(..., min_length=1, max_length=30)
    address: str = Field("", max_length=200, description="Empty: this household's address.")


class MergeIn(InputSchema):
    into: int = Field(
        ..., ge=1, le=MAX_ID, description="The id of a household of the same village."
    )


class TransferIn(InputSchema):
    village: str = Field(..., min_length=1, max_length=12, description="The new village's code.")
    household_no: str | None = Field(
        None, min_length=1, max_length=30, description="A new number there; null keeps it."
    )


class TagsIn(VersionedInput):
    tags: list[str] = Field(
        ..., max_length=50, description="Every tag code the resident carries from now on."
    )


class StatusIn(VersionedInput):
    status: ResidentStatus
    since: datetime.date
