from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from cunzhi.accounts.testing import County
from cunzhi.audit import services as audit
from cunzhi.audit.models import AppendOnly, ChainHead, Event
from cunzhi.regions.services import contact_create

pytestmark = pytest.mark.django_db


def add_contacts(county: County, n: int) -> None:
    for i in range(n):
        contact_create(
            actor=county.admin,
            region=county.village,
            name=f"联系人{i}",
            organisation="青龙镇政府",
            level="township",
        )


def verify_exit_code(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        call_command("audit_verify")
    except SystemExit as exc:
        return int(exc.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().out


def test_each_county_has_its_own_gapless_chain(county: County) -> None:
    add_contacts(county, 3)
    chain = list(Event.objects.filter(chain="530199").order_by("seq"))
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert len(chain) >= 3
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    head = ChainHead.objects.get(chain="530199")
    assert (head.last_seq, head.last_hash) == (chain[-1].seq, chain[-1].hash)


def test_verify_passes_on_an_intact_log(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    add_contacts(county, 2)
    code, out = verify_exit_code(capsys)
    assert code == 0
    assert "intact" in out


def test_verify_names_the_event_edited_in_the_database(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(county, 3)
    victim = Event.objects.filter(chain="530199").order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_event SET object_label = %s WHERE id = %s", ["篡改", victim.pk]
        )
    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"seq {victim.seq} (event id {victim.pk})" in err
    assert "content differs" in err


def test_verify_notices_a_deleted_event(county: County, capsys: pytest.CaptureFixture[str]) -> None:
    add_contacts(county, 3)
    victim = Event.objects.filter(chain="530199").order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [victim.pk])
    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"seq {victim.seq}" in err and "missing" in err


def test_verify_notices_the_last_event_deleted(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(county, 2)
    last = Event.objects.filter(chain="530199").order_by("-seq").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [last.pk])
    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"log ends at {last.seq - 1}" in err


def test_events_refuse_update_and_delete_through_the_orm(county: County) -> None:
    add_contacts(county, 1)
    event = Event.objects.filter(chain="530199").first()
    assert event is not None
    event.object_label = "changed"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        Event.objects.filter(pk=event.pk).update(object_label="changed")
    with pytest.raises(AppendOnly):
        Event.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(county: County) -> None:
    with pytest.raises(RuntimeError):
        audit.record(actor=county.admin, action="x.y", object_type="x", object_id=1)


def test_a_rolled_back_write_leaves_no_event(county: County) -> None:
    before = Event.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(actor=county.admin, action="x.y", object_type="x", object_id=1)
        1 / 0  # noqa: B018
    assert Event.objects.count() == before
    assert not list(audit.verify_all())


def _rewrite_from(chain: str, seq: int, new_label: str) -> None:
    """What an attacker with the database does: change one event, then recompute every hash
    after it and the head, so that the chain verifies again on its own."""
    events = list(Event.objects.filter(chain=chain, seq__gte=seq).order_by("seq"))
    prev = Event.objects.get(chain=chain, seq=seq - 1).hash if seq > 1 else audit.GENESIS
    with connection.cursor() as cursor:
        for event in events:
            if event.seq == seq:
                event.object_label = new_label
            event.prev_hash = prev
            event.hash = audit.event_digest(event)
            cursor.execute(
                "UPDATE audit_event SET object_label = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.object_label, event.prev_hash, event.hash, event.pk],
            )
            prev = event.hash
        cursor.execute("UPDATE audit_chainhead SET last_hash = %s WHERE chain = %s", [prev, chain])


def test_a_head_written_down_exposes_a_chain_rewritten_after_it(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(county, 3)
    kept = ChainHead.objects.get(chain="530199").last_hash
    add_contacts(county, 2)
    call_command("audit_verify", head=kept)
    assert "still contains head" in capsys.readouterr().out
    _rewrite_from("530199", 2, "改过的联系人")
    assert verify_exit_code(capsys)[0] == 0  # the rewritten chain verifies on its own
    with pytest.raises(SystemExit) as failed:
        call_command("audit_verify", head=kept)
    assert failed.value.code == 1
    assert "NOT FOUND" in capsys.readouterr().err


def test_a_rewrite_after_the_head_leaves_the_head_in_its_chain(
    county: County, capsys: pytest.CaptureFixture[str]
) -> None:
    add_contacts(county, 3)
    kept = ChainHead.objects.get(chain="530199")
    add_contacts(county, 2)
    _rewrite_from("530199", kept.last_seq + 1, "改过的联系人")
    result = audit.check_head(kept.last_hash)
    assert result.contained and result.seq == kept.last_seq
