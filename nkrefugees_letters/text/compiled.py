"""Compiled templates: the sandbox's Python code for a template part, kept in the user cache.

Jinja2 turns each part of a template (the body, the subject, each recipient line…) into
Python code, which costs more than the letter's text itself. The code is kept, as
Jinja2's own bytecode cache keeps it (``marshal``, as Python keeps ``.pyc`` files), in
the user's cache folder, under a digest of everything it depends on: the part's source,
this version of nkletters, the sandbox's and the filters' own source (the code generator
and the filter names it checks), Jinja2's version and the Python bytecode's.
"""

from __future__ import annotations

import functools
import importlib.util
import types
from pathlib import Path

import jinja2

from .. import __version__, usercache
from . import filters, sandbox

__all__ = ["from_string"]


def from_string(env: jinja2.Environment, source: str) -> jinja2.Template:
    """What ``env.from_string(source)`` returns, compiled once per source and kept.

    A syntax error is Jinja2's, raised as ``from_string`` raises it (nothing is kept).
    """
    generator = _generator()
    if not generator:  # the sandbox's source cannot be read: compile every time
        return env.from_string(source)
    name = f"jinja/{usercache.digest(generator, source)}.marshal"
    code = usercache.read_marshal(name)
    if not isinstance(code, types.CodeType):  # none kept yet, or a damaged entry
        code = env.compile(source)
        usercache.write_marshal(name, code)
    return env.template_class.from_code(env, code, env.make_globals(None))


@functools.cache
def _generator() -> str:
    """What else the compiled code depends on, besides the source ('' if unknown)."""
    try:
        own = b"".join(Path(module.__file__ or "").read_bytes() for module in (sandbox, filters))
    except OSError:
        return ""
    return "|".join(
        (
            __version__,
            jinja2.__version__,
            importlib.util.MAGIC_NUMBER.hex(),
            usercache.digest(own.decode("utf-8", "replace")),
        )
    )
