"""How a server scores a continuation for strict decoding, and which way each server
can.

- **token probabilities**: llama.cpp's llama-server, native ``/completion`` with
  ``n_probs``. A grammar of token ids forces the continuation; the server reports each
  forced token's probability from the model's own distribution (before the grammar and
  samplers), with the likeliest alternatives.
- **echo**: OpenAI-style ``/completions`` with ``echo`` and ``logprobs`` (vLLM, and
  llama-cpp-python's server started with ``--logits_all true``): the continuation is sent
  as part of the prompt and the server reports the prompt's tokens with their
  log-probabilities.
- **grammar**: neither: the server's sampler picks the marks within a grammar of the
  chunk's words (no lookahead, no calibrated biases).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Literal

from tui_structurer.engines.base import EngineError
from tui_structurer.strict.scored_text import ScoredText, ScoredToken

ScoringPath = Literal["token-probabilities", "echo", "grammar"]
Post = Callable[[str, dict[str, Any]], dict[str, Any]]
"""POST a JSON body to a path (llama-server's native ``/completion`` and ``/tokenize``
at the server's root; others after the base URL) and return the JSON answer; raises
on transport errors and refusals."""

ALTERNATIVES = 32
"""Likeliest tokens llama-server is asked for at each position: the marks and the word's
cases. A capital (a name) is weighed only when it is among them, and where the model
hesitates between many words a name's capital ranks well below the eighth."""
ECHO_ALTERNATIVES = 8
"""The same for echo: vLLM refuses more than its ``max_logprobs`` (20 by default)."""

PATH_WORDS: dict[ScoringPath, str] = {
    "token-probabilities": "lookahead scoring with the server's token probabilities "
    "(llama-server /completion with n_probs)",
    "echo": "lookahead scoring with the prompt's log-probabilities (/completions with echo)",
    "grammar": "a GBNF grammar per chunk (the words cannot change; the server's sampler "
    "picks the marks, without the lookahead scoring and calibrated biases)",
}


class TokenProbabilityScorer:
    """Scores on llama-server's native ``/completion``: the continuation is tokenized
    by the server and forced token by token (a grammar of token ids: a grammar of text
    would let the sampler spell a word in pieces the model never writes it in, which
    it finds unlikely, and the score would measure the spelling, not the mark)."""

    def __init__(self, post: Post):
        self._post = post
        self._tokens: dict[str, list[int]] = {}

    def tokenize(self, text: str) -> list[int]:
        tokens = self._tokens.get(text)
        if tokens is None:
            answer = self._post("/tokenize", {"content": text, "add_special": False})
            tokens = self._tokens[text] = [int(t) for t in answer["tokens"]]
        return tokens

    def score(
        self, context: str, continuation: str, cancel: threading.Event | None = None
    ) -> ScoredText:
        ids = self.tokenize(continuation)
        answer = self._post("/completion", {
            "prompt": context,
            "grammar": "root ::= " + " ".join(f"<[{i}]>" for i in ids),
            "n_predict": len(ids) + 1,
            "n_probs": ALTERNATIVES,
            "temperature": 0.0,
            "cache_prompt": True,
            "stream": False,
        })  # fmt: skip
        tokens = []
        for item in (answer.get("completion_probabilities") or [])[: len(ids)]:
            text = bytes(item.get("bytes") or []).decode("utf-8", "replace") or item["token"]
            alternatives = {
                alt["token"]: float(alt["logprob"]) for alt in item.get("top_logprobs") or []
            }
            tokens.append(ScoredToken(text, float(item["logprob"]), alternatives))
        return ScoredText(continuation, tuple(tokens))


class EchoScorer:
    """Scores on an OpenAI-style ``/completions`` that echoes the prompt's logprobs."""

    def __init__(self, post: Post, model: str):
        self._post = post
        self._model = model

    def score(
        self, context: str, continuation: str, cancel: threading.Event | None = None
    ) -> ScoredText:
        answer = self._post("/completions", {
            "model": self._model,
            "prompt": context + continuation,
            "max_tokens": 1,
            "echo": True,
            "logprobs": ECHO_ALTERNATIVES,
            "temperature": 0.0,
        })  # fmt: skip
        logprobs = (answer.get("choices") or [{}])[0].get("logprobs") or {}
        texts: list[str] = logprobs.get("tokens") or []
        values: list[float | None] = logprobs.get("token_logprobs") or []
        tops: list[Mapping[str, float] | None] = logprobs.get("top_logprobs") or []
        offsets: list[int] = logprobs.get("text_offset") or []
        end = len(context) + len(continuation)
        tokens = []
        for index, (text, value, offset) in enumerate(zip(texts, values, offsets, strict=False)):
            if offset + len(text) <= len(context) or offset >= end or value is None:
                continue
            top = tops[index] if index < len(tops) else None
            if offset < len(context):  # a token across the join: its alternatives start
                text, top = text[len(context) - offset :], None  # in the context
            tokens.append(ScoredToken(text, float(value), dict(top or {})))
        return ScoredText(continuation, tuple(tokens))


REFUSED = (EngineError, LookupError, TypeError, ValueError, AttributeError)
"""A server that refuses a request or answers in another shape cannot score that way."""


def probe(post: Post) -> ScoringPath:
    """Whether this server scores by token probabilities, found by asking it once
    (transport errors are not answers: they reach the caller). Echo is never chosen by
    itself: llama-cpp-python's server answers it but sorts the whole vocabulary in Python
    for every prompt token (10 s for 16 tokens with Gemma's), so a profile names it."""
    try:  # llama-server, new enough to force tokens by id
        if TokenProbabilityScorer(post).score("One two", " three four").aligned():
            return "token-probabilities"
    except REFUSED:
        pass
    return "grammar"
