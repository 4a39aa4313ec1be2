"""manage.py audit_verify: walk every chain; exit 1 naming each break, 0 when all is intact."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from cunzhi.audit.models import ChainHead
from cunzhi.audit.services import check_head, verify_all


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log, or that a head written down is still in it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--head",
            help="A head hash kept from earlier (a printed notice carries one): is it still in "
            "its chain, with every event up to it intact?",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("head"):
            self.check_head(options["head"])
            return
        breaks = list(verify_all())
        if breaks:
            for problem in breaks:
                self.stderr.write(f"BROKEN {problem}")
            self.stderr.write(f"{len(breaks)} problem(s); the first is {breaks[0]}")
            sys.exit(1)
        heads = ChainHead.objects.order_by("chain")
        for head in heads:
            # The head hashes are what to write down or publish: any later rewrite changes them.
            self.stdout.write(f"chain {head.chain}: {head.last_seq} events, head {head.last_hash}")
        self.stdout.write(f"audit log intact: {heads.count()} chain(s)")

    def check_head(self, head: str) -> None:
        result = check_head(head)
        if result.seq is None:
            self.stderr.write(
                f"NOT FOUND: no event of any chain has the hash {head}. The chain was rewritten "
                "after this head was written down, or the head was copied wrongly."
            )
            sys.exit(1)
        if result.breaks:
            for problem in result.breaks:
                self.stderr.write(f"BROKEN {problem}")
            sys.exit(1)
        self.stdout.write(
            f"chain {result.chain} still contains head {result.head} at seq {result.seq}; "
            "every event up to it is intact"
        )
