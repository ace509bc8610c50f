"""The queue of files to process: reruns jump the line, and it can be paused."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from tui_structurer.config import CascadeStep


@dataclass(frozen=True, slots=True)
class Job:
    transcript_id: int
    steps: tuple[CascadeStep, ...] | None = None
    """Attempts to run instead of the configured cascade (a rerun with a fallback)."""


class WorkQueue:
    """Thread-safe FIFO of jobs; a transcript is queued at most once."""

    def __init__(self) -> None:
        self._jobs: deque[Job] = deque()
        self._cond = threading.Condition()
        self._paused = False
        self._taken = 0
        """Jobs handed out by :meth:`next` and not yet marked :meth:`done`."""

    def _queued(self, transcript_id: int) -> bool:
        return any(job.transcript_id == transcript_id for job in self._jobs)

    def extend(self, transcript_ids: list[int]) -> int:
        """Queue these at the back, skipping any already queued; how many were added."""
        with self._cond:
            added = 0
            queued = {job.transcript_id for job in self._jobs}
            for transcript_id in transcript_ids:
                if transcript_id not in queued:
                    self._jobs.append(Job(transcript_id))
                    queued.add(transcript_id)
                    added += 1
            self._cond.notify_all()
            return added

    def push_front(self, job: Job) -> None:
        """Run ``job`` next (a rerun the reviewer asked for)."""
        with self._cond:
            self._jobs = deque(j for j in self._jobs if j.transcript_id != job.transcript_id)
            self._jobs.appendleft(job)
            self._cond.notify_all()

    def next(self, timeout: float) -> Job | None:
        """The next job, waiting up to ``timeout`` while empty or paused; the caller
        calls :meth:`done` when it has finished with it."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._jobs and not self._paused, timeout):
                return None
            self._taken += 1
            return self._jobs.popleft()

    def done(self) -> None:
        """A job from :meth:`next` is finished (or was put back)."""
        with self._cond:
            self._taken -= 1
            self._cond.notify_all()

    def drained(self) -> bool:
        """Nothing is being worked on and nothing more will be handed out (the queue is
        empty or paused)."""
        with self._cond:
            return self._taken == 0 and (not self._jobs or self._paused)

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        with self._cond:
            self._paused = paused
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._jobs)

    def __contains__(self, transcript_id: object) -> bool:
        with self._cond:
            return isinstance(transcript_id, int) and self._queued(transcript_id)
