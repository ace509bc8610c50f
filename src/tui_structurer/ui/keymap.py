"""User key bindings: ``<config dir>/keymap.toml`` maps binding ids to keys.

accept = "y"
next-file = "j,down"
"""

from __future__ import annotations

import tomllib

from tui_structurer import paths


def load_keymap(known_ids: set[str]) -> tuple[dict[str, str], list[str]]:
    """The user's keymap and a problem line per entry that was ignored."""
    path = paths.keymap_file()
    if not path.is_file():
        return {}, []
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{path}: {exc}"]
    keymap, problems = {}, []
    for binding_id, keys in doc.items():
        if binding_id not in known_ids:
            problems.append(f"{path}: no key binding with id {binding_id!r}")
        elif not isinstance(keys, str):
            problems.append(f"{path}: {binding_id} must be a string of keys")
        else:
            keymap[binding_id] = keys
    return keymap, problems
