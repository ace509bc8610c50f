"""An engine that streams from OpenAI-compatible servers: llama.cpp's llama-server,
llama-cpp-python's server, vLLM, Ollama, LM Studio — one or a small fleet of them.

Requests before the first token are retried with backoff on the next endpoint
(connection refused, timeouts, 429 and 5xx). A stream that breaks after text arrived is
not resumed (its text would be repeated): :class:`EngineUnavailable` tells the caller
to put the file back and try it again later.
"""

from __future__ import annotations

import dataclasses
import http.client
import itertools
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tui_structurer.config import ModelProfile
from tui_structurer.engines.backends import endpoints_of
from tui_structurer.engines.base import (
    EngineError,
    EngineLoadError,
    EngineUnavailable,
    GenerationStats,
    StreamClock,
    StrictUnsupported,
    TextPiece,
    chunk_text,
)
from tui_structurer.engines.server_scoring import (
    EchoScorer,
    ScoringPath,
    TokenProbabilityScorer,
    probe,
)
from tui_structurer.errors import Cancelled
from tui_structurer.strict import StrictChunk
from tui_structurer.strict.grammar import strict_grammar
from tui_structurer.strict.scored_text import TextScorer
from tui_structurer.strict.server_decoder import ServerCounters, ServerStrictDecoder
from tui_structurer.strict.settings import from_profile
from tui_structurer.text.chunking import max_output_tokens
from tui_structurer.text.prompts import RenderedPrompt

CHARS_PER_TOKEN = 3.0
"""A server's tokenizer is not at hand: budget chunks as if a token were 3 bytes (real
tokenizers average about 4 on English, so chunks stay inside the context)."""
RETRIES = 4
BACKOFF_S = (0.5, 1.0, 2.0, 4.0)


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None, status: int = 0):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status
        """The HTTP status the server answered with; 0 when it did not answer."""


@dataclass
class Endpoint:
    base_url: str
    slots: threading.Semaphore
    resting_until: float = 0.0
    """Monotonic time before which this endpoint is not tried (after a failure)."""
    in_flight: int = field(default=0)


