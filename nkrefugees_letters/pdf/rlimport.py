"""reportlab's import: its paragraph module loaded without compiling, at start, a pattern
that a letter seldom needs.

``reportlab.platypus.paragraph`` compiles one regular expression when it is imported: the
pattern of a web address, used only to break an address too long for its line, which our
styles never ask for (they neither hyphenate nor set ``uriWasteReduce``). It is
case-insensitive over every character from U+00A1 to U+FFFF, and compiling it takes
30 ms, about a tenth of a one-letter process and an eighth of what a batch does before its
second process starts. :func:`install` (run by ``pdf/__init__.py``) hooks the import
system so that, whenever that module is first imported, the pattern is made a
:class:`LazyPattern`, compiled the first time it is used; every other pattern is compiled
as usual. Nothing of reportlab is imported until something asks for it.
"""

from __future__ import annotations

import importlib.machinery
import re
import sys
from collections.abc import Sequence
from functools import cached_property
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.abc import Loader

__all__ = ["PARAGRAPH", "URI_PATTERN_START", "LazyPattern", "install"]

PARAGRAPH = "reportlab.platypus.paragraph"
URI_PATTERN_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"
"""How reportlab's web-address pattern begins (paragraph.py's ``uri_pat``, reportlab 4 and
5); a pattern that does not begin so is compiled at once, as before."""


class LazyPattern:
    """A regular expression compiled the first time it is used."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        """The pattern's text, as ``re.Pattern.pattern``."""
        self._flags = flags

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        """The pattern, compiled."""
        return re.compile(self.pattern, self._flags)

    def __getattr__(self, name: str) -> Any:  # only for names not found on the object
        return getattr(self.compiled, name)


def install() -> None:
    """Have the first import of :data:`PARAGRAPH` leave its web-address pattern to be
    compiled when first used. Nothing happens if it is imported already."""
    if PARAGRAPH not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


class _Finder:
    """A meta path finder (importlib.abc.MetaPathFinder): finds :data:`PARAGRAPH` as the
    import system would, once, and wraps its loader."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != PARAGRAPH:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)  # type: ignore[assignment]
        return spec


class _Loader:
    """A loader (importlib.abc.Loader): runs the module with ``re.compile`` making the
    web-address pattern lazy."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        real = re.compile

        def compile_later(pattern: Any, flags: Any = 0) -> Any:
            if isinstance(pattern, str) and pattern.startswith(URI_PATTERN_START):
                return LazyPattern(pattern, int(flags))
            return real(pattern, flags)

        re.compile = compile_later
        try:
            self.loader.exec_module(module)
        finally:
            re.compile = real

    def __getattr__(self, name: str) -> Any:  # get_data, get_filename… of the real loader
        return getattr(self.loader, name)
