"""Templates: front matter, body markup, escaping, error messages with lines, the sandbox."""

from __future__ import annotations

import os
import re
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nkrefugees_letters import letters, missions
from nkrefugees_letters.errors import OutputError, TemplateError
from nkrefugees_letters.profile import Organisation, Profile, Signatory
from nkrefugees_letters.text import render
from nkrefugees_letters.text.render import Block, Run

DIRECTORY = missions.load()
CHICAGO = DIRECTORY.get("us-chicago")
WHEN = date(2026, 9, 24)
ORGANISATION = Profile(
    organisation=Organisation("Friends of Refugees", email="info@example.org"),
    signatories=(Signatory("Jane Doe", "Chair"), Signatory("Kim Ji-hye")),
)
FRONT = """\
---
language: en
subject: "Subject for {{ city }}"
recipient:
  - Line one
  - "c/o {{ mission.name }}"
salutation: "Dear friends,"
closing: "Yours,"
---
"""


def context(sender: Profile = ORGANISATION, language: str = "en", **extra: Any) -> dict[str, Any]:
    return letters.context(CHICAGO, sender, WHEN, language, sender.signatories, **extra)


def template_file(tmp_path: Path, body: str, front: str = FRONT) -> Path:
    path = tmp_path / "letter.md"
    path.write_text(front + textwrap.dedent(body), encoding="utf-8")
    return path


def rendered(tmp_path: Path, body: str, sender: Profile = ORGANISATION) -> render.LetterText:
    return render.render(render.load_template(template_file(tmp_path, body)), context(sender))


def error(tmp_path: Path, body: str, front: str = FRONT, sender: Profile = ORGANISATION) -> str:
    path = template_file(tmp_path, body, front)
    with pytest.raises(TemplateError) as caught:
        render.render(render.load_template(path), context(sender))
    return str(caught.value).replace(str(path), "letter.md")


# --- escaping and markup ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("Smith & Sons", "Smith & Sons"),
        ("*Kim*", "\\*Kim\\*"),
        ("**bold**", "\\*\\*bold\\*\\*"),
        ("- Jane", "\\- Jane"),
        ("• Jane", "\\• Jane"),
        ("back\\slash", "back\\\\slash"),
        ("  two\nlines\t ", "two lines"),
        (None, ""),
        (44, "44"),
    ],
)
def test_escape_markup(value: object, escaped: str) -> None:
    assert render.escape_markup(value) == escaped


def test_body_markup() -> None:
    body = (
        "First line\nsame paragraph with **bold** and *italic*.\n\n"
        "- one item\n  continued\n- two \\*stars\\*\n\nLast."
    )
    assert render.parse_body(body) == (
        Block(
            "paragraph",
            (
                Run("First line same paragraph with "),
                Run("bold", bold=True),
                Run(" and "),
                Run("italic", italic=True),
                Run("."),
            ),
        ),
        Block("bullet", (Run("one item continued"),)),
        Block("bullet", (Run("two *stars*"),)),
        Block("paragraph", (Run("Last."),)),
    )


def test_values_print_as_plain_text(tmp_path: Path) -> None:
    sender = Profile(
        organisation=Organisation("- *Kim* & <Sons> \\ Relief"),
        signatories=(Signatory("• Jane"),),
    )
    text = rendered(
        tmp_path,
        "{{ organisation.name }}\n\n{% for p in signatories %}\n{{ p.name }}\n{% endfor %}\n",
        sender,
    )
    assert text.blocks == (
        Block("paragraph", (Run("- *Kim* & <Sons> \\ Relief"),)),
        Block("paragraph", (Run("• Jane"),)),
    )


def test_front_matter_fields_render(tmp_path: Path) -> None:
    text = rendered(tmp_path, "Body.\n")
    assert text.subject == "Subject for Chicago"
    assert text.recipient == (
        "Line one",
        "c/o Consulate General of the People's Republic of China in Chicago",
    )
    assert (text.salutation, text.closing) == ("Dear friends,", "Yours,")
    assert text.plain_text(recipient=()).startswith("Subject for Chicago\n\nDear friends,\n\nBody.")


