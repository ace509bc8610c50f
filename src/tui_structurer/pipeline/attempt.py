"""One attempt: chunk the transcript, generate each chunk, stitch, repair, score, gate."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tui_structurer.config import CascadeStep, Gate, ModelProfile, Prompt
from tui_structurer.engines import Engine, GenerationStats, TextPiece
from tui_structurer.engines.base import StrictUnsupported
from tui_structurer.pipeline.events import (
    AttemptStarted,
    ChunkStarted,
    PipelineEvent,
    TokenGenerated,
)
from tui_structurer.pipeline.gate import gate_reasons
from tui_structurer.pipeline.result import AttemptResult, AttemptStats
from tui_structurer.strict import StrictChunk, strict_chunks, words_in_last_paragraph
from tui_structurer.text import chunking, fidelity, structure
from tui_structurer.text.prompts import RenderedPrompt, render
from tui_structurer.text.repair import repair
from tui_structurer.text.source_rules import SourceRules
from tui_structurer.text.words import ends_sentence, word_keys

Emit = Callable[[PipelineEvent], None]


def _combine(stats: list[GenerationStats]) -> AttemptStats:
    decode_tokens = sum(max(0, s.completion_tokens - 1) for s in stats)
    decode_seconds = sum(
        (s.completion_tokens - 1) / s.decode_tokens_per_s
        for s in stats
        if s.decode_tokens_per_s > 0 and s.completion_tokens > 1
    )
    return AttemptStats(
        prompt_tokens=sum(s.prompt_tokens for s in stats),
        completion_tokens=sum(s.completion_tokens for s in stats),
        time_to_first_token_s=stats[0].time_to_first_token_s if stats else 0.0,
        decode_tokens_per_s=decode_tokens / decode_seconds if decode_seconds else 0.0,
        seconds=sum(s.seconds for s in stats),
        decode_calls=sum(s.decode_calls for s in stats),
    )


def stitch(parts: list[str]) -> str:
    """Chunk outputs joined by a space, or by nothing after a chunk-ending paragraph."""
    text = ""
    for part in parts:
        if not part.strip():
            continue
        if text and not text.endswith("\n"):
            text += " "
        text += part
    return text.strip()


@dataclass
class _Progress:
    """What the attempt has produced so far."""

    raw_parts: list[str] = field(default_factory=list)
    final_parts: list[str] = field(default_factory=list)
    unmatched: list[tuple[int, int]] = field(default_factory=list)
    stats: list[GenerationStats] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pieces_done: int = 0


class _Attempt:
    """Runs one step over the chunks of one text."""

    def __init__(
        self,
        step: CascadeStep,
        profile: ModelProfile,
        prompt: Prompt,
        engine: Engine,
        emit: Emit,
        cancel: threading.Event | None,
    ):
        self.step, self.profile, self.prompt, self.engine = step, profile, prompt, engine
        self.emit, self.cancel = emit, cancel
        self.mode = step.mode
        self.progress = _Progress()

    def _stream(
        self, rendered: RenderedPrompt, chunk: chunking.Chunk, strict: StrictChunk | None
    ) -> Iterator[TextPiece | GenerationStats]:
        if strict is not None and self.mode == "strict":
            return self.engine.generate_strict(rendered, strict, self.cancel)
        limit = chunking.max_output_tokens(chunk.tokens)
        return self.engine.generate(rendered, limit, self.prompt.stop, self.cancel)

    def _generate(
        self, rendered: RenderedPrompt, chunk: chunking.Chunk, strict: StrictChunk | None
    ) -> str:
        progress = self.progress
        pieces: list[str] = []
        try:
            for item in self._stream(rendered, chunk, strict):
                if isinstance(item, TextPiece):
                    pieces.append(item.text)
                    progress.pieces_done += 1
                    self.emit(TokenGenerated(item.text, progress.pieces_done, self.expected))
                else:
                    progress.stats.append(item)
        except StrictUnsupported as exc:
            if pieces:
                raise
            self.mode = "repair"
            progress.notes.append(f"strict decoding unavailable ({exc}); fell back to repair")
            return self._generate(rendered, chunk, strict)
        return "".join(pieces) if self.mode == "strict" else "".join(pieces).strip()

    def run(self, text: str, step_index: int, gate: Gate, rules: SourceRules) -> AttemptResult:
        progress = self.progress
        chunks = self._chunks(text)
        strict = strict_chunks(chunks, rules.gaps) if self.mode == "strict" else []
        if strict and rules.already_punctuated:
            progress.notes.append(
                f"the source was already punctuated ({rules.marks_per_100_words:.1f} marks "
                "per 100 words): its marks and capitals were kept, only paragraph breaks "
                "were chosen"
            )
        # Strict mode streams a piece per word gap; the others a piece per token.
        self.expected = (
            sum(len(s.words) + 1 for s in strict) if strict else sum(c.tokens for c in chunks)
        )
        self.emit(AttemptStarted(step_index, self.step, len(chunks), self.expected))
        sentence_start, paragraph_words = True, 0
        for chunk in chunks:
            self.emit(ChunkStarted(chunk.index, len(chunks)))
            rendered = render(self.prompt, self.profile.prompt_style, chunk.text)
            strict_chunk = None
            if strict:
                strict_chunk = dataclasses.replace(
                    strict[chunk.index],
                    starts_sentence=sentence_start,
                    paragraph_words=paragraph_words,
                )
            raw = self._generate(rendered, chunk, strict_chunk)
            sentence_start = ends_sentence(raw.rstrip())
            paragraph_words = words_in_last_paragraph(raw, paragraph_words)
            progress.raw_parts.append(raw)
            progress.final_parts.append(self._final(chunk, raw))

        raw_output = stitch(progress.raw_parts)
        final_output = stitch(progress.final_parts)
        raw_fidelity = fidelity.score(text, raw_output)
        final_fidelity = raw_fidelity if self.mode == "free" else fidelity.score(text, final_output)
        change = structure.measure(text, final_output, final_fidelity.segments)
        reasons = gate_reasons(gate, raw_fidelity, final_fidelity, change)
        return AttemptResult(
            step=self.step,
            mode=self.mode,
            raw_output=raw_output,
            final_output=final_output,
            raw_fidelity=raw_fidelity,
            final_fidelity=final_fidelity,
            passed=not reasons,
            gate_reasons=reasons,
            unmatched=tuple(progress.unmatched),
            stats=_combine(progress.stats),
            note="; ".join(dict.fromkeys(progress.notes)),
        )

    def _chunks(self, text: str) -> list[chunking.Chunk]:
        """The text in chunks that fit the context with their real prompt and the most
        output this mode can write (the prompt may show the chunk twice, e.g. in capitals)."""
        engine, style = self.engine, self.profile.prompt_style
        strict = self.mode == "strict"

        def fits(body: str, tokens: int, words: int) -> bool:
            prompt = engine.prompt_tokens(render(self.prompt, style, body))
            if strict:
                return prompt + chunking.strict_output_tokens(tokens, words) <= engine.context
            return prompt + chunking.max_output_tokens(tokens) <= engine.context

        overhead = engine.prompt_tokens(render(self.prompt, style, ""))
        estimate = chunking.chunk_token_budget(engine.context, overhead)
        return chunking.split(text, estimate, engine.count_tokens, fits)

    def _final(self, chunk: chunking.Chunk, raw: str) -> str:
        """What the reviewer gets for this chunk: repaired unless the words already match."""
        if self.mode == "free":
            return raw
        if self.mode == "strict" and word_keys(raw) == word_keys(chunk.text):
            return raw
        if self.mode == "strict":
            self.progress.notes.append(
                "the server did not keep to the source words; its output was repaired"
            )
        repaired = repair(chunk.text, raw)
        self.progress.unmatched.extend(
            (chunk.start + a, chunk.start + b) for a, b in repaired.unmatched
        )
        return repaired.text


def run_attempt(
    text: str,
    step: CascadeStep,
    step_index: int,
    profile: ModelProfile,
    prompt: Prompt,
    engine: Engine,
    gate: Gate,
    rules: SourceRules,
    emit: Emit,
    cancel: threading.Event | None = None,
) -> AttemptResult:
    """Structure ``text`` once with ``engine`` and judge the result; in strict mode the
    source's ``rules`` decide the gaps they fix."""
    attempt = _Attempt(step, profile, prompt, engine, emit, cancel)
    return attempt.run(text, step_index, gate, rules)
