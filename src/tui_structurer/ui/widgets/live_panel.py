"""What is being generated right now: file, progress, speed, GPU, and the text itself."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar, Sparkline

from tui_structurer.gpu.telemetry import Telemetry
from tui_structurer.processing.live import LiveView, StreamView
from tui_structurer.text.display import printable_path
from tui_structurer.text.durations import format_duration
from tui_structurer.ui.widgets.stream_tail import StreamTail

MAX_STREAM_LINES = 4


def eta_text(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def _gib(value: int | None) -> str:
    return "N/A" if value is None else f"{value / 2**30:.1f}"


def gpu_line(telemetry: Telemetry | None, offload_note: str) -> str:
    """One line per GPU, or the plain reason there is none."""
    if telemetry is None:
        return "GPU: checking…"
    if not telemetry.gpus:
        return f"CPU only — {telemetry.unavailable or 'no GPU'}"
    parts = []
    for gpu in telemetry.gpus:
        util = "N/A" if gpu.utilization_pct is None else f"{gpu.utilization_pct:.0f}%"
        temp = "" if gpu.temperature_c is None else f"  {gpu.temperature_c:.0f}°C"
        power = "" if gpu.power_w is None else f"  {gpu.power_w:.0f} W"
        parts.append(
            f"GPU{gpu.index} {gpu.name}: {util}  {_gib(gpu.memory_used)}/"
            f"{_gib(gpu.memory_total)} GiB{temp}{power}"
        )
    if offload_note:
        parts.append(offload_note)
    return "\n".join(parts)


def stream_line(stream: StreamView) -> str:
    """One file in flight: where it is, and how far along once it is writing."""
    head = f"▶ {printable_path(stream.path)}  {stream.step}"
    if stream.phase != "writing":
        return f"{head}  {stream.phase}…"
    chunk = f"  chunk {stream.chunk + 1}/{stream.chunks}" if stream.chunks > 1 else ""
    return (
        f"{head}{chunk}  {stream.tokens}/{stream.expected} tokens  {stream.progress:.0%}  "
        f"{stream.rate_now:.1f} tok/s"
    )


def rate_line(live: LiveView, queued: int, paused: bool) -> str:
    """Speeds now and on average (said what they average over), first token, queue, ETA."""
    parts = []
    if live.streams:
        together = f" ({len(live.streams)} streams)" if len(live.streams) > 1 else ""
        parts.append(f"{live.rate_now:.1f} tok/s now{together}")
    if live.attempts_averaged:
        count = live.attempts_averaged
        parts.append(f"{live.rate_average:.1f} tok/s avg of {count} attempt{'s' * (count > 1)}")
    if live.last_ttft is not None:
        parts.append(f"first token {live.last_ttft:.2f}s")
    queue = f"queue {queued}"
    if not paused and (live.streams or queued):
        queue += f", ETA {eta_text(live.eta_seconds(queued))}"
    parts.append(queue)
    return "   ".join(parts)


class LivePanel(Vertical):
    """Redrawn on a clock by the app (never per token)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_stream = False

    def compose(self) -> ComposeResult:
        yield Label("Idle", id="live-file")
        yield ProgressBar(total=100, show_eta=False, id="live-progress")
        yield Label("", id="live-rate")
        yield Sparkline([], id="live-sparkline")
        yield Label("GPU: checking…", id="live-gpu")
        yield StreamTail(id="live-stream")

    def on_mount(self) -> None:
        self.border_title = "Live"
        self.query_one("#live-stream").display = False
        self.query_one(Sparkline).display = False

    def toggle_stream(self) -> None:
        self.show_stream = not self.show_stream
        self.query_one("#live-stream").display = self.show_stream

    def update_from(self, live: LiveView, queued: int, paused: bool) -> None:
        state = " (paused)" if paused else ""
        streams = live.streams
        if streams:
            lines = [stream_line(stream) for stream in streams[:MAX_STREAM_LINES]]
            if len(streams) > MAX_STREAM_LINES:
                lines.append(f"  … and {len(streams) - MAX_STREAM_LINES} more in flight")
            head = "\n".join(lines) + state
        else:
            head = f"Idle — {queued} queued{state}" if queued or paused else "Idle — queue empty"
        self.query_one("#live-file", Label).update(head)
        share = live.tokens / live.expected if live.expected else 0.0
        bar = self.query_one(ProgressBar)
        bar.display = bool(streams)  # an idle 0% bar reads as work stuck at the start
        bar.update(progress=min(1.0, share) * 100)
        self.query_one("#live-rate", Label).update(rate_line(live, queued, paused))
        sparkline = self.query_one(Sparkline)
        sparkline.display = any(live.rate_history)
        sparkline.data = list(live.rate_history)
        if self.show_stream:
            self.query_one(StreamTail).text = streams[0].text if streams else ""

    def show_gpu(self, telemetry: Telemetry, offload_note: str) -> None:
        self.query_one("#live-gpu", Label).update(gpu_line(telemetry, offload_note))