# --- errors with file, line and name --------------------------------------------------


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            FRONT.replace('closing: "Yours,"', 'closng: "Yours,"'),
            "letter.md:8: closng: unknown field — did you mean 'closing'?",
        ),
        (
            FRONT.replace('closing: "Yours,"\n', ""),
            "letter.md:2: closing: required field is missing — add 'closing: …'",
        ),
        (
            FRONT.replace('salutation: "Dear friends,"', "salutation: [oops"),
            "letter.md:8:8: invalid YAML: did not find expected ',' or ']' — "
            "check the indentation and quoting at that place",
        ),
        (
            "language: en\n",
            "letter.md:1: template has no front matter — start the file with a '---' line, "
            "the fields (language, subject, …), and '---'",
        ),
    ],
    ids=["unknown-field", "missing-field", "yaml-syntax", "no-front-matter"],
)
def test_front_matter_errors_name_the_file_line(tmp_path: Path, front: str, expected: str) -> None:
    assert error(tmp_path, "Body.\n", front) == expected


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        (
            FRONT,
            "One.\n\n{% if personal %}\nTwo.\n",
            "letter.md:13: template syntax error: Unexpected end of template. Jinja was looking "
            "for the following tags: 'elif' or 'else' or 'endif'. The innermost block that "
            "needs to be closed is 'if'.",
        ),
        (
            FRONT,
            "One.\n{{ city|uper }}\n",
            "letter.md:11: template syntax error: No filter named 'uper'. — did you mean "
            "'upper'? filters: " + ", ".join(sorted(render.environment().filters)),
        ),
        (
            FRONT.replace('"Subject for {{ city }}"', '"Subject for {{ city }"'),
            "",
            "letter.md:3: template syntax error: unexpected '}'",
        ),
    ],
    ids=["body", "unknown-filter", "subject"],
)
def test_syntax_errors_name_the_line(tmp_path: Path, front: str, body: str, expected: str) -> None:
    assert error(tmp_path, body, front) == expected


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        (
            FRONT,
            "One.\n\nTwo {{ orgnisation.name }}.\n",
            "letter.md:12: undefined variable 'orgnisation' — did you mean 'organisation'? "
            "see docs/templates.md for the variables a template can use",
        ),
        (
            FRONT.replace("Dear friends,", "Dear {{ frend }},"),
            "",
            "letter.md:7: undefined variable 'frend' — "
            "see docs/templates.md for the variables a template can use",
        ),
        (
            FRONT.replace("  - Line one", "  - Line {{ nmber }}"),
            "",
            "letter.md:5: undefined variable 'nmber' — "
            "see docs/templates.md for the variables a template can use",
        ),
        (
            FRONT,
            "{{ mission.nmae }}\n",
            "letter.md:10: mission has no field 'nmae' — did you mean 'name'?",
        ),
        (
            FRONT,
            "{{ signatories[5].name }}\n",
            "letter.md:10: list has no item 5 — check the index",
        ),
    ],
    ids=["body", "salutation", "recipient-line", "field", "item"],
)
def test_undefined_names_give_template_line_and_name(
    tmp_path: Path, front: str, body: str, expected: str
) -> None:
    assert error(tmp_path, body, front) == expected


def test_organisation_in_a_personal_letter_says_how_to_guard_it(tmp_path: Path) -> None:
    assert error(tmp_path, "x\n\n{{ organisation.name }}\n", sender=Profile()) == (
        "letter.md:12: 'name' of an empty value — organisation is empty in a personal letter: "
        "put this inside {% if not personal %} … {% endif %}"
    )


def test_undefined_variable_error_carries_the_name(tmp_path: Path) -> None:
    path = template_file(tmp_path, "{{ a }} {{ b }}\n")
    template = render.load_template(path)
    with pytest.raises(render.UndefinedVariableError) as caught:
        render.render(template, context())
    assert caught.value.variable == "a"
    # With placeholders for the names found so far, rendering goes on to the next one.
    with pytest.raises(render.UndefinedVariableError) as caught:
        render.render(template, render.with_placeholders(context(), ["a"]))
    assert caught.value.variable == "b"


# --- the sandbox --------------------------------------------------------------------

FORBIDS = "the template tried something the sandbox forbids: "
HINT = " — a template can use only the variables and filters in docs/templates.md"


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


def test_a_failing_filter_is_a_template_error(tmp_path: Path) -> None:
    assert error(tmp_path, "{{ 1 / 0 }}\n") == "letter.md:10: the template failed: division by zero"
    assert error(tmp_path, "{{ city|long_date }}\n") == (
        "letter.md:10: the template failed: long_date expects a date, got str"
    )
    assert error(tmp_path, "{{ date|long_date('xx') }}\n") == (
        "letter.md:10: unknown language 'xx' — use a code such as en, zh, ko, ja, es"
    )


# --- filters ------------------------------------------------------------------------


