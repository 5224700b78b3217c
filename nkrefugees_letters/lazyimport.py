"""Lazy imports: a module that is loaded the first time one of its names is used.

``nkletters --help`` needs Click and nothing else; ``generate --city Chicago`` needs the
layout but not the checker or the gazetteer. The CLI names its library modules through
:func:`lazy_module`, so each command loads only what it uses (the standard library's
``importlib.util.LazyLoader``), and its code reads as if they were imported at the top.

A lazy module is not safe to load from two threads at once before Python 3.12.3: the
second thread sees it empty while the first runs it. A process about to answer from
several threads (the web server) loads every waiting one first (:func:`load_pending`).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from types import ModuleType

__all__ = ["lazy_module", "load_pending"]


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
    object.__getattribute__(module, "__dict__")[_MARK] = True  # kept once it has run
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


def load_pending() -> None:
    """Run every module :func:`lazy_module` made that has not run yet (and what they
    import lazily in turn), so that no thread can meet one half loaded: a request
    thread of the web server met ``selection`` empty (an AttributeError) while another
    was loading it."""
    while pending := [module for module in list(sys.modules.values()) if _waiting(module)]:
        for module in pending:
            getattr(module, "__name__")  # noqa: B009 - any attribute runs it


_MARK = "__nkletters_lazy__"
"""Set in the namespace of each module :func:`lazy_module` makes."""


def _waiting(module: object) -> bool:
    """True for a module :func:`lazy_module` made that has not run: its class is still
    the lazy one (asking its namespace does not run it)."""
    if type(module) is ModuleType or not isinstance(module, ModuleType):
        return False
    try:
        return _MARK in object.__getattribute__(module, "__dict__")
    except AttributeError:  # a module-like object of an extension (cffi's)
        return False
