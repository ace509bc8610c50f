"""The review app: `tui-structurer FOLDER`."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import platformdirs
from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.worker import Worker, WorkerState

from tui_structurer.config import ConfigError
from tui_structurer.gpu.placement import supports_gpu_offload
from tui_structurer.gpu.telemetry import GpuSampler, Telemetry
from tui_structurer.library import Status
from tui_structurer.pipeline import AttemptFinished
from tui_structurer.processing.events import (
    FileEvent,
    FileFinished,
    FileStarted,
    FolderChange,
    SessionError,
    SessionEvent,
)
from tui_structurer.processing.session import ReviewSession
from tui_structurer.ui import preferences
from tui_structurer.ui.commands import StructurerCommands
from tui_structurer.ui.keymap import load_keymap
from tui_structurer.ui.messages import GpuSampled, RecordsChanged, RecordsLoaded, SessionUpdate
from tui_structurer.ui.screens.help import HelpScreen
from tui_structurer.ui.screens.queue import QueueScreen
from tui_structurer.ui.screens.review import ReviewScreen
from tui_structurer.ui.themes import DEFAULT_THEME, load_themes
from tui_structurer.ui.widgets.live_panel import LivePanel
from tui_structurer.ui.widgets.transcript_table import TranscriptTable

LIVE_REFRESH_S = 0.25
GPU_POLL_S = 1.0


def screenshot_dir() -> Path:
    """The user's Downloads folder if there is one, else their home folder."""
    downloads = platformdirs.user_downloads_path()
    return downloads if downloads.is_dir() else Path.home()


class StructurerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "tui-structurer"
    COMMANDS = App.COMMANDS | {StructurerCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit",
                tooltip="Quit; a file being generated returns to pending"),
        Binding("question_mark", "help", "Help", key_display="?", id="help",
                tooltip="Every key and what it does"),
        Binding("space", "toggle_pause", "Pause/resume", id="pause",
                tooltip="Pause or resume processing after the current file"),
        Binding("t", "toggle_stream", "Stream", id="toggle-stream",
                tooltip="Show or hide the text being generated"),
    ]  # fmt: skip

    def __init__(
        self,
        session: ReviewSession,
        start_processing: bool = True,
        gpu_sampler: Callable[[], GpuSampler] = GpuSampler,
    ) -> None:
        super().__init__()
        self.session = session
        self._make_sampler = gpu_sampler
        self.start_processing = start_processing
        self.stop = threading.Event()
        self.stopped_paths: list[str] = []
        """Files whose generation quitting stopped (they return to pending)."""
        self.offload_note = (
            ""
            if supports_gpu_offload()
            else ("llama-cpp-python here is a CPU build: models run on the CPU")
        )
        self.telemetry: Telemetry | None = None
        self.shipped_themes: set[str] = set()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {
            "diff-removed": "#d75f5f",
            "diff-replaced": "#d7875f",
            "diff-added": "#5f87d7",
            "diff-mark": "#5fd7d7",
        }

    # -- start and stop ----------------------------------------------------------------

    def on_mount(self) -> None:
        themes, problems, self.shipped_themes = load_themes()
        for theme in themes:
            self.register_theme(theme)
        for problem in problems:
            self.notify(str(problem), severity="warning", timeout=8)
        saved = preferences.load().get("theme")
        self._saved_theme = saved if saved in self.available_themes else DEFAULT_THEME
        self.theme = self._saved_theme
        self._apply_keymap()
        self.push_screen(QueueScreen())
        self.sub_title = self.session.folder.root.name
        self.session.queue.set_paused(not self.start_processing)
        self.load_folder()
        self.sample_gpu()
        self.set_interval(LIVE_REFRESH_S, self.refresh_live)
        self.set_interval(1.0, self.session.live.sample)

    def _apply_keymap(self) -> None:
        known = {
            binding.id
            for bindings in self.binding_sections().values()
            for binding in bindings
            if isinstance(binding, Binding) and binding.id
        }
        keymap, problems = load_keymap(known)
        for problem in problems:
            self.notify(problem, severity="warning", timeout=8)
        if keymap:
            self.set_keymap(keymap)

    def binding_sections(self) -> dict[str, list[BindingType]]:
        """The keys by where they act (the help lists them; the keymap checks ids)."""
        anywhere: list[BindingType] = [
            b for b in self.BINDINGS if isinstance(b, Binding) and b.id in ("quit", "help")
        ]
        live_panel = [b for b in self.BINDINGS if b not in anywhere]  # see check_action
        return {
            "anywhere": anywhere,
            "queue": [*live_panel, *TranscriptTable.BINDINGS, *QueueScreen.BINDINGS],
            "review": ReviewScreen.BINDINGS,
        }

    def on_unmount(self) -> None:
        """However the app ends, stop the workers; a file being generated goes back to
        pending (the session waits for that before closing the store)."""
        # Named now: once stopped, the generations no longer show in the live figures.
        self.stopped_paths = [s.path for s in self.session.live.snapshot().streams]
        self.stop.set()
        self.session.stop_current()

    # -- workers -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_folder(self) -> None:
        for note in self.session.folder.notes():
            self.call_from_thread(self.notify, note, severity="warning", timeout=10)
        self.session.folder.refresh()
        self.post_message(RecordsLoaded(self.session.folder.library.transcripts()))
        self.session.enqueue_pending()
        self.call_from_thread(self.process_queue)
        self.call_from_thread(self.count_words)
        settings = self.session.config.settings
        if settings.watch:
            self.session.start_watching(self._folder_changed, settings.quiet_seconds)

    def _folder_changed(self, event: SessionEvent) -> None:
        """From the watcher's threads: read the rows concerned, hand them to the UI."""
        if not isinstance(event, FolderChange):
            return
        library = self.session.folder.library
        records = [r for r in (library.get_by_path(p) for p in event.paths) if r is not None]
        count = len(event.paths)
        note = {
            "queued": f"{count} new file{'s' if count != 1 else ''} queued",
            "moved": f"Moved: {event.detail}",
            "missing": f"Source deleted: {', '.join(event.paths)}",
        }.get(event.kind, "")
        self.post_message(RecordsChanged(records, note))

    @work(thread=True, exclusive=True, exit_on_error=False, group="processing")
    def process_queue(self) -> None:
        def notify(event: SessionEvent) -> None:
            if isinstance(event, SessionError):
                self.post_message(SessionUpdate(event, None))
            elif isinstance(event, FileEvent) and isinstance(
                event.event, FileStarted | FileFinished | AttemptFinished
            ):
                record = self.session.folder.library.get(event.transcript_id)
                self.post_message(SessionUpdate(event, record))

        self.session.run_queue(self.stop, notify)

    @work(thread=True, exclusive=True, exit_on_error=False, group="gpu")
    def sample_gpu(self) -> None:
        sampler = self._make_sampler()
        try:
            while not self.stop.is_set():
                self.post_message(GpuSampled(sampler.sample()))
                if sampler.unavailable:
                    return
                self.stop.wait(GPU_POLL_S)  # the next poll starts after this one ended
        finally:
            sampler.close()

    @work(thread=True, exclusive=True, exit_on_error=False, group="word-counts")
    def count_words(self) -> None:
        """Word counts for files not processed yet, so the queue shows every file's size."""
        for records in self.session.count_words():
            if self.stop.is_set():
                return
            self.post_message(RecordsChanged(records))

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """Every worker failure ends here: said in words, and the session goes on."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.group}: {error}", severity="error", timeout=10)
            if event.worker.group == "processing" and not self.stop.is_set():
                self.process_queue()

    # -- messages from workers -----------------------------------------------------------

    @on(RecordsLoaded)
    def records_loaded(self, message: RecordsLoaded) -> None:
        screen = self.queue_screen
        screen.table.set_records(message.records)
        screen.update_counts()

    @on(SessionUpdate)
    def session_update(self, message: SessionUpdate) -> None:
        event = message.event
        if isinstance(event, SessionError):
            self.notify(
                f"{event.message}\nProcessing is paused; pick another model "
                "(ctrl+p) and press space.",
                severity="error",
                timeout=15,
            )
            return
        if message.record is None:
            return
        if isinstance(event, FileEvent) and isinstance(event.event, FileFinished):
            result = event.event.result
            if result.status == Status.FAILED or result.write_failed:
                self.notify(f"{result.path}: {result.reason}", severity="warning")
        self.queue_screen.table.update_record(message.record)
        self.queue_screen.update_counts()

    @on(RecordsChanged)
    def records_changed(self, message: RecordsChanged) -> None:
        for record in message.records:
            self.queue_screen.table.update_record(record)
        self.queue_screen.update_counts()
        if message.note:
            self.notify(message.note, timeout=3)

    @on(GpuSampled)
    def gpu_sampled(self, message: GpuSampled) -> None:
        self.telemetry = message.telemetry
        with contextlib.suppress(NoMatches):
            panel = self.queue_screen.query_one("#live", LivePanel)
            panel.show_gpu(message.telemetry, self.session.engines.plan_note or self.offload_note)

    def refresh_live(self) -> None:
        with contextlib.suppress(NoMatches):  # the clock can tick while the app closes
            self.queue_screen.query_one("#live", LivePanel).update_from(
                self.session.live.snapshot(), len(self.session.queue), self.session.queue.paused
            )

    # -- review flow ---------------------------------------------------------------------

    @property
    def queue_screen(self) -> QueueScreen:
        return next(s for s in self.screen_stack if isinstance(s, QueueScreen))

    def open_review(self, transcript_id: int) -> None:
        record = self.queue_screen.table.records.get(transcript_id)
        if record is None or record.candidate_attempt is None:
            reason = record.reason if record and record.reason else "nothing to review yet"
            self.notify(f"{record.path if record else 'this file'}: {reason}", timeout=3)
            return
        table = self.queue_screen.table
        self.push_screen(
            ReviewScreen(self.session, transcript_id, table.next_waiting), table.select
        )

    def open_next_review(self, after: int | None) -> None:
        """Open the selected file if it awaits review, else the next one that does."""
        target = self.queue_screen.table.next_waiting(after, 1, inclusive=True)
        if target is None:
            self.notify("Nothing is waiting for review", timeout=3)
            return
        self.open_review(target)

    # -- actions -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The live panel's keys belong to the queue, where the panel is: hidden elsewhere,
        which also leaves the review's footer room for its own keys."""
        if action in ("toggle_pause", "toggle_stream"):
            return isinstance(self.screen, QueueScreen)
        return True

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.binding_sections()))

    def action_toggle_pause(self) -> None:
        paused = not self.session.queue.paused
        self.session.queue.set_paused(paused)
        if not paused:
            self.session.enqueue_pending()
        self.notify(
            "Processing paused after the current file" if paused else "Processing resumed",
            timeout=2,
        )

    def action_toggle_stream(self) -> None:
        self.queue_screen.query_one("#live", LivePanel).toggle_stream()

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual saves screenshots in ~/Downloads, which often does not exist (a server,
        a container): then they go to the home folder. The notice says where."""
        return super().deliver_screenshot(filename, path or str(screenshot_dir()), time_format)

    def switch_model(self, name: str) -> None:
        try:
            self.session.use_model(name)
        except ConfigError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Files from now on use {name}")

    def choose_theme(self, name: str) -> None:
        self.theme = name

    def watch_theme(self, theme: str) -> None:
        if theme != getattr(self, "_saved_theme", None):  # a choice, not the start-up
            preferences.save(theme=theme)
            self._saved_theme = theme
