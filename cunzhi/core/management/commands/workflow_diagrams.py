"""Write docs/workflows.md: every declared workflow as a Mermaid diagram and tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from cunzhi.core.workflow.diagram import markdown

TARGET = Path(settings.BASE_DIR) / "docs" / "workflows.md"


class Command(BaseCommand):
    help = "Write docs/workflows.md from the declared workflows (make diagrams)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not apps.is_installed("tests.kitdomain"):
            self.stderr.write(
                "The test-only example domain is not installed, so its diagram will be missing: "
                "run with CUNZHI_TEST_APPS=1 (make diagrams does)."
            )
        text = markdown()
        if options["check"]:
            if TARGET.read_text(encoding="utf-8") != text:
                raise SystemExit("docs/workflows.md is stale: run make diagrams")
            return
        TARGET.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {TARGET.relative_to(settings.BASE_DIR)}")
