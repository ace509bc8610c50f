"""Running a session's loop the way `run` does, for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tui_structurer.processing.events import FileResult, SessionEvent, finished_result
from tui_structurer.processing.session import ReviewSession


def run_until_idle(
    session: ReviewSession, also: Callable[[SessionEvent], None] | None = None
) -> list[FileResult]:
    """Queue the pending files, process them all, and return what became of each."""
    results: list[FileResult] = []

    def notify(event: SessionEvent) -> None:
        if also is not None:
            also(event)
        result = finished_result(event)
        if result is not None:
            results.append(result)

    session.enqueue_pending()
    session.run_queue(threading.Event(), notify, until_idle=True)
    return results
