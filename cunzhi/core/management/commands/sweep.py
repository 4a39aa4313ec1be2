"""Run the deadline sweep once, now: reminders, overdue marks and escalations (core.workflow)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cunzhi.core.workflow.sweep import schedule, sweep


class Command(BaseCommand):
    help = "Run the deadline sweep once (the worker runs it every hour by itself)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Also make sure the worker has its next sweep waiting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = sweep()
        self.stdout.write(
            f"reminded {report.reminded}, overdue {report.overdue}, escalated {report.escalated}"
        )
        for problem in report.refused:
            self.stderr.write(f"not escalated: {problem}")
        if options["schedule"] and schedule():
            self.stdout.write("the next sweep is scheduled")
