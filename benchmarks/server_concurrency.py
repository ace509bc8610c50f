"""Aggregate words/second through llama.cpp's llama-server at concurrency 1, 2 and 4,
against the in-process engine on the same model and files, in one run.

`python3 benchmarks/server_concurrency.py` builds llama-server from llama-cpp-python's
own llama.cpp source once (build_llama_server.sh, ~10 minutes on two cores), starts it
on a free loopback port with `-np 4` (four slots, continuous batching) and the embedded
model, and structures the same 8 transcripts with each setting. On a 2-core CPU the
gain is small; on a GPU continuous batching should give several times more.
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from llama_server import free_port, start
from tui_structurer.config import load_config
from tui_structurer.config.model_choice import use_model
from tui_structurer.engines.pool import EnginePool
from tui_structurer.library.folder import Folder
from tui_structurer.processing.events import SessionEvent, finished_result
from tui_structurer.processing.session import ReviewSession

FILES = 8
LENIENT = "[gate]\nmin_likeness = 0.0\nmax_removed_run = 100000\nrequire_structure = false\n"
TEXT = ("so today we are going to talk about the old harbour and the boats that used to "
        "come in every morning with the catch and the people who waited on the pier for "
        "them and what happened when the fishing stopped")  # fmt: skip


def words_per_second(temp: Path, label: str, config_text: str, model: str) -> float:
    folder = temp / label
    folder.mkdir()
    for index in range(FILES):
        (folder / f"talk-{index}.txt").write_text(f"{TEXT} number {index}\n")
    config_file = temp / f"{label}.toml"
    config_file.write_text(LENIENT + config_text)
    config = use_model(load_config(config_file), model)
    engines = EnginePool()
    engines.get(config.models[model])  # load before the clock starts
    session = ReviewSession(Folder(folder, Path("structured")), config, engines)
    session.folder.refresh()
    words = 0

    def count(event: SessionEvent) -> None:
        nonlocal words
        result = finished_result(event)
        words += result.words if result is not None else 0

    session.enqueue_pending()
    started = time.perf_counter()
    session.run_queue(threading.Event(), count, until_idle=True)
    elapsed = time.perf_counter() - started
    session.close()
    engines.close()
    return words / elapsed


def main() -> dict[str, float]:
    port = free_port()
    server = start(port, slots=4, context=8192)
    rates: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as temp_name:
            temp = Path(temp_name)
            rates["in-process"] = words_per_second(temp, "inproc", "", "gemma3-270m")
            for concurrency in (1, 2, 4):
                profile = (
                    f'[models.server]\nengine = "openai"\nbase_url = "http://127.0.0.1:{port}/v1"\n'
                    f'prompt_style = "completion"\ncontext = 2048\nconcurrency = {concurrency}\n'
                )
                rates[f"server x{concurrency}"] = words_per_second(
                    temp, f"c{concurrency}", profile, "server"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    base = rates["server x1"]
    for label, rate in rates.items():
        print(f"{label:>12}: {rate:6.1f} words/s  ({rate / base:.2f}× server at concurrency 1)")
    return rates


if __name__ == "__main__":
    main()
