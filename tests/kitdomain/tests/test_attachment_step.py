"""A step that requires a file stores it through core.attachments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.core.attachments.selectors import attachments_of
from tests.kitdomain.models import Case, CaseState
from tests.kitdomain.services import case_transition
from tests.kitdomain.tests.factories import make_case

pytestmark = pytest.mark.django_db

# The smallest valid PDF header is enough for a content check to see a document.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_settling_requires_the_agreement_file(county: County, people: ThreePeople) -> None:
    from django.core.exceptions import ValidationError

    case = make_case(county)
    case_transition(actor=people.in_scope, case=case, name="accept", expected_version=1)
    with pytest.raises(ValidationError) as refused:
        case_transition(
            actor=people.in_scope, case=case, name="settle", expected_version=2, resolution="和解"
        )
    assert "attachment" in refused.value.message_dict
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_settling_stores_the_agreement_with_its_purpose(
    county: County, people: ThreePeople
) -> None:
    case = make_case(county)
    case_transition(actor=people.in_scope, case=case, name="accept", expected_version=1)
    upload = SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf")
    case_transition(
        actor=people.in_scope, case=case, name="settle", expected_version=2,
        resolution="双方和解", attachment=upload,
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED
    (stored,) = attachments_of(case)
    assert stored.purpose == "agreement"
