"""Lazy imports: a module that is loaded the first time one of its names is used.

``nkletters --help`` needs Click and nothing else; ``generate --city Chicago`` needs the
layout but not the checker or the gazetteer. The CLI names its library modules through
:func:`lazy_module`, so each command loads only what it uses (the standard library's
``importlib.util.LazyLoader``), and its code reads as if they were imported at the top.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name`` (absolute), executed on first attribute access.

    A sub-module's package is found but not executed either: ``find_spec`` on a dotted
    name would import the package, and a lazy package would run at once.
    """
    if name in sys.modules:
        return sys.modules[name]
    parent, _, child = name.rpartition(".")
    if parent and parent not in sys.modules:
        lazy_module(parent)
    if parent:
        locations = _search_locations(parent)
        spec = importlib.machinery.PathFinder.find_spec(name, locations)
    else:
        spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if parent:
        # As the import system does: ``package.child``. Written into the package's
        # namespace directly, since setting an attribute on a lazy package runs it.
        object.__getattribute__(sys.modules[parent], "__dict__")[child] = module
    return module


def _search_locations(package: str) -> list[str]:
    """Where ``package``'s sub-modules are, without running the package."""
    module = sys.modules[package]
    spec = object.__getattribute__(module, "__dict__").get("__spec__")
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"{package!r} is not a package", name=package)
    return list(spec.submodule_search_locations)
