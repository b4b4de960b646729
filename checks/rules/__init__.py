"""Rule families, one module each; importing this package registers every rule.

Modules are discovered, so adding a family means adding a module here and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil


def _import_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


_import_all()
