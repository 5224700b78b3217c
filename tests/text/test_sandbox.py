"""Sandbox: Python internals, globals and risky filters refused; the budget per letter."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import (
    FORBIDS,
    HINT,
    error,
    rendered,
    template_file,
)

# --- the sandbox --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("''.__class__", "access to attribute '__class__' of 'str' object is unsafe."),
        (
            "''.__class__.__mro__[1].__subclasses__()",
            "access to attribute '__class__' of 'str' object is unsafe.",
        ),
        ("mission.__init__", "access to attribute '__init__' of 'Mission' object is unsafe."),
        ("date.__class__", "access to attribute '__class__' of 'date' object is unsafe."),
        ("'x' * 1000000", "'*' would make a length of 1000000"),
        ("['ab'] * 200000", "'*' would make a length of 200000"),
        ("2 ** 100000", "'**' with the exponent 100000 is too large"),
        ("'%099999d' % 1", "'%' formatting with a width of 1000 or more"),
        ("'{:>99999}'.format(1)", "access to attribute 'format' of 'str' object is unsafe."),
        ("'x'.center(100000000)", "access to attribute 'center' of 'str' object is unsafe."),
        ("'x'.ljust(100000000)", "access to attribute 'ljust' of 'str' object is unsafe."),
        ("','.join(['a'])", "access to attribute 'join' of 'str' object is unsafe."),
        (
            "(mission.address.lines|list).append(1)",
            "access to attribute 'append' of 'list' object is unsafe.",
        ),
        ("('x' * 99999)|replace('x', 'yy')", "'replace' would build a text too long for a letter"),
    ],
)
def test_sandbox_refuses(tmp_path: Path, expression: str, expected: str) -> None:
    assert (
        error(tmp_path, f"{{{{ {expression} }}}}\n") == f"letter.md:10: {FORBIDS}{expected}{HINT}"
    )


@pytest.mark.parametrize("name", ["cycler", "lipsum", "range", "joiner", "namespace", "dict"])
def test_jinja_globals_are_gone(tmp_path: Path, name: str) -> None:
    assert error(tmp_path, f"{{{{ {name}() }}}}\n").startswith(
        f"letter.md:10: undefined variable {name!r}"
    )


@pytest.mark.parametrize("name", ["attr", "format", "center", "indent", "pprint", "xmlattr"])
def test_risky_filters_are_gone(tmp_path: Path, name: str) -> None:
    assert error(tmp_path, f"{{{{ city|{name} }}}}\n").startswith(
        f"letter.md:10: template syntax error: No filter named {name!r}."
    )


def test_endless_macro_recursion_is_stopped(tmp_path: Path) -> None:
    body = "{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n"
    assert error(tmp_path, body) == (
        "letter.md:10: the template calls a macro that never stops calling itself"
    )


# --- templates that would exhaust the machine ---------------------------------------

TOO_MUCH = " far more than a letter needs — look for a loop or a macro that never ends"
HOSTILE = {
    "a power of a power": (
        "{{ ((10 ** 1000) ** 1000) ** 1000 }}",
        f"letter.md:10: {FORBIDS}'**' would make a number too large for a letter{HINT}",
    ),
    "a product of large numbers": (
        "{% set n = 10 ** 1000 %}{{ n * n * n * n }}",
        f"letter.md:10: {FORBIDS}'*' would make a number too large for a letter{HINT}",
    ),
    "nested loops over long texts": (
        "{% set s = 'x' * 50000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        "letter.md:10: the template repeats a loop or a call more than 100,000 times," + TOO_MUCH,
    ),
    "a loop printing a long text": (
        "{% set s = 'x' * 50000 %}{% for a in s %}{{ s }}{% endfor %}",
        "letter.md: the template prints more than 100,000 characters," + TOO_MUCH,
    ),
    "doubling with ~": (
        "{% set a = 'x' * 1000 %}{% set a = a ~ a %}{% set a = a ~ a %}{% set a = a ~ a %}"
        "{% set a = a ~ a %}{% set a = a ~ a %}{% set a = a ~ a %}{% set a = a ~ a %}{{ a }}",
        f"letter.md:10: {FORBIDS}'~' would make a length of 128000{HINT}",
    ),
    "doubling with +": (
        "{% set a = 'x' * 60000 %}{{ a + a }}",
        f"letter.md:10: {FORBIDS}'+' would make a length of 120000{HINT}",
    ),
    "a macro doubling its argument": (
        "{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s }}{% endmacro %}{{ d('x', 40) }}",
        f"letter.md:10: {FORBIDS}'~' would make a length of 131072{HINT}",
    ),
    "a macro calling itself twice": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "{{ f(40) }}",
        "letter.md:10: the template repeats a loop or a call more than 100,000 times," + TOO_MUCH,
    ),
    "a slow loop": (
        "{% set s = 'x' * 99999 %}{% for a in s %}{{ s|list|sort|first }}{% endfor %}",
        "letter.md:10: the template took more than 3 seconds," + TOO_MUCH,
    ),
    "bytes of any length": (
        "{{ (1).to_bytes(1000000000, 'big') }}",
        f"letter.md:10: {FORBIDS}access to attribute 'to_bytes' of 'int' object is unsafe.{HINT}",
    ),
    "a translation table that expands": (
        "{{ 'aaaa'.translate({97: 'x' * 90000}) }}",
        f"letter.md:10: {FORBIDS}access to attribute 'translate' of 'str' object is unsafe." + HINT,
    ),
    "a sum of lists": (
        "{{ ([['x'] * 90000] * 90000)|sum(start=[]) }}",
        f"letter.md:10: {FORBIDS}'sum' adds numbers; use join for texts{HINT}",
    ),
    "a list of lists printed": (
        "{% set a = ['x'] * 90000 %}{{ ([a] * 90000)|string }}",
        f"letter.md:10: {FORBIDS}a list is not a text: print its items with |join(', '){HINT}",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_template_that_would_exhaust_the_machine_is_one_line(tmp_path: Path, case: str) -> None:
    body, expected = HOSTILE[case]
    assert error(tmp_path, body + "\n") == expected


def test_a_recursive_loop_counts_its_steps(tmp_path: Path) -> None:
    body = "{% for x in [[1, [2]]] recursive %}{{ loop(x) if x is iterable else x }}{% endfor %}\n"
    assert rendered(tmp_path, body).blocks[0].plain == "12"
    # Ten items at each of eight levels: 10**8 iterations, stopped after 100,000.
    fanning = (
        "{% set s = 'xxxxxxxxxx' %}{% for x in [s] recursive %}"
        "{% if loop.depth < 9 %}{{ loop(s) }}{% endif %}{% endfor %}\n"
    )
    assert "repeats a loop or a call more than 100,000 times" in error(tmp_path, fanning)


def test_the_budget_is_per_letter(tmp_path: Path) -> None:
    # 60,000 steps in one letter is fine; two letters do not add up.
    body = "{% set s = 'x' * 60000 %}{% for a in s %}{% endfor %}done\n"
    for _ in range(2):
        assert rendered(tmp_path, body).blocks[0].plain == "done"


@pytest.mark.parametrize(
    "case", ["a power of a power", "nested loops over long texts", "doubling with ~"]
)
def test_within_10_seconds_and_500_mb(tmp_path: Path, case: str) -> None:
    # In a process of its own, so that its peak memory is its own.
    import subprocess
    import sys

    path = template_file(tmp_path, HOSTILE[case][0] + "\n")
    script = (
        "import resource, sys, time\n"
        "from click.testing import CliRunner\n"
        "from nkrefugees_letters.cli import cli\n"
        "start = time.monotonic()\n"
        f"r = CliRunner().invoke(cli, ['preview', '--mission', 'us-chicago', '--template', "
        f"{str(path)!r}])\n"
        # VmHWM: this program's peak; ru_maxrss would count the pytest process forked.
        "peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "print(r.exit_code, time.monotonic() - start, "
        "(peak or [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss])[0])\n"
        "print(r.stderr, end='', file=sys.stderr)\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(root)},  # the session's warm mission cache
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,  # the process, start-up included, on a busy machine
        check=False,
    )
    code, seconds, peak_kb = result.stdout.split()[-3:]
    assert code == "1"
    assert float(seconds) < 10, result  # the command itself: loading, rendering, failing
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"Error: {path}:"), result.stderr
    assert int(peak_kb) * 1024 < 500_000_000
