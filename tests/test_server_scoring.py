"""Strict mode's lookahead through servers, end to end over HTTP: stand-ins that speak
llama-server's native API (``/tokenize``, ``/completion`` with a grammar of token ids and
``n_probs``) and an echoing ``/completions`` (vLLM's format), both computing their
numbers with the toy model, so what the engine decides can be checked against the
decoder reading the toy model directly."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from strict_fakes import CHARS, ToyScorer, toy_tokens
from test_openai_engine import SOURCE, profile, strict_attempt
from tui_structurer.config import load_config
from tui_structurer.engines.openai_engine import OpenAIEngine
from tui_structurer.strict import StrictChunk
from tui_structurer.strict.server_decoder import ServerStrictDecoder
from tui_structurer.strict.settings import StrictSettings
from tui_structurer.text.words import word_keys

TOY = ToyScorer()


def _entry(token: int, logprob: float, top: dict[str, float]) -> dict[str, Any]:
    text = CHARS[token]
    alternatives = [{"id": 0, "token": t, "bytes": list(t.encode()), "logprob": lp}
                    for t, lp in top.items()]  # fmt: skip
    return {"id": token, "token": text, "bytes": list(text.encode()), "logprob": logprob,
            "top_logprobs": alternatives}  # fmt: skip


class Scoring(BaseHTTPRequestHandler):
    """Speaks one way of scoring (``way``): "token-probabilities", "echo" or none;
    anything else is answered 404, as servers answer an API they lack."""

    way: ClassVar[str] = "token-probabilities"
    paths: ClassVar[list[str]] = []

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(200, {"data": [{"id": "remote"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).paths.append(self.path)
        native = type(self).way == "token-probabilities"
        if self.path == "/tokenize" and native:
            self._send(200, {"tokens": list(toy_tokens(body["content"]))})
        elif self.path == "/completion" and native:
            ids = [int(i) for i in re.findall(r"<\[(\d+)\]>", body["grammar"])]
            scored = TOY.score(body["prompt"], "".join(CHARS[i] for i in ids))
            entries = [_entry(i, t.logprob, dict(t.alternatives))
                       for i, t in zip(ids, scored.tokens, strict=True)]  # fmt: skip
            entries.append(_entry(toy_tokens(".")[0], -9.0, {}))  # the end after the grammar
            self._send(200, {"content": scored.text, "completion_probabilities": entries})
        elif self.path == "/v1/completions" and type(self).way == "echo" and body.get("echo"):
            tokens = toy_tokens(body["prompt"])
            scored = TOY.score("", body["prompt"])
            offsets = [sum(len(CHARS[t]) for t in tokens[:i]) for i in range(len(tokens))]
            rest = scored.tokens[1:]  # the first token has no log-probability
            logprobs = {"tokens": [CHARS[t] for t in tokens], "text_offset": offsets,
                        "token_logprobs": [None] + [t.logprob for t in rest],
                        "top_logprobs": [None] + [dict(t.alternatives) for t in rest]}  # fmt: skip
            self._send(200, {"choices": [{"text": body["prompt"] + "x", "logprobs": logprobs}]})
        else:
            self._send(404, {"error": "not found"})

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def scoring() -> Iterator[str]:
    Scoring.way, Scoring.paths = "token-probabilities", []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Scoring)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def direct(prompt: str) -> str:
    """The chunk decoded on the toy model without a server in between."""
    decoder = ServerStrictDecoder(TOY, prompt, StrictChunk(tuple(SOURCE.split())), StrictSettings())
    return "".join(decoder.write())


@pytest.mark.parametrize("way", ["token-probabilities", "echo"])
def test_a_server_that_reports_probabilities_gets_lookahead_scoring(scoring: str, way: str) -> None:
    Scoring.way = way  # echo is used only when named
    named = "echo" if way == "echo" else "auto"
    engine = OpenAIEngine(profile(scoring, context=2048, strict_server_path=named))
    assert engine.scoring_paths({scoring}) == {scoring: way}
    result = strict_attempt(engine, SOURCE)
    prompt = load_config().prompts["structure-strict"].completion
    assert result.raw_output == direct(
        prompt.replace("{text}", SOURCE).replace("{TEXT}", SOURCE.upper())
    )
    assert result.raw_fidelity.likeness == 1.0 and result.note == ""
    assert word_keys(result.raw_output) == word_keys(SOURCE)
    assert result.stats.decode_calls > 0  # requests, counted as decode calls


def test_a_server_without_either_keeps_the_grammar(scoring: str) -> None:
    Scoring.way = "none"
    engine = OpenAIEngine(profile(scoring, context=2048))
    assert engine.scoring_paths({scoring}) == {scoring: "grammar"}
    assert Scoring.paths == ["/tokenize"]  # asked once
    engine.scoring_paths({scoring})
    assert len(Scoring.paths) == 1  # and remembered


def test_doctor_says_which_path_each_endpoint_gets(scoring: str, tmp_path: Path) -> None:
    from tui_structurer.cli.doctor import doctor_report, format_report

    config_file = tmp_path / "served.toml"
    config_file.write_text(
        f'[models.remote]\nengine = "openai"\nbase_url = "{scoring}"\nprompt_style = "completion"\n'
    )
    report = doctor_report(load_config(config_file))
    remote = next(m for m in report["models"] if m["name"] == "remote")
    assert remote["endpoints"][0]["strict_path"] == "token-probabilities"
    assert "strict mode: lookahead scoring with the server's token probabilities" in format_report(
        report
    )
