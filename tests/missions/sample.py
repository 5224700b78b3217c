"""A small mission file to write in tests: one entry, in schema 1 or 2."""

from __future__ import annotations

__all__ = ["ENTRY", "mission_yaml", "v2"]

ENTRY = """\
    schema_version: "1"
    missions:
      - id: xx-testville
        kind: consulate-general
        name: Consulate General in Testville
        address:
          lines: ["1 Main Street"]
          locality: Testville
          postal_code: "{postal_code}"
          country: {country}
        source: https://example.org/contact
        source_date: "2026-01-05"
    {extra}"""


def mission_yaml(country: str = "US", postal_code: str = "12345", extra: str = "") -> str:
    text = ENTRY.format(country=country, postal_code=postal_code, extra=extra)
    return text.replace("xx-testville", f"{country.lower()}-testville")


def v2(text: str) -> str:
    """An entry in schema 2, which says how the address is known."""
    return text.replace('schema_version: "1"', 'schema_version: "2"')
