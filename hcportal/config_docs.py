"""Write docs/configuration.md from the config classes' own field descriptions.

The reference cannot drift from the code: ``make docs`` regenerates it and a test fails when the
committed file differs from what this prints.

    python -m hcportal.config_docs > docs/configuration.md
"""

from __future__ import annotations

import json
import types
import typing

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from hcportal.config import Config

INTRO = """\
# Configuration reference

hcportal reads one TOML file: `--config FILE`, else the file named by `$HCPORTAL_CONFIG`, else
`./hcportal.toml`, else nothing, in which case every default below applies and the pipeline runs
against the bundled demo CRM. Unknown keys are errors. Relative paths are relative to the config
file's folder. Secrets (passwords, TOTP secrets) never go in this file: it names the environment
variables that hold them.

A minimal file for your own CRM (here a Salesforce org: the `salesforce` profile, which is also
what a blank `profile` means for a `salesforce.com` address):

<!-- example: config -->
```toml
[harvest]
source = "crm"
base_url = "https://acme.my.salesforce.com"
profile = "salesforce"

[harvest.reports.activities]
report_id = "00O5e000001AbCd"
required_columns = ["Name", "Account", "Subject", "Timestamp"]

[transform.columns.activities]
owner = "Assigned To"      # your export's header for the field hcportal calls `owner`
```

_This file is generated from the code (`make docs`); edit the field descriptions, not this file._
"""


def _type_name(annotation: object) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(json.dumps(a) for a in typing.get_args(annotation))
    if origin is dict:
        return f"table of {_type_name(typing.get_args(annotation)[1])}"
    if origin is list:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(
            _type_name(a) for a in typing.get_args(annotation) if a is not type(None)
        )
    if isinstance(annotation, type):
        return {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}.get(
            annotation.__name__, annotation.__name__
        )
    return str(annotation)


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return ""
    if isinstance(value, dict) and value and all(isinstance(v, BaseModel) for v in value.values()):
        return "see below"
    # A "|" (a regular expression's alternation) would end the Markdown table's cell.
    return "`" + json.dumps(value, default=_plain).replace("|", "\\|") + "`"


def _plain(value: object) -> object:
    # A list of rule objects (journey stages) reads as the TOML a user would write, not as reprs.
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    return str(value)


def _model_of(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _section(model: type[BaseModel], prefix: str, out: list[str]) -> None:
    rows, children = [], []
    for name, field in model.model_fields.items():
        key = f"{prefix}.{name}" if prefix else name
        sub = _model_of(field.annotation)
        if sub is not None:
            children.append((sub, key))
            continue
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(
            f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | {meaning} |"
        )
        if typing.get_origin(field.annotation) is dict:
            value_model = _model_of(typing.get_args(field.annotation)[1])
            if value_model is not None:
                children.append((value_model, f"{key}.<name>"))
        if typing.get_origin(field.annotation) is list:
            item_model = _model_of(typing.get_args(field.annotation)[0])
            if item_model is not None:
                children.append((item_model, f"{key}[]"))
    if prefix:
        table = f"[{prefix[:-2]}]" if prefix.endswith("[]") else prefix
        out.append(f"\n## `[{table}]`\n")
        if model.__doc__:
            out.append(model.__doc__.strip().splitlines()[0] + "\n")
        if rows:
            out += ["| key | type | default | meaning |", "|---|---|---|---|", *rows]
    for sub, key in children:
        _section(sub, key, out)


def render() -> str:
    out = [INTRO]
    _section(Config, "", out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