class OpenAIEngine:
    """Streams completions over HTTP; as many at once as the endpoints' concurrency."""

    def __init__(self, profile: ModelProfile):
        self.name = profile.name
        self.context = profile.context
        self._profile = profile
        urls = endpoints_of(profile)
        if not urls:
            raise EngineLoadError(f'model "{profile.name}": engine "openai" needs a base_url')
        self._api_key: str | None = None
        if profile.api_key_env:
            self._api_key = os.environ.get(profile.api_key_env)
            if not self._api_key:
                raise EngineLoadError(
                    f'model "{profile.name}": the environment variable {profile.api_key_env} '
                    "(api_key_env) is not set"
                )
        self._endpoints = [Endpoint(url, threading.Semaphore(profile.concurrency)) for url in urls]
        self._turn = itertools.cycle(range(len(self._endpoints)))
        self._lock = threading.Lock()
        self.concurrency = profile.concurrency * len(self._endpoints)
        self.strict_ready = True  # the server scores or constrains; nothing to roll back
        self.strict_settings = from_profile(profile)
        self._paths: dict[str, ScoringPath] = {}
        """How each endpoint scores strict mode's marks, once asked."""

    def placement(self) -> str:
        count = len(self._endpoints)
        return (
            f"on {count} server{'s' if count > 1 else ''} "
            f"({self._profile.concurrency} request(s) in flight each)"
        )

    def count_tokens(self, text: str) -> int:
        return max(1, int(len(text.encode("utf-8")) / CHARS_PER_TOKEN) + 1)

    def prompt_tokens(self, prompt: RenderedPrompt) -> int:
        return self.count_tokens(prompt.flat()) + 8 * (len(prompt.messages) + 1)

    # -- endpoints -----------------------------------------------------------------------

    def _acquire(self, cancel: threading.Event | None) -> Endpoint:
        """A rested endpoint with a free slot, trying them in turn."""
        while True:
            with self._lock:
                order = [next(self._turn) for _ in self._endpoints]
            now = time.monotonic()
            for index in order:
                endpoint = self._endpoints[index]
                if endpoint.resting_until <= now and endpoint.slots.acquire(blocking=False):
                    return endpoint
            if cancel is not None and cancel.is_set():
                raise Cancelled
            time.sleep(0.05)

    def _body(self, prompt: RenderedPrompt, max_tokens: int, stop: list[str]) -> dict[str, Any]:
        profile = self._profile
        body: dict[str, Any] = {
            "model": profile.server_model or profile.name,
            "max_tokens": max_tokens,
            "temperature": profile.temperature,
            "top_p": profile.top_p,
            "stream": True,
            "seed": profile.seed,
        }
        if stop:
            body["stop"] = stop
        if prompt.is_chat:
            body["messages"] = list(prompt.messages)
        else:
            body["prompt"] = prompt.text
        return body

    def _open(self, endpoint: Endpoint, path: str, body: dict[str, Any]) -> Any:
        parts = urlsplit(endpoint.base_url)
        connection_type = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_type(parts.netloc, timeout=self._profile.timeout_s)
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        base = parts.path.rstrip("/")
        if path in ("/completion", "/tokenize"):  # llama-server's native API: at the root
            base = base.removesuffix("/v1")
        try:
            connection.request("POST", base + path, json.dumps(body), headers)
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise _Retryable(f"{endpoint.base_url}: {exc}") from exc
        if response.status == 200:
            return connection, response
        detail = response.read(300).decode("utf-8", "replace").strip()
        connection.close()
        if response.status == 429 or response.status >= 500:
            retry_after = response.getheader("Retry-After")
            raise _Retryable(
                f"{endpoint.base_url} answered HTTP {response.status}",
                float(retry_after) if retry_after and retry_after.isdigit() else None,
                response.status,
            )
        raise EngineError(
            f'model "{self.name}": {endpoint.base_url} refused the request with HTTP '
            f"{response.status}: {detail}"
        )

    # -- generation ----------------------------------------------------------------------

    def generate(
        self,
        prompt: RenderedPrompt,
        max_tokens: int,
        stop: list[str],
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        yield from self._request(prompt, self._body(prompt, max_tokens, stop), cancel)

    def _post_json(self, endpoint: Endpoint, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A plain (not streamed) request; its answer as JSON."""
        connection, response = self._open(endpoint, path, body)
        try:
            answer = json.loads(response.read())
        except (OSError, http.client.HTTPException) as exc:
            raise _Retryable(f"{endpoint.base_url}: {exc}") from exc
        except ValueError as exc:
            raise EngineError(f'model "{self.name}": {endpoint.base_url} answered no JSON') from exc
        finally:
            connection.close()
        if not isinstance(answer, dict):
            raise EngineError(f'model "{self.name}": {endpoint.base_url} answered {answer!r:.80}')
        return answer

    def scoring_path(self, endpoint: Endpoint) -> ScoringPath:
        """How ``endpoint`` scores strict mode's marks: the grammar for chat prompts
        (scoring needs the prompt as one completion text), else the profile's choice,
        or what the server said when asked."""
        if self._profile.prompt_style == "chat":
            return "grammar"
        chosen = self._profile.strict_server_path
        if chosen != "auto":
            return chosen
        path = self._paths.get(endpoint.base_url)
        if path is None:
            try:
                path = probe(lambda where, body: self._asked(endpoint, where, body))
            except _Retryable as exc:
                raise self._unavailable(endpoint, exc) from exc
            self._paths[endpoint.base_url] = path
        return path

    def _unavailable(self, endpoint: Endpoint, exc: _Retryable) -> EngineUnavailable:
        """Rest ``endpoint`` a moment; the file waits and is tried again later."""
        endpoint.resting_until = time.monotonic() + BACKOFF_S[0]
        return EngineUnavailable(f'model "{self.name}": {exc}')

    def _asked(self, endpoint: Endpoint, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """A probe's request: an error status is the server's answer (some answer a
        feature they lack with a 500); busy (429, 503) and silence are not."""
        try:
            return self._post_json(endpoint, path, body)
        except _Retryable as exc:
            if exc.status in (0, 429, 503):
                raise
            raise EngineError(str(exc)) from exc

    def scoring_paths(self, urls: set[str]) -> dict[str, ScoringPath | None]:
        """The strict path of each endpoint in ``urls`` (None: not reachable now), for
        ``doctor``."""
        paths: dict[str, ScoringPath | None] = {}
        for endpoint in (e for e in self._endpoints if e.base_url in urls):
            try:
                paths[endpoint.base_url] = self.scoring_path(endpoint)
            except EngineUnavailable:
                paths[endpoint.base_url] = None
        return paths

    def generate_strict(
        self,
        prompt: RenderedPrompt,
        chunk: StrictChunk,
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        """Lookahead scoring where the server reports log-probabilities (see
        :meth:`scoring_path`); otherwise a GBNF grammar of the chunk's words."""
        endpoint = self._acquire(cancel)
        try:
            path = self.scoring_path(endpoint)
            if path != "grammar":
                yield from self._strict_scored(endpoint, path, prompt, chunk, cancel)
                return
        finally:
            endpoint.slots.release()
        yield from self._strict_grammar(prompt, chunk, cancel)

    def _strict_scored(
        self,
        endpoint: Endpoint,
        path: ScoringPath,
        prompt: RenderedPrompt,
        chunk: StrictChunk,
        cancel: threading.Event | None,
    ) -> Iterator[TextPiece | GenerationStats]:
        """The chunk on one endpoint (its prompt cache serves every request)."""

        def post(where: str, body: dict[str, Any]) -> dict[str, Any]:
            return self._post_json(endpoint, where, body)

        model = self._profile.server_model or self.name
        scorer: TextScorer = EchoScorer(post, model)
        if path == "token-probabilities":
            scorer = TokenProbabilityScorer(post)
        counters = ServerCounters()
        decoder = ServerStrictDecoder(scorer, prompt.text, chunk, self.strict_settings, counters)
        clock = StreamClock()
        written = []
        try:
            for piece in decoder.write(cancel):
                clock.piece()
                written.append(piece)
                yield TextPiece(piece)
        except _Retryable as exc:
            raise self._unavailable(endpoint, exc) from exc
        stats = clock.stats(self.prompt_tokens(prompt), self.count_tokens("".join(written)), "stop")
        yield dataclasses.replace(stats, decode_calls=counters.requests)

    def _strict_grammar(
        self,
        prompt: RenderedPrompt,
        chunk: StrictChunk,
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        """Constrained by a GBNF grammar of the chunk's words; a server that refuses the
        grammar field raises :class:`StrictUnsupported` (the attempt falls back to
        repair), one that ignores it is caught by the attempt's word check."""
        max_tokens = max_output_tokens(self.count_tokens(" ".join(chunk.words)))
        body = self._body(prompt, max_tokens, [])
        body["grammar"] = strict_grammar(chunk)
        started = False
        try:
            for item in self._request(prompt, body, cancel):
                started = True
                yield item
        except EngineError as exc:
            if started:
                raise
            raise StrictUnsupported(str(exc)) from exc

    def _request(
        self, prompt: RenderedPrompt, body: dict[str, Any], cancel: threading.Event | None
    ) -> Iterator[TextPiece | GenerationStats]:
        path = "/chat/completions" if prompt.is_chat else "/completions"
        problems: list[str] = []
        for attempt in range(RETRIES + 1):
            endpoint = self._acquire(cancel)
            try:
                clock = StreamClock()
                connection, response = self._open(endpoint, path, body)
                try:
                    yield from self._read_stream(response, clock, prompt, cancel)
                finally:
                    connection.close()
                return
            except _Retryable as exc:
                problems.append(str(exc))
                pause = exc.retry_after
                if pause is None:
                    pause = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
                endpoint.resting_until = time.monotonic() + pause
            finally:
                endpoint.slots.release()
        raise EngineUnavailable(
            f'model "{self.name}": no server answered after {RETRIES + 1} tries '
            f"({'; '.join(problems[-2:])})"
        )

    def _read_stream(
        self,
        response: Any,
        clock: StreamClock,
        prompt: RenderedPrompt,
        cancel: threading.Event | None,
    ) -> Iterator[TextPiece | GenerationStats]:
        finish = "stop"
        ended = False  # [DONE] or a finish_reason: a reply that stops without is broken
        usage: dict[str, Any] = {}
        try:
            for raw in response:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    ended = True
                    break
                chunk = json.loads(data)
                usage = chunk.get("usage") or usage
                if cancel is not None and cancel.is_set():
                    raise Cancelled
                text, finish_reason = chunk_text(chunk)
                if finish_reason:
                    finish, ended = finish_reason, True
                if text:
                    clock.piece()
                    yield TextPiece(text)
            if not ended:
                raise ConnectionError("the reply stopped without finishing")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if not clock.pieces:
                raise _Retryable(f"stream broke before any text: {exc}") from exc
            raise EngineUnavailable(
                f'model "{self.name}": the server went away in the middle of a reply ({exc})'
            ) from exc
        yield clock.stats(
            int(usage.get("prompt_tokens") or self.prompt_tokens(prompt)),
            int(usage.get("completion_tokens") or clock.pieces),
            finish,
        )

    def close(self) -> None:
        return None
