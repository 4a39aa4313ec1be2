"""The test-only domain's records for the sweeps over every URL (accounts.testing)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.core.attachments.models import Attachment
from cunzhi.core.attachments.services import attachment_add
from tests.kitdomain.models import Case
from tests.kitdomain.tests.factories import make_case

# The smallest document the content check accepts as a PDF.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@record_factory("kitdomain.case")
def a_case(county: County, people: ThreePeople) -> Case:
    return make_case(county)


@record_factory("core.attachment")
def an_attachment(county: County, people: ThreePeople) -> Attachment:
    upload = SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf")
    return attachment_add(actor=county.admin, obj=make_case(county), upload=upload, purpose="协议")
