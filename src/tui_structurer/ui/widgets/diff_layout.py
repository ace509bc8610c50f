"""Lay the words of one review pane out in lines of a given width.

The panes wrap their own text (instead of leaving it to a Static) because scrolling the
two sides together needs to know which line holds which word. A line break in the text
stays a line break (a hard-wrapped caption file keeps its lines) and a blank line stays a
blank line (a paragraph).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from tui_structurer.text.review_diff import DiffWord

PARAGRAPH_MARK = "¶"
LOUD = frozenset({"removed", "replaced", "added"})


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text drawn in one style. ``style`` names a component class of the pane
    (``plain``, a word kind, ``mark``, ``case``, ``paragraph``, ``joined``); ``word`` is
    the word it belongs to. A ``joiner`` is the space between two words."""

    text: str
    style: str
    word: int
    joiner: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    lines: tuple[tuple[Piece, ...], ...]
    word_line: tuple[int, ...]
    """The line each word starts on."""
    line_word: tuple[int, ...]
    """The first word that starts on or after each line (the last word past the end)."""


def word_pieces(index: int, word: DiffWord) -> list[Piece]:
    """A word as styled runs: its kind, with the characters the model added marked."""
    base = word.kind if word.kind in LOUD or word.kind == "unmatched" else "plain"
    pieces: list[Piece] = []
    if word.paragraph == "new":
        pieces += [Piece(PARAGRAPH_MARK, "paragraph", index), Piece(" ", "plain", index)]
    elif word.paragraph == "joined":
        pieces += [Piece(PARAGRAPH_MARK, "joined", index), Piece(" ", "plain", index)]
    position = 0
    for start, end, kind in word.marks:
        if start > position:
            pieces.append(Piece(word.text[position:start], base, index))
        pieces.append(Piece(word.text[start:end], kind, index))
        position = end
    if position < len(word.text):
        pieces.append(Piece(word.text[position:], base, index))
    return pieces


def _split_long(pieces: list[Piece], width: int) -> list[list[Piece]]:
    """Cut a word wider than the pane into lines of ``width`` cells."""
    lines: list[list[Piece]] = [[]]
    used = 0
    for piece in pieces:
        for char in piece.text:
            size = cell_len(char)
            if used + size > width and lines[-1]:
                lines.append([])
                used = 0
            lines[-1].append(Piece(char, piece.style, piece.word))
            used += size
    return lines


def lay_out(words: tuple[DiffWord, ...], width: int) -> Layout:
    """Wrap ``words`` at ``width`` cells, keeping the text's own line and paragraph breaks."""
    width = max(1, width)
    lines: list[list[Piece]] = [[]]
    word_line: list[int] = []
    used = 0
    for index, word in enumerate(words):
        pieces = word_pieces(index, word)
        size = sum(cell_len(p.text) for p in pieces)
        if index and word.breaks_before:
            for _ in range(min(word.breaks_before, 2)):  # a blank line, at most one
                lines.append([])
            used = 0
        elif used and used + 1 + size > width:
            lines.append([])
            used = 0
        elif used:
            previous = words[index - 1].kind
            joined = previous if previous == word.kind and previous in LOUD else "plain"
            lines[-1].append(Piece(" ", joined, index, joiner=True))
            used += 1
        word_line.append(len(lines) - 1)
        if size > width - used:
            parts = _split_long(pieces, width)
            lines[-1].extend(parts[0])
            lines.extend(parts[1:])
            used = sum(cell_len(p.text) for p in lines[-1])
        else:
            lines[-1].extend(pieces)
            used += size
    line_word = [0] * len(lines)
    following = max(0, len(words) - 1)
    for line in range(len(lines) - 1, -1, -1):
        starts = [p.word for p in lines[line] if not p.joiner and word_line[p.word] == line]
        if starts:
            following = starts[0]
        line_word[line] = following
    return Layout(tuple(tuple(line) for line in lines), tuple(word_line), tuple(line_word))
