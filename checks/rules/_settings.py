"""Helpers for rules about settings: settings files and ``app.config[...]`` assignments."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from ..source import SourceDoc
from ..syntax import string_value


def is_settings_file(doc: SourceDoc) -> bool:
    """Django-style settings modules: ``settings.py``, ``settings/prod.py``, ``config/settings_dev.py``.

    Asked for every assignment the settings rules see: answered once per document."""
    known = doc.memo.get("is_settings_file")
    if known is None:
        path = PurePosixPath(doc.path.replace("\\", "/"))
        known = doc.memo["is_settings_file"] = path.stem.startswith("settings") or (path.parent.name == "settings" and path.suffix == ".py")
    return known  # type: ignore[return-value]


def assigned_setting(doc: SourceDoc, node: ast.Assign) -> str | None:
    """The setting name an assignment sets, for module-level ``NAME = ...`` in a settings
    file and ``<x>.config["NAME"] = ...`` anywhere; else None."""
    if len(node.targets) != 1:
        return None
    target = node.targets[0]
    if isinstance(target, ast.Name) and is_settings_file(doc) and _is_module_statement(doc, node):
        return target.id
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) and target.value.attr == "config":
        return string_value(target.slice)
    return None


def env_read(variable: str) -> str:
    """Expression text reading a boolean flag from the environment."""
    return f'os.environ.get("{variable}", "").lower() in ("1", "true", "yes")'


def _is_module_statement(doc: SourceDoc, node: ast.stmt) -> bool:
    """``node`` is a statement of the module body (cheaper than building the parent map)."""
    ids = doc.memo.get("module_statement_ids")
    if ids is None:
        ids = doc.memo["module_statement_ids"] = {id(stmt) for stmt in doc.tree.body} if doc.tree else set()
    return id(node) in ids  # type: ignore[operator]
