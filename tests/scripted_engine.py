"""A scripted engine that speaks the :class:`~tui_structurer.engines.base.Engine`
protocol, for testing what happens around a model (cascade, fallbacks, reruns, cancels,
retries, several files in flight) in milliseconds and without timing.

Each ``generate`` call takes the next item of ``replies``: text is streamed a word at a
time; an exception is raised before any text (as a server refusing a request would). When
the replies run out, the transcript is echoed back. ``generate_strict`` takes the next
item of ``strict_replies`` the same way, else writes the chunk's words with a comma
every :attr:`comma_every` words and a full stop every :attr:`sentence_every` words
(deterministic structure that passes the gate). ``on_piece`` is called
before each piece is yielded, so a test can act in the middle of a generation (delete
the source, set the cancel event).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tui_structurer.config import ModelProfile
from tui_structurer.engines import Engine, GenerationStats, TextPiece
from tui_structurer.errors import Cancelled
from tui_structurer.strict import StrictChunk
from tui_structurer.text.prompts import RenderedPrompt

Reply = str | BaseException


@dataclass
class ScriptedEngine:
    name: str = "scripted"
    context: int = 4096
    concurrency: int = 1
    strict_ready: bool = True
    replies: list[Reply] = field(default_factory=list)
    strict_replies: list[Reply] = field(default_factory=list)
    comma_every: int = 4
    sentence_every: int = 12
    on_piece: Callable[[str], None] | None = None
    gate: threading.Event | None = None
    """When given, every generation waits for it before its first piece (tests that
    need several files in flight at once)."""
    calls: list[str] = field(default_factory=list)
    """"generate" or "strict", one per call, in order."""
    strict_chunks: list[StrictChunk] = field(default_factory=list)
    """The chunks strict decoding was asked for, in order."""
    closed: bool = False

    def placement(self) -> str:
        return "scripted (no model)"

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def prompt_tokens(self, prompt: RenderedPrompt) -> int:
        return self.count_tokens(prompt.flat()) + 8

    def _stream(
        self, pieces: list[str], cancel: threading.Event | None, prompt: RenderedPrompt
    ) -> Iterator[TextPiece | GenerationStats]:
        if self.gate is not None:
            self.gate.wait(10)
        for piece in pieces:
            if self.on_piece is not None:
                self.on_piece(piece)
            if cancel is not None and cancel.is_set():
                raise Cancelled
            yield TextPiece(piece)
        yield GenerationStats(self.prompt_tokens(prompt), len(pieces), 0.01, 100.0, 0.1, "stop")

    def _next(self, queue: list[Reply]) -> str | None:
        if not queue:
            return None
        reply = queue.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def generate(
        self,
        prompt: RenderedPrompt,
        max_tokens: int,
        stop: list[str],
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        self.calls.append("generate")
        reply = self._next(self.replies)
        text = reply if reply is not None else prompt.flat()
        words = text.split(" ")
        yield from self._stream([w if i == 0 else " " + w for i, w in enumerate(words)],
                                cancel, prompt)  # fmt: skip

    def generate_strict(
        self,
        prompt: RenderedPrompt,
        chunk: StrictChunk,
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        self.calls.append("strict")
        self.strict_chunks.append(chunk)
        reply = self._next(self.strict_replies)
        if reply is not None:
            yield from self._stream([reply], cancel, prompt)
            return
        pieces = []
        for index, word in enumerate(chunk.words):
            if index == 0:
                pieces.append(word[:1].upper() + word[1:] if chunk.starts_sentence else word)
            elif index % self.sentence_every == 0:
                pieces.append(f". {word[:1].upper()}{word[1:]}")
            else:
                comma = "," if index % self.comma_every == 0 else ""
                pieces.append(f"{comma} {word}")
        pieces.append("." if chunk.next_word is None else "")
        yield from self._stream([p for p in pieces if p], cancel, prompt)

    def close(self) -> None:
        self.closed = True


def scripted_loader(engine: ScriptedEngine) -> Callable[[ModelProfile, bool], Engine]:
    """An :class:`EnginePool` loader that hands out ``engine`` for every profile."""

    def load(profile: ModelProfile, strict: bool) -> Engine:
        engine.name = profile.name
        return engine

    return load
