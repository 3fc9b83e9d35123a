"""The official validators for what pkm sends to Teams and Slack, used by the webhook doubles.

Teams: Microsoft's Adaptive Card JSON schema for the version the card declares
(schemas/adaptive-card-1.5.json; where it comes from is in schemas/README.md),
plus the rule the schema itself cannot check: every element, property and
value the card uses must exist in that version (the schema marks each with
"version"; Teams falls back to `fallbackText` for anything newer).

Slack: slack_sdk's block models, Slack's own description of Block Kit. Each
block must parse, pass `validate_json()` (lengths, required fields) and come
back unchanged from `to_dict()` (a field the model does not know would vanish).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from slack_sdk.models.blocks import Block

SCHEMAS = Path(__file__).parent / "schemas"


@cache
def card_schema(version: str) -> dict[str, Any]:
    path = SCHEMAS / f"adaptive-card-{version}.json"
    if not path.exists():
        raise AssertionError(f"no Adaptive Card schema for version {version!r} in {SCHEMAS}")
    return json.loads(path.read_text(encoding="utf-8"))


def _v(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _refs(node: Any) -> list[str]:
    """Definitions a schema node points at (through anyOf/allOf)."""
    if not isinstance(node, dict):
        return []
    out = [node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else []
    for key in ("anyOf", "allOf"):
        for sub in node.get(key, []):
            out += _refs(sub)
    return out


def _newer_than(
    card: dict[str, Any], schema: dict[str, Any], declared: tuple[int, ...]
) -> list[str]:
    defs = schema["definitions"]
    found: list[str] = []

    def check(what: str, node: Any) -> None:
        if isinstance(node, dict) and "version" in node and _v(node["version"]) > declared:
            found.append(f"{what} needs {node['version']}")

    def walk(obj: Any, path: str) -> None:
        if isinstance(obj, list):
            for n, item in enumerate(obj):
                walk(item, f"{path}[{n}]")
            return
        if not isinstance(obj, dict):
            return
        kind = obj.get("type")
        definition = defs.get(kind) if isinstance(kind, str) else None
        if definition is not None:
            check(f"{path} {kind}", definition)
            props = dict(definition.get("properties", {}))
            for parent in _refs({"allOf": definition.get("allOf", [])}):
                for name, spec in defs.get(parent, {}).get("properties", {}).items():
                    if not props.get(name):
                        props[name] = spec
            for name, value in obj.items():
                spec = props.get(name)
                check(f"{path}.{name}", spec)
                for ref in _refs(spec):
                    if not isinstance(value, (dict, list)):
                        check(f"{path}.{name}={value!r} ({ref})", defs.get(ref))
        for name, value in obj.items():
            walk(value, f"{path}.{name}")

    walk(card, "card")
    return found


def card_problems(card: dict[str, Any]) -> list[str]:
    """Everything wrong with an Adaptive Card, as Microsoft's schema for its version sees it."""
    version = str(card.get("version", ""))
    schema = card_schema(version)
    validator = jsonschema.Draft6Validator(schema)
    problems = []
    for error in validator.iter_errors(card):
        while error.context:  # anyOf: say which branch failed, not only that all did
            error = jsonschema.exceptions.best_match(error.context)
        problems.append(f"{'/'.join(map(str, error.absolute_path))}: {error.message}"[:300])
    return problems + _newer_than(card, schema, _v(version))


def teams_problems(message: dict[str, Any]) -> list[str]:
    cards = [
        a.get("content")
        for a in message.get("attachments", [])
        if a.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]
    if message.get("type") != "message" or len(cards) != 1:
        return ["not a message with one Adaptive Card attachment"]
    return card_problems(cards[0])


def slack_problems(message: dict[str, Any]) -> list[str]:
    """What slack_sdk's block models find wrong with a message's blocks."""
    problems = []
    blocks = message.get("blocks", [])
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks (Slack allows 50)")
    for n, raw in enumerate(blocks):
        try:
            block = Block.parse(raw)
            if block is None:
                raise ValueError("unknown block type")
            block.validate_json()
        except Exception as exc:  # slack_sdk raises SlackObjectFormationError and friends
            problems.append(f"block {n}: {type(exc).__name__}: {exc}")
            continue
        if block.to_dict() != raw:
            problems.append(
                f"block {n}: fields slack_sdk does not know: {raw} != {block.to_dict()}"
            )
    if not isinstance(message.get("text"), str) or not message["text"]:
        problems.append("no top-level text (the notification and screen-reader fallback)")
    return problems
