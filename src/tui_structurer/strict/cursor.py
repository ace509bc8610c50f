"""Where the decoder stands among a chunk's boundaries, one token at a time."""

from __future__ import annotations

from dataclasses import dataclass

from tui_structurer.strict.boundaries import Boundary, Candidate


@dataclass(frozen=True, slots=True)
class Cursor:
    """Boundary ``boundary``, ``depth`` tokens into the candidates still ``alive``."""

    boundary: int
    depth: int
    alive: tuple[int, ...]


def start(boundaries: list[Boundary]) -> Cursor | None:
    """The cursor before the first token; ``None`` when there is nothing to write."""
    return _enter(boundaries, 0)


def _enter(boundaries: list[Boundary], index: int) -> Cursor | None:
    if index >= len(boundaries):
        return None
    return Cursor(index, 0, tuple(range(len(boundaries[index].candidates))))


def options(boundaries: list[Boundary], cursor: Cursor) -> list[int]:
    """Tokens allowed next, in the order of the candidates offering them (likeliest first)."""
    candidates = boundaries[cursor.boundary].candidates
    allowed: list[int] = []
    for index in cursor.alive:
        token = candidates[index].tokens[cursor.depth]
        if token not in allowed:
            allowed.append(token)
    return allowed


def advance(
    boundaries: list[Boundary], cursor: Cursor, token: int
) -> tuple[Cursor | None, Candidate | None]:
    """The cursor after ``token`` and the candidate it completed, if any.

    A candidate completes when its last token is taken; a chunk's final gap completes
    as soon as every remaining candidate agrees on separator and paragraph break.
    """
    boundary = boundaries[cursor.boundary]
    depth = cursor.depth + 1
    alive = tuple(i for i in cursor.alive if boundary.candidates[i].tokens[cursor.depth] == token)
    if not alive:
        raise ValueError(f"token {token} is not allowed at boundary {cursor.boundary}")
    chosen = [boundary.candidates[i] for i in alive]
    done = next((c for c in chosen if len(c.tokens) == depth), None)
    if done is None and boundary.resolve_on_separator:
        kinds = {(c.separator, c.paragraph) for c in chosen}
        if len(kinds) == 1:
            done = chosen[0]
    if done is not None:
        return _enter(boundaries, cursor.boundary + 1), done
    return Cursor(cursor.boundary, depth, alive), None
