"""Lazy imports: a module that is loaded the first time one of its names is used.

``nkletters --help`` needs Click and nothing else; ``generate --city Chicago`` needs the
layout but not the checker or the gazetteer. The CLI names its library modules through
:func:`lazy_module`, so each command loads only what it uses (the standard library's
``importlib.util.LazyLoader``), and its code reads as if they were imported at the top.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name`` (absolute), executed on first attribute access."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
