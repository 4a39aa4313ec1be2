"""Every audited action follows one rule and reads as words in both languages.

The rule: an action is ``<app>.<service name>``, the name of the service that wrote it
(``registry.resident_update`` from ``registry.services.resident_update``). A function that
records an event which happened elsewhere is named ``<event>_record`` and writes ``<app>.<event>``
(``accounts.sign_in_record`` writes ``accounts.sign_in``); a private helper writes the action of
a service of its app. ``core.writes`` names its default ``<app>.<model>_<verb>``, which is the
service's own name when the service is named after its model (``contact_update``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import AppConfig, apps
from django.utils import translation

import cunzhi
from cunzhi.audit.labels import action_label, registered

ROOT = Path(cunzhi.__file__).parent
HAN = re.compile(r"[\u4e00-\u9fff]")
# Public functions of a services module that take an actor and are not services: the recorder
# every service calls, and a permission check.
NOT_SERVICES = {"audit.record", "accounts.require_manage_user"}


def project_apps() -> list[AppConfig]:
    return [c for c in apps.get_app_configs() if c.name.startswith("cunzhi.")]


def services_of(config: AppConfig) -> Iterator[str]:
    """``<app>.<name>`` of every public function taking ``actor`` in the app's services."""
    try:
        package = importlib.import_module(f"{config.name}.services")
    except ModuleNotFoundError:
        return
    modules = [package]
    if hasattr(package, "__path__"):
        modules += [
            importlib.import_module(f"{package.__name__}.{info.name}")
            for info in pkgutil.iter_modules(package.__path__)
        ]
    for module in modules:
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if not function.__module__.startswith(package.__name__):
                continue  # imported from elsewhere
            actor = inspect.signature(function).parameters.get("actor")
            # A service takes its actor by keyword (``<entity>_<verb>(*, actor, ...)``); a helper
            # that passes one along positionally (``rules.new_resident``) is not a service.
            if actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY:
                yield f"{config.label}.{name}"


def every_service() -> set[str]:
    return {s for c in project_apps() for s in services_of(c)} - NOT_SERVICES


def production_modules(config: AppConfig) -> Iterator[Path]:
    for path in sorted(Path(config.path).rglob("*.py")):
        if not {"tests", "migrations"} & set(path.relative_to(config.path).parts):
            yield path


def recorded_actions() -> list[tuple[str, str, str, set[str]]]:
    """(where, action, enclosing function, the app's function names) of every action written
    as a literal: an ``action="..."`` argument or an ``*_ACTION = "..."`` constant."""
    found = []
    for config in project_apps():
        modules = list(production_modules(config))
        trees = {path: ast.parse(path.read_text()) for path in modules}
        functions = {
            node.name
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef)
        }
        for path, tree in trees.items():
            where = str(path.relative_to(ROOT.parent))
            for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
                for node in ast.walk(function):
                    if not isinstance(node, ast.Call):
                        continue
                    for keyword in node.keywords:
                        value = keyword.value
                        if (
                            keyword.arg == "action"
                            and isinstance(value, ast.Constant)
                            and isinstance(value.value, str)
                            and "." in value.value
                        ):
                            found.append((where, value.value, function.name, functions))
            for node in tree.body:
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and target.id.endswith("ACTION"):
                            action = str(node.value.value)
                            found.append((where, action, f"_{target.id}", functions))
    return found


def test_every_recorded_action_is_named_after_the_service_that_writes_it() -> None:
    found = recorded_actions()
    assert len(found) > 30, "the scan found too few actions to be looking in the right place"
    wrong = []
    for where, action, function, functions in found:
        app_label = where.split("/")[1]
        app, _dot, name = action.partition(".")
        if app != app_label:
            wrong.append(f"{where}: {action} is not an action of {app_label}")
        elif function.startswith("_"):
            if name not in functions:
                wrong.append(f"{where}: {action} names no function of {app_label}")
        elif name not in (function, function.removesuffix("_record")):
            wrong.append(f"{where}: {function}() writes {action}, not {app}.{function}")
    assert not wrong, "\n".join(wrong)


def test_the_service_discovery_finds_the_services_of_every_layer() -> None:
    services = every_service()
    for expected in [
        "core.policy_override_set",
        "regions.contact_update",
        "accounts.post_assign",
        "registry.resident_update",
    ]:
        assert expected in services


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_service_and_every_recorded_action_has_a_label_in_both_languages(
    language: str,
) -> None:
    actions = every_service() | {action for _w, action, _f, _fs in recorded_actions()}
    labels = registered()
    missing = sorted(action for action in actions if action not in labels)
    assert not missing, f"no readable label registered for: {', '.join(missing)}"
    with translation.override(language):
        shown = {action: action_label(action) for action in actions}
    if language == "zh-hans":
        untranslated = sorted(a for a, label in shown.items() if not HAN.search(label))
        assert not untranslated, f"no Chinese label for: {', '.join(untranslated)}"


def test_an_event_written_before_the_rule_still_reads_its_label() -> None:
    with translation.override("zh-hans"):
        assert action_label("regions.contact.update") == action_label("regions.contact_update")
        assert action_label("registry.ten_group_create") == "保存十户联户组"