def test_filters(tmp_path: Path) -> None:
    body = (
        "{{ date|long_date }} | {{ date|long_date('zh') }} | {{ anniversary|ordinal }} | "
        "{{ 3|ordinal('es') }} | {{ city|upper }} | "
        "{{ signatories|join(', ', attribute='name') }} | "
        "{{ mission.name|replace(\"People's Republic of China\", 'PRC') }} | "
        "{{ signatories|map(attribute='title')|select|join(', ') }}\n"
    )
    assert rendered(tmp_path, body).blocks[0].plain == (
        "September 24, 2026 | 2026年9月24日 | 44th | 3.º | CHICAGO | Jane Doe, Kim Ji-hye | "
        "Consulate General of the PRC in Chicago | Chair"
    )


# --- the worked example in docs/templates.md ---------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def worked_example() -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- worked-example[^>]*-->\n```\n(.*?)```", text, re.S)
    assert match, "docs/templates.md lost its worked example"
    return match.group(1)


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        (Profile(), "ask whether you could receive me at a time convenient"),
        (ORGANISATION, "Friends of Refugees would welcome the chance"),
    ],
    ids=["personal", "organisation"],
)
def test_docs_worked_example_renders(tmp_path: Path, sender: Profile, expected: str) -> None:
    path = tmp_path / "meeting.md"
    path.write_text(worked_example(), encoding="utf-8")
    text = render.render(render.load_template(path), context(sender))
    assert text.subject == "Request for a meeting before September 24, 2026"
    assert text.recipient[0] == "Consul General"
    assert expected in text.plain_text()
    if sender is ORGANISATION:
        assert [b.plain for b in text.blocks if b.kind == "bullet"] == [
            "Jane Doe, Chair",
            "Kim Ji-hye",
        ]


# --- built-in templates -------------------------------------------------------------


@pytest.mark.parametrize("name", render.builtin_names())
@pytest.mark.parametrize("sender", [Profile(), ORGANISATION], ids=["personal", "organisation"])
def test_every_builtin_template_renders(name: str, sender: Profile) -> None:
    template = render.load_template(render.find_template(name, "en"))
    # letter_count: the batch's cover note is told how many letters it covers.
    text = render.render(template, context(sender, template.language, letter_count=3))
    assert text.subject and text.blocks and text.closing


def test_builtin_templates_describe_themselves() -> None:
    infos = {info.name: info for info in render.builtin_templates()}
    assert infos["appeal.en"].language == "en"
    assert infos["appeal.en"].description.startswith("The Save North Korean Refugees Day appeal")


def test_export_never_replaces_a_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.md"
    assert render.export_template("appeal", "en", target) == target
    assert target.read_text(encoding="utf-8") == render.template_source("appeal")[1]
    target.write_text("my own words", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        render.export_template("appeal", "en", target)
    assert str(caught.value) == (
        f"{str(target)!r} already exists — give another file name, or pass --force to replace it"
    )
    assert target.read_text(encoding="utf-8") == "my own words"
    render.export_template("appeal", "en", target, force=True)
    assert target.read_text(encoding="utf-8").startswith("---\nlanguage: en\n")
    # A folder gets the template's own file name.
    assert render.export_template("appeal.zh", "en", tmp_path) == tmp_path / "appeal.zh.md"


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


# --- templates see values, never objects --------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "mission",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "mission|upper",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "'%s' % mission",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "mission ~ ''",
            "mission is a record of fields, not a text: print one of them, e.g. {{ mission.name }}",
        ),
        (
            "mission.address",
            "address is a record of fields, not a text: print one of them, "
            "e.g. {{ address.lines }}",
        ),
        ("self", "a TemplateReference is not a text a letter can print"),
        ("mission.address.lines", "a list is not a text: print its items with |join(', ')"),
    ],
)
def test_an_object_is_never_printed(tmp_path: Path, expression: str, expected: str) -> None:
    assert (
        error(tmp_path, f"{{{{ {expression} }}}}\n") == f"letter.md:10: {FORBIDS}{expected}{HINT}"
    )


def test_no_field_gives_a_path_on_disk(tmp_path: Path) -> None:
    message = error(tmp_path, "{{ mission.origin }}\n")
    assert message.startswith("letter.md:10: mission has no field 'origin' — its fields: id, ")
    assert "origin" not in message.split("—", 1)[1]
    sender = Profile(organisation=Organisation("Friends", logo=tmp_path / "logo.png"))
    message = error(tmp_path, "{{ organisation.logo }}\n", sender=sender)
    assert message == (
        "letter.md:10: organisation has no field 'logo' — "
        "its fields: name, address, email, phone, website, country"
    )
