"""The attempt cascade: try each (model, prompt, mode) step until one passes the gate."""

from __future__ import annotations

import threading

from tui_structurer.config import CascadeStep, Config
from tui_structurer.engines.openai_engine import endpoints_of
from tui_structurer.engines.pool import EnginePool
from tui_structurer.pipeline.attempt import Emit, run_attempt
from tui_structurer.pipeline.events import AttemptFinished, PipelineEvent
from tui_structurer.pipeline.result import AttemptResult, Outcome


def _ignore(_: PipelineEvent) -> None:
    return None


def choose(attempts: list[AttemptResult]) -> int:
    """The first attempt that passed; otherwise the one whose raw output kept most words."""
    for index, attempt in enumerate(attempts):
        if attempt.passed:
            return index
    return max(range(len(attempts)), key=lambda i: attempts[i].raw_fidelity.likeness)


class Pipeline:
    """Structures one transcript at a time; pure orchestration, no files, no UI."""

    def __init__(self, config: Config, engines: EnginePool):
        self.config = config
        self.engines = engines

    def concurrency(self) -> int:
        """Files worth having in flight at once: the most any cascade model serves."""
        best = 1
        for step in self.config.cascade:
            profile = self.config.models[step.model]
            if profile.engine == "openai":
                best = max(best, profile.concurrency * len(endpoints_of(profile)))
        return best

    def process(
        self,
        text: str,
        steps: tuple[CascadeStep, ...] | None = None,
        emit: Emit = _ignore,
        cancel: threading.Event | None = None,
    ) -> Outcome:
        """Run the cascade (or ``steps``) on ``text`` until an attempt passes the gate.

        Raises :class:`~tui_structurer.engines.EngineLoadError` when a model cannot be
        loaded and :class:`~tui_structurer.pipeline.attempt.Cancelled` on cancel.
        """
        attempts: list[AttemptResult] = []
        for index, step in enumerate(steps or self.config.cascade):
            profile = self.config.models[step.model]
            prompt = self.config.prompts[step.prompt]
            engine = self.engines.get(profile, strict=step.mode == "strict")
            result = run_attempt(
                text, step, index, profile, prompt, engine, self.config.gate, emit, cancel
            )
            attempts.append(result)
            emit(AttemptFinished(result))
            if result.passed:
                break
        return Outcome(tuple(attempts), choose(attempts))
