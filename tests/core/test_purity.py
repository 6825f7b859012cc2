"""The core imports the standard library and itself only: this test is the contract.

Every module under src/escalon/core is read with `ast` (nothing is imported), so an import
hidden in a function body, or made with `importlib.import_module`/`__import__`, counts too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

import escalon.core

CORE_PACKAGE = "escalon.core"
CORE_DIR = Path(escalon.core.__file__).resolve().parent
DYNAMIC_IMPORTERS = {"import_module", "__import__"}


class Violation(NamedTuple):
    line: int
    name: str
    statement: str


def package_of(path: Path) -> str:
    """The dotted package a core file's relative imports are resolved against."""
    parts = path.relative_to(CORE_DIR).with_suffix("").parts
    return ".".join((CORE_PACKAGE, *parts[:-1]))


def _absolute(level: int, module: str | None, package: str) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    if level > len(parts):  # climbs above the top package: keep it visible as written
        return "." * level + (module or "")
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{module}" if module else base


def _dynamic_name(call: ast.Call, package: str) -> str | None:
    """The module named by `importlib.import_module(...)` / `__import__(...)`, if this is one."""
    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if called not in DYNAMIC_IMPORTERS:
        return None
    if not call.args:
        return "<dynamic>"
    first = call.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return "<dynamic>"  # a computed name cannot be checked, so it is not allowed either
    name = first.value
    if name.startswith("."):
        anchor = package
        if len(call.args) > 1 and isinstance(call.args[1], ast.Constant):
            anchor = str(call.args[1].value)
        level = len(name) - len(name.lstrip("."))
        return _absolute(level, name.lstrip(".") or None, anchor)
    return name


def imported_names(source: str, package: str = CORE_PACKAGE) -> list[Violation]:
    """Every module the source imports, wherever the import sits, with its line."""
    found: list[Violation] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Violation(node.lineno, a.name, ast.unparse(node)) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.level, node.module, package)
            # `from . import x`: each imported name is itself a module
            names = [f"{base}.{a.name}" for a in node.names] if node.module is None else [base]
            found += [Violation(node.lineno, name, ast.unparse(node)) for name in names]
        elif isinstance(node, ast.Call):
            name = _dynamic_name(node, package)
            if name is not None:
                found.append(Violation(node.lineno, name, ast.unparse(node)))
    return sorted(found)


def is_allowed(name: str) -> bool:
    if name == CORE_PACKAGE or name.startswith(CORE_PACKAGE + "."):
        return True
    root = name.split(".")[0]
    return bool(root) and (root == "__future__" or root in sys.stdlib_module_names)


def impure_imports(source: str, package: str = CORE_PACKAGE) -> list[Violation]:
    return [v for v in imported_names(source, package) if not is_allowed(v.name)]


CORE_MODULES = sorted(CORE_DIR.rglob("*.py"))


def test_the_walk_finds_the_core_modules():
    names = {p.relative_to(CORE_DIR).as_posix() for p in CORE_MODULES}
    assert {"__init__.py", "conditions.py", "priority.py", "sla.py", "case.py"} <= names


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: p.relative_to(CORE_DIR).as_posix())
def test_core_module_imports_only_stdlib_and_core(path: Path):
    bad = impure_imports(path.read_text(encoding="utf-8"), package_of(path))
    shown = path.relative_to(CORE_DIR.parent.parent).as_posix()
    assert not bad, "\n".join(
        f"{shown}:{v.line} imports {v.name!r}, which is neither the standard library nor "
        f"{CORE_PACKAGE}: {v.statement}"
        for v in bad
    )


FAKE_IMPURE_MODULE = '''
"""A core module gone wrong."""
from __future__ import annotations

import json
import sqlalchemy.orm
from sqlalchemy import select

from escalon.core.errors import InvalidValue
from . import sla
from .conditions import Condition


def load():
    from escalon.store import rows
    import importlib
    importlib.import_module("requests")
    __import__("yaml")
    return importlib.import_module(".durations", "escalon.core")


from ..services import cases
from escalon.corex import nothing
'''


def test_checker_flags_third_party_and_outer_layer_imports_even_nested():
    bad = impure_imports(FAKE_IMPURE_MODULE, "escalon.core")
    assert [v.name for v in bad] == [
        "sqlalchemy.orm",
        "sqlalchemy",
        "escalon.store",
        "requests",
        "yaml",
        "escalon.services",
        "escalon.corex",
    ]
    assert bad[2] == Violation(15, "escalon.store", "from escalon.store import rows")


def test_checker_accepts_stdlib_future_and_core_imports():
    names = {v.name for v in imported_names(FAKE_IMPURE_MODULE, "escalon.core")}
    allowed = names - {v.name for v in impure_imports(FAKE_IMPURE_MODULE, "escalon.core")}
    assert allowed == {
        "__future__",
        "json",
        "importlib",
        "escalon.core.errors",
        "escalon.core.sla",
        "escalon.core.conditions",
        "escalon.core.durations",
    }


def test_checker_refuses_an_import_whose_name_is_computed():
    source = "import importlib\nname = 'x'\nimportlib.import_module(name)\n"
    assert [v.name for v in impure_imports(source)] == ["<dynamic>"]
