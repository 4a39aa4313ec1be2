"""Building demand test data through the services, and the records for the URL sweeps."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.demands.models import Demand, DemandCategory
from cunzhi.demands.services import demand_create
from cunzhi.regions.models import Region


def photo(name: str = "修好的路.jpg") -> SimpleUploadedFile:
    """A small JPEG, as a phone's camera would send it."""
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (64, 48), "grey").save(output, "JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def make_demand(
    actor: Any,
    village: Region,
    *,
    category: str = "roads",
    title: str = "村道塌方",
    registered_on: datetime.date | None = None,
    today: datetime.date | None = None,
    **extra: Any,
) -> Demand:
    return demand_create(
        actor=actor,
        village=village,
        category=DemandCategory.objects.get(code=category),
        title=title,
        description=extra.pop("description", "上寨到下寨的村道雨后塌方，车辆无法通行。"),
        source=extra.pop("source", "walk_in"),
        registered_on=registered_on,
        today=today,
        **extra,
    )


@record_factory("demands.demand")
def a_demand(county: County, people: ThreePeople) -> Demand:
    return make_demand(county.admin, county.village)
