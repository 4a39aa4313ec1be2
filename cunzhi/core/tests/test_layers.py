"""The layers run core → audit → regions → accounts → registry → domains; no arrow points up;
and no production module imports a test helper.

``core`` and ``audit`` are the foundation every app builds on, so neither may import an app above
it: not at the top of a module, not inside a function (a lazy import is still a dependency), and
not under ``TYPE_CHECKING`` either (a type-only import still makes the foundation know the app
above it; ``Any`` or a protocol says what core needs without naming who provides it). What core
needs from above is handed in at start-up instead (``core.scoping.provide_scopes`` from
``AccountsConfig.ready``), and pages that combine the layers live above them all
(``cunzhi/pages.py``, ``cunzhi/api.py``). Tests and migrations are left out: a test assembles
the whole system, and a migration names the models its foreign keys point at.

One arrow is allowed: ``core`` → ``audit``, whose ``record`` every audited write in
``core.writes`` calls in the write's own transaction.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

import cunzhi

ROOT = Path(cunzhi.__file__).parent
# Modules of the project package that sit above every app.
PROJECT_TOP = {"cunzhi.api", "cunzhi.pages", "cunzhi.urls", "cunzhi.settings", "cunzhi.wsgi"}
ALLOWED = {"core": {"cunzhi.core", "cunzhi.audit"}, "audit": {"cunzhi.core", "cunzhi.audit"}}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``, in line order, relative ones resolved
    against ``package`` (the package the module is in)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            if not node.level:
                module = node.module or ""
            else:
                module = f"{base}.{node.module}" if node.module else base
            found.append((node.lineno, module))
            # "from cunzhi import accounts" names the app in the alias
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return sorted(found)


def _forbidden(app: str) -> list[str]:
    project_apps = [c.name for c in apps.get_app_configs() if c.name.startswith("cunzhi.")]
    return sorted({*project_apps, *PROJECT_TOP} - ALLOWED[app])


def _is_forbidden(module: str, forbidden: list[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in forbidden)


def _violations(app: str) -> list[str]:
    forbidden = _forbidden(app)
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if path.relative_to(ROOT / app).parts[0] in {"tests", "migrations"}:
            continue
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for line, module in _imports(path.read_text(encoding="utf-8"), package):
            if _is_forbidden(module, forbidden):
                found.append(f"{path.relative_to(ROOT.parent)}:{line} imports {module}")
    return sorted(set(found))


@pytest.mark.parametrize("app", ["core", "audit"])
def test_the_foundation_imports_no_app_above_it(app: str) -> None:
    assert _violations(app) == []


def test_the_check_sees_lazy_type_only_and_relative_imports_of_an_app_above() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from cunzhi.regions.models import Region\n"
        "def f():\n"
        "    from cunzhi.accounts.scopes import scope_prefixes\n"
        "    from cunzhi import registry\n"
        "    from ..audit import services\n"
        "    from ..accounts import models\n"
    )
    forbidden = _forbidden("core")
    caught = {m for _line, m in _imports(source, "cunzhi.core") if _is_forbidden(m, forbidden)}
    assert caught >= {
        "cunzhi.regions.models",
        "cunzhi.accounts.scopes",
        "cunzhi.registry",
        "cunzhi.accounts.models",
    }
    assert not any(m.startswith("cunzhi.audit") for m in caught)  # core → audit is allowed


def _is_test_helper(module: str) -> bool:
    parts = module.split(".")
    return "testing" in parts or "tests" in parts or "conftest" in parts


def test_no_production_module_imports_test_helpers() -> None:
    """Test helpers (``*/testing.py``, ``*/tests/``) may build users with known passwords and
    skip checks; production code, the demo and the scale builder included, never imports them."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name in {"testing.py", "conftest.py"}:
            continue
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for line, module in _imports(path.read_text(encoding="utf-8"), package):
            if module.startswith("cunzhi.") and _is_test_helper(module):
                found.append(f"{path.relative_to(ROOT.parent)}:{line} imports {module}")
    assert sorted(set(found)) == []
