"""Turn TOML tables into the schema's dataclasses, checking every key and type."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tui_structurer.config.errors import ConfigError, did_you_mean

T = TypeVar("T")
NOT_KEYS = frozenset({"name", "origin"})
"""Fields the loader fills in itself; a file that sets them is refused."""
Locate = Callable[[str | None], int | None]
"""Gives the line of a key (or of the table, for None) in the file being read."""


def _describe(expected: Any) -> str:
    origin = typing.get_origin(expected)
    if origin is typing.Literal:
        return " or ".join(f'"{v}"' for v in typing.get_args(expected))
    if origin in (types.UnionType, typing.Union):
        return " or ".join(_describe(arg) for arg in typing.get_args(expected))
    if origin is list:
        return "a list of strings"
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
    return names.get(expected, str(expected))


def _matches(value: Any, expected: Any) -> bool:
    origin = typing.get_origin(expected)
    if origin is typing.Literal:
        return value in typing.get_args(expected)
    if origin in (types.UnionType, typing.Union):
        return any(_matches(value, arg) for arg in typing.get_args(expected))
    if origin is list:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if expected is list:  # a bare ``list`` in a union: a list of strings
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def check_keys(cls: type, table: dict[str, Any], path: str, file: Path, locate: Locate) -> None:
    """Refuse unknown keys and wrongly typed values, naming file, key and line."""
    hints = typing.get_type_hints(cls)
    known = [f.name for f in dataclasses.fields(cls) if f.name not in NOT_KEYS]
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                file, f"{path}.{key}", "unknown key" + did_you_mean(key, known), locate(key)
            )
        expected = hints[key]
        if not _matches(value, expected):
            raise ConfigError(
                file,
                f"{path}.{key}",
                f"must be {_describe(expected)}, not {value!r}",
                locate(key),
            )


def build(cls: type[T], table: dict[str, Any], path: str, file: Path | None, **extra: Any) -> T:
    """Make ``cls`` from an already checked ``table``; missing required keys are errors."""
    required = [
        f.name
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
        and f.name not in extra
    ]
    for key in required:
        if key not in table:
            raise ConfigError(file, f"{path}.{key}", "is required")
    values = {key: (list(v) if isinstance(v, list) else v) for key, v in table.items()}
    return cls(**values, **extra)
