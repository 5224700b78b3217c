"""Schema: the profile's JSON Schema accepts what the loader accepts and rejects what it rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _readme_profile() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_schema_accepts_the_readme_profile_and_the_starter() -> None:
    import json

    import jsonschema

    from nkrefugees_letters import yamlio
    from nkrefugees_letters.starter import StarterValues, starter_text

    schema = json.loads((ROOT / "docs" / "nkletters.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    starter = starter_text(
        StarterValues(
            name="Friends", country="GB", signatories=(("Jane Doe", "Chair"),), logo="logo.png"
        )
    )
    for text in (_readme_profile(), starter):
        jsonschema.validate(yamlio.load_text(text, "x.yaml"), schema)


@pytest.mark.parametrize(
    "text",
    [
        "organisation:\n  nmae: Friends\n",
        "letterhead:\n  accent_colour: red\n",
        "defaults:\n  language: fr\n",
        "defaults:\n  paper: a5\n",
    ],
)
def test_schema_rejects_what_the_loader_rejects(text: str, tmp_path: Path) -> None:
    import json

    import jsonschema

    from nkrefugees_letters import profile, yamlio
    from nkrefugees_letters.errors import LettersError

    schema = json.loads((ROOT / "docs" / "nkletters.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(yamlio.load_text(text, "x.yaml"), schema)
    if "language" not in text:  # the loader leaves the language to the letter
        path = tmp_path / "nkletters.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(LettersError):
            profile.load(path)


def test_every_field_of_the_schema_loads(tmp_path: Path) -> None:
    from nkrefugees_letters import profile, schema

    properties = schema.profile_schema()["properties"]
    sections = {k: v for k, v in properties.items() if v.get("type") == "object"}
    for section, body in sections.items():
        for key in body["properties"]:
            path = tmp_path / "nkletters.yaml"
            name = "" if section == "organisation" and key == "name" else "  name: X\n"
            prefix = "organisation:\n  name: X\n" if section != "organisation" else ""
            value = {"accent_colour": '"#123456"', "placement": "left", "paper": "a4"}
            value |= {"language": "en", "country": "GB", "email": "a@b.org"}
            path.write_text(
                f"{prefix}{section}:\n{name if section == 'organisation' else ''}"
                f"  {key}: {value.get(key, 'x')}\n",
                encoding="utf-8",
            )
            if key == "logo":
                continue  # an image file; its checks have their own tests
            profile.load(path)  # no "unknown field"
