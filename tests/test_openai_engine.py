"""The OpenAI-compatible engine against real servers on loopback only.

A real one: llama-cpp-python's own server with the embedded model. A tiny stand-in
HTTP server produces what a real server does only when in trouble (429, 5xx).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from processing_helpers import run_until_idle
from tui_structurer.cli.main import main
from tui_structurer.config import ModelProfile, load_config
from tui_structurer.engines import EngineLoadError, EngineUnavailable, GenerationStats, TextPiece
from tui_structurer.engines.openai_engine import OpenAIEngine
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.models.sources import resolve_gguf
from tui_structurer.pipeline import TokenGenerated
from tui_structurer.processing.events import FileEvent
from tui_structurer.processing.session import ReviewSession
from tui_structurer.text.prompts import RenderedPrompt
from tui_structurer.text.source_rules import source_rules

LENIENT = "[gate]\nmin_likeness = 0.0\nmax_removed_run = 100000\nrequire_structure = false\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(resolve_gguf("embedded")),
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError("llama_cpp.server did not start")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    process = start_server(port)
    yield f"http://127.0.0.1:{port}/v1"
    process.terminate()
    process.wait(timeout=30)


def server_config(tmp_path: Path, base_url: str, extra: str = "") -> Path:
    config = tmp_path / "server.toml"
    config.write_text(
        LENIENT + f'[models.local-server]\nengine = "openai"\nbase_url = "{base_url}"\n'
        'prompt_style = "completion"\ncontext = 2048\nconcurrency = 2\n' + extra
    )
    return config


def make_talks(root: Path, count: int) -> Path:
    root.mkdir()
    for index in range(count):
        (root / f"talk-{index}.txt").write_text(
            f"this is talk {index} and it is short so the test stays quick\n"
        )
    return root


@pytest.mark.model
def test_run_streams_from_a_real_server_two_at_a_time(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_talks(tmp_path / "talks", 4)
    config = server_config(tmp_path, server)
    code = main(["run", str(folder), "--config", str(config), "--model", "local-server",
                 "--json", "--auto-accept"])  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert summary["entries"] == 4 and summary["successes"] == 4
    opened = Folder(folder, Path("structured"), read_only=True)
    for record in opened.library.transcripts():
        assert record.status == Status.ACCEPTED
        (attempt,) = opened.library.attempts(record.id)[:1]
        assert attempt.model == "local-server" and attempt.completion_tokens > 0
        assert attempt.ttft_s > 0
    opened.close()


@pytest.mark.model
def test_a_server_killed_mid_reply_returns_the_file_to_pending(tmp_path: Path) -> None:
    port = free_port()
    process = start_server(port)
    folder_path = tmp_path / "talks"
    folder_path.mkdir()
    (folder_path / "long.txt").write_text(" ".join(["and then we walked a bit further"] * 40))
    config = load_config(server_config(tmp_path, f"http://127.0.0.1:{port}/v1"))
    folder = Folder(folder_path, Path("structured"))
    folder.refresh()
    killed: list[bool] = []

    def kill_on_first_token(event: object) -> None:
        token = isinstance(event, FileEvent) and isinstance(event.event, TokenGenerated)
        if token and not killed:
            killed.append(True)
            process.send_signal(signal.SIGKILL)

    session = ReviewSession(folder, load_config_with(config, "local-server"))
    (result,) = run_until_idle(session, kill_on_first_token)
    assert killed and result.status == Status.PENDING
    assert "went away" in (result.reason or "") or "no server answered" in (result.reason or "")
    assert folder.library.transcripts()[0].status == Status.PENDING
    process.wait()

    restarted = start_server(port)  # back again: the file is processed
    try:
        (result,) = run_until_idle(session)
        assert result.status == Status.REVIEW
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)
        session.close()


def load_config_with(config: Any, model: str) -> Any:
    from tui_structurer.config.model_choice import use_model

    return use_model(config, model)


class StandIn(BaseHTTPRequestHandler):
    """Answers per a script: a list of HTTP statuses, then a streamed completion."""

    script: ClassVar[list[int]] = []
    seen: ClassVar[list[dict[str, Any]]] = []
    delay: ClassVar[float] = 0.0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"auth": self.headers.get("Authorization"), "body": body})
        status = type(self).script.pop(0) if type(self).script else 200
        if status != 200:
            self.send_response(status)
            self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(b'{"error": "busy"}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in ("Hello", ",", " world", "."):
            chunk = {"choices": [{"text": piece, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            time.sleep(type(self).delay)
        self.wfile.write(b"data: [DONE]\n\n")

    def do_GET(self) -> None:
        body = json.dumps({"object": "list", "data": [{"id": "remote"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def stand_in() -> Iterator[str]:
    StandIn.script, StandIn.seen, StandIn.delay = [], [], 0.0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def profile(base_url: str | list[str], **extra: Any) -> ModelProfile:
    return ModelProfile(name="remote", engine="openai", base_url=base_url,
                        prompt_style="completion", **extra)  # fmt: skip


def generate(engine: OpenAIEngine) -> tuple[str, GenerationStats]:
    text, stats = "", None
    for item in engine.generate(RenderedPrompt(text="say hello"), 16, []):
        if isinstance(item, TextPiece):
            text += item.text
        else:
            stats = item
    assert stats is not None
    return text, stats


def test_429_and_5xx_are_retried(stand_in: str) -> None:
    StandIn.script = [429, 503, 500]
    text, stats = generate(OpenAIEngine(profile(stand_in)))
    assert text == "Hello, world." and stats.completion_tokens == 4
    assert len(StandIn.seen) == 4


def test_a_server_that_keeps_failing_is_a_clear_error(
    stand_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    StandIn.script = [502] * 10
    with pytest.raises(EngineUnavailable, match="no server answered after 5 tries"):
        generate(OpenAIEngine(profile(stand_in)))


def test_a_fleet_skips_an_endpoint_that_refuses_connections(stand_in: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    engine = OpenAIEngine(profile([dead, stand_in]))
    assert engine.concurrency == 2
    for _ in range(3):
        assert generate(engine)[0] == "Hello, world."


def test_api_key_comes_from_the_named_variable_only(
    stand_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TUI_STRUCTURER_TEST_KEY", raising=False)
    with pytest.raises(EngineLoadError, match=r"TUI_STRUCTURER_TEST_KEY .* is not set"):
        OpenAIEngine(profile(stand_in, api_key_env="TUI_STRUCTURER_TEST_KEY"))
    monkeypatch.setenv("TUI_STRUCTURER_TEST_KEY", "sk-test-123")
    generate(OpenAIEngine(profile(stand_in, api_key_env="TUI_STRUCTURER_TEST_KEY")))
    assert StandIn.seen[-1]["auth"] == "Bearer sk-test-123"


def test_missing_key_stops_a_run_with_a_clear_message(
    stand_in: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TUI_STRUCTURER_TEST_KEY", raising=False)
    folder = make_talks(tmp_path / "talks", 1)
    config = server_config(tmp_path, stand_in, 'api_key_env = "TUI_STRUCTURER_TEST_KEY"\n')
    assert main(["run", str(folder), "--config", str(config), "--model", "local-server"]) == 1
    assert "TUI_STRUCTURER_TEST_KEY (api_key_env) is not set" in capsys.readouterr().err
    assert os.environ.get("TUI_STRUCTURER_TEST_KEY") is None


def test_doctor_checks_each_endpoint(stand_in: str, tmp_path: Path) -> None:
    from tui_structurer.cli.doctor import doctor_report, format_report

    dead = f"http://127.0.0.1:{free_port()}/v1"
    config_file = tmp_path / "fleet.toml"
    config_file.write_text(
        f'[models.remote]\nengine = "openai"\nbase_url = ["{stand_in}", "{dead}"]\n'
    )
    report = doctor_report(load_config(config_file))
    remote = next(m for m in report["models"] if m["name"] == "remote")
    alive, gone = remote["endpoints"]
    assert alive["reachable"] and alive["model_listed"] and alive["latency_ms"] >= 0
    assert not gone["reachable"] and "refused" in gone["error"]
    text = format_report(report)
    assert f"{stand_in}: up" in text and f"{dead}: NOT REACHABLE" in text
    assert "strict mode: a GBNF grammar per chunk" in text  # which path a server gets


def test_the_session_keeps_as_many_files_in_flight_as_the_server_serves(
    stand_in: str, tmp_path: Path
) -> None:
    from tui_structurer.config.model_choice import use_model
    from tui_structurer.processing.session import ReviewSession

    StandIn.delay = 0.15
    root = make_talks(tmp_path / "talks", 4)
    config = use_model(load_config(server_config(tmp_path, stand_in)), "local-server")
    session = ReviewSession(Folder(root, Path("structured")), config)
    session.folder.refresh()
    assert session.enqueue_pending() == 4
    stop = threading.Event()
    worker = threading.Thread(target=session.run_queue, args=(stop, lambda _: None))
    worker.start()
    most = 0
    deadline = time.monotonic() + 60
    library = session.folder.library
    while time.monotonic() < deadline:
        most = max(most, len(session.live.snapshot().streams))
        if all(r.status == Status.REVIEW for r in library.transcripts()):
            break
        time.sleep(0.02)
    stop.set()
    worker.join()
    assert {r.status for r in library.transcripts()} == {Status.REVIEW}
    assert most == 2  # concurrency = 2 per endpoint, one endpoint
    session.close()


def strict_attempt(engine: OpenAIEngine, source: str) -> Any:
    from tui_structurer.config import CascadeStep
    from tui_structurer.pipeline.attempt import run_attempt

    config = load_config()
    step = CascadeStep("remote", "structure-strict", "strict")
    remote = profile("unused", context=2048)
    prompt = config.prompts["structure-strict"]
    rules = source_rules(source)
    return run_attempt(source, step, 0, remote, prompt, engine, config.gate, rules, lambda _: None)


SOURCE = "so i think we should start now because it is getting late is that okay"


@pytest.mark.model
def test_strict_mode_on_a_real_server_keeps_every_word_by_grammar(server: str) -> None:
    engine = OpenAIEngine(profile(server, context=2048))
    result = strict_attempt(engine, SOURCE)
    assert result.raw_output[0] == "S" and result.raw_output[-1] in ".?!"
    assert result.raw_fidelity.likeness == 1.0 and result.note == ""
    assert result.raw_output == result.final_output


def test_a_server_that_ignores_the_grammar_is_repaired_and_says_so(stand_in: str) -> None:
    engine = OpenAIEngine(profile(stand_in, context=2048, strict_server_path="grammar"))
    result = strict_attempt(engine, SOURCE)
    assert 'g0 ::= ("So")' in StandIn.seen[0]["body"]["grammar"]
    assert "did not keep to the source words" in result.note
    assert result.final_fidelity.likeness == 1.0


def test_a_server_that_refuses_the_grammar_falls_back_to_repair(stand_in: str) -> None:
    StandIn.script = [400]
    engine = OpenAIEngine(profile(stand_in, context=2048, strict_server_path="grammar"))
    result = strict_attempt(engine, SOURCE)
    assert "strict decoding unavailable" in result.note and "fell back to repair" in result.note
    assert "grammar" in StandIn.seen[0]["body"] and "grammar" not in StandIn.seen[1]["body"]
    assert result.final_fidelity.likeness == 1.0
