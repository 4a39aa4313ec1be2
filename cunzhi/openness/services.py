"""Writes of the public board: publish a notice, raise an objection (the public), answer it."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.selectors import holders_of
from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.inbox.services import notify
from cunzhi.core.privacy import mask_phone
from cunzhi.core.ratelimit import Limit
from cunzhi.core.regioncodes import Level
from cunzhi.core.writes import editable_fields, require_permission, update_audited
from cunzhi.openness.models import Notice, NoticeCategory, Objection
from cunzhi.regions.models import Region

PUBLIC = "public board"  # the actor of an objection in the trace: no account, no name


# Objections from one sender (a hash of the address): the page and the API answer 429.
OBJECTIONS = Limit(
    scope="openness.objection",
    count_setting="OPENNESS_OBJECTIONS_PER_HOUR",
    window_setting="OPENNESS_OBJECTIONS_WINDOW_SECONDS",
    message=_("Too many objections from here in the last hour: try again later."),
)


def board_generation_key(code: str) -> str:
    return f"openness:board:{code}"


def board_changed(code: str) -> None:
    """Make the village's cached public board stale (a new key for every later reader).

    Called inside the write's transaction rather than after its commit: a write that rolls back
    costs one needless render of the board, and a reader never sees a board older than a write.
    """
    key = board_generation_key(code)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def publicity_end(village: Region, published_on: datetime.date) -> datetime.date:
    """The last day objections are taken: ``openness.publicity_days`` after publication, the
    publication day not counted (as the house counts periods): published 2026-03-02 for 7 days,
    open until 2026-03-09."""
    days = policy.get("openness.publicity_days", region_code=village.code, on=published_on)
    return published_on + datetime.timedelta(days=int(days))


def notice_publish(
    *,
    actor: Any,
    village: Region,
    category: str,
    title: str,
    body: str,
    publicity: bool = False,
    source: models.Model | None = None,
    today: datetime.date | None = None,
) -> Notice:
    """Publish a notice on the village's board, opening a publicity period if asked.

    The county audit chain's head right after the publication is kept on the notice (and
    printed on it).
    """
    if village.level != Level.VILLAGE:
        raise ValidationError(_("Notices are published on a village's board."))
    today = today or timezone.localdate()
    notice = Notice(
        region=village,
        category=category,
        title=title,
        body=body,
        published_on=today,
        publicity_ends_on=publicity_end(village, today) if publicity else None,
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    if source is not None:
        notice.source_type, notice.source_id = source._meta.label_lower, str(source.pk)
    with transaction.atomic():
        require_permission(actor, "openness.add_notice", village.code)
        notice.full_clean()
        notice.save()
        # The publication's own event: its hash is the chain's head right after it.
        head = audit.record(
            actor=actor,
            action="openness.notice_publish",
            obj=notice,
            data={"fields": audit.snapshot(notice, editable_fields(notice))},
        )
        # Kept beside the notice, not as an edit of it: the head is a fact about the chain.
        Notice.objects.filter(pk=notice.pk).update(
            chain=head.chain, chain_seq=head.seq, chain_hash=head.hash
        )
        notice.chain, notice.chain_seq, notice.chain_hash = head.chain, head.seq, head.hash
        board_changed(village.code)
    return notice


PHONE = re.compile(r"^\+?[0-9]{7,15}$")


def sender_of(address: str | None) -> str:
    """A salted hash of the sender's address: enough to count, nothing to give away."""
    salt = settings.SECRET_KEY.encode()
    return hashlib.sha256(salt + (address or "-").encode()).hexdigest()


def objection_raise(
    *,
    notice: Notice,
    phone: str,
    text: str,
    name: str = "",
    sender: str,
    today: datetime.date | None = None,
) -> Objection:
    """A villager's objection from the public board, during the notice's publicity period.

    No account: the trace names the public board as the actor and keeps the phone masked.
    At most ``OPENNESS_OBJECTIONS_PER_HOUR`` objections an hour from one sender (``OBJECTIONS``;
    ``core.ratelimit.RateLimited``). ``sender`` (``sender_of``) is only that limit's key: the
    objection does not keep it.
    """
    today = today or timezone.localdate()
    if not notice.in_publicity(today):
        raise ValidationError(
            _("Objections are taken only during the publicity period of a notice.")
        )
    phone = re.sub(r"[\s-]", "", phone or "")
    if not PHONE.match(phone):
        raise ValidationError({"phone": [_("Enter a phone number, so that you can be answered.")]})
    with transaction.atomic():
        # Counted in this transaction: an objection that is refused or rolls back is not counted.
        OBJECTIONS.hit(sender)
        objection = Objection(
            region=notice.region,
            notice=notice,
            name=name.strip(),
            phone=phone,
            text=text.strip(),
            raised_on=today,
        )
        objection.full_clean()
        objection.save()
        # The village's own cadres who answer objections are told in their inbox.
        notify(
            recipients=holders_of("openness.change_objection", notice.region_code, nearest=True),
            message=_("An objection to “%(title)s” waits for an answer.") % {"title": notice.title},
            obj=objection,
            verb="objection",
        )
        audit.record(
            actor=None,
            actor_label=PUBLIC,
            action="openness.objection_raise",
            obj=objection,
            data={"notice": notice.pk, "phone": mask_phone(phone), "named": bool(objection.name)},
        )
        board_changed(notice.region_code)
    return objection


def objection_answer(
    *,
    actor: Any,
    objection: Objection,
    answer: str,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> Objection:
    """Answer an objection; the decision its notice holds may go on once all are answered."""
    today = today or timezone.localdate()
    if not answer.strip():
        raise ValidationError({"answer": [_("Write the answer.")]})
    with transaction.atomic():
        require_permission(actor, "openness.change_objection", objection.region_code)
        if objection.answered_on is not None:
            raise ValidationError(_("This objection has been answered already."))

        def stamp(current: Objection) -> None:
            current.answered_on = today
            current.answered_by = actor

        saved = update_audited(
            actor=actor,
            obj=objection,
            changes={"answer": answer.strip()},
            expected_version=expected_version,
            action="openness.objection_answer",
            prepare=stamp,
        )
        board_changed(objection.region_code)
    return saved


def category_choices() -> list[tuple[str, Any]]:
    return list(NoticeCategory.choices)
