"""A successful sign-in with the throttle on against the same sign-in with it off. Target: ≤ 1.1x.

Subject: ``POST /login/`` with the right password through the whole stack (middleware, the sign-in
form, ``authenticate``, the session, the audit event), Axes on as in production: its backend asks
whether the account or the address is locked (two queries) before the password is checked, and
its sign-in handler clears expired failures.

Baseline: the same request with ``AXES_ENABLED = False``: Axes' backend, handlers and middleware
step aside and nothing else changes.

The password is hashed as in production (Django's PBKDF2), because that is what a person's
sign-in costs; the note also gives the ratio with a fast hasher, which is the throttle's cost
against everything else a sign-in does.
"""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client, override_settings

from benchmarks.common import Result, county, time_pair
from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import PASSWORD, make_user
from cunzhi.audit.models import Event

SIGNINS = 2  # per timed batch, with the production hasher (about 0.3 s each)
FAST_SIGNINS = 20  # per timed batch, with the fast hasher
REPEAT = 7
TARGET = 1.1
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USERNAME = "bench_supervisor"


def _sign_ins(count: int) -> Callable[[], None]:
    def batch() -> None:
        for _ in range(count):
            # A fresh client each time: a first sign-in, with no session to reuse.
            response = Client(SERVER_NAME="localhost").post(
                "/login/", {"username": USERNAME, "password": PASSWORD}
            )
            if response.status_code != 302 or response["Location"] != "/":
                raise RuntimeError(f"sign-in failed: {response.status_code}")

    return batch


def _throttle_off(batch: Callable[[], None]) -> Callable[[], None]:
    def unthrottled() -> None:
        with override_settings(AXES_ENABLED=False):
            batch()

    return unthrottled


def _measure(count: int) -> tuple[float, float, float]:
    """(ratio, subject seconds, baseline seconds) per sign-in, medians of REPEAT batches."""
    batch = _sign_ins(count)
    subject, baseline = time_pair(batch, _throttle_off(batch), repeat=REPEAT, warmup=1)
    return (
        subject.median / baseline.median,
        subject.median / count,
        baseline.median / count,
    )


def run() -> list[Result]:
    # A supervision-committee member may not reveal numbers, so the sign-in ends at the password
    # (no second factor) and goes home, as most sign-ins of the day do.
    make_user(county(), USERNAME, Role.SUPERVISION_MEMBER, county().village)
    events_before = Event.objects.filter(action="accounts.sign_in").count()
    ratio, subject, baseline = _measure(SIGNINS)
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        # The stored hash was made by the production hasher; a fast one needs its own.
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username=USERNAME)
        user.set_password(PASSWORD)
        user.save()
        fast_ratio, fast_subject, fast_baseline = _measure(FAST_SIGNINS)
    signed_in = Event.objects.filter(action="accounts.sign_in").count() - events_before
    expected = 2 * (REPEAT + 1) * (SIGNINS + FAST_SIGNINS)
    if signed_in != expected:
        raise RuntimeError(f"expected {expected} sign-in events, found {signed_in}")
    return [
        Result(
            name="signin: throttled sign-in vs unthrottled",
            subject=f"sign-in {subject * 1000:.0f} ms",
            baseline=f"unthrottled {baseline * 1000:.0f} ms",
            ratio=ratio,
            target=f"≤ {TARGET:.1f}x",
            passed=ratio <= TARGET,
            note=(
                f"throttle adds {(subject - baseline) * 1000:.1f} ms; with a fast hasher "
                f"{fast_subject * 1000:.1f} vs {fast_baseline * 1000:.1f} ms, "
                f"{fast_ratio:.2f}x; median of {REPEAT}"
            ),
        )
    ]
