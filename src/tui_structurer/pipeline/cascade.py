"""The attempt cascade: try each (model, prompt, mode) step until one passes the gate."""

from __future__ import annotations

import threading

from tui_structurer.config import CascadeStep, Config
from tui_structurer.engines import EngineError
from tui_structurer.engines.backends import planned_concurrency
from tui_structurer.engines.pool import EnginePool
from tui_structurer.pipeline.attempt import Emit, run_attempt
from tui_structurer.pipeline.events import (
    AttemptFailed,
    AttemptFinished,
    ModelLoading,
    PipelineEvent,
)
from tui_structurer.pipeline.result import AttemptResult, Outcome
from tui_structurer.text.source_rules import source_rules


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
        return max(planned_concurrency(self.config.models[s.model]) for s in self.config.cascade)

    def process(
        self,
        text: str,
        steps: tuple[CascadeStep, ...] | None = None,
        emit: Emit = _ignore,
        cancel: threading.Event | None = None,
    ) -> Outcome:
        """Run the cascade (or ``steps``) on ``text`` until an attempt passes the gate.

        A step whose model fails on this text is reported (:class:`AttemptFailed`) and
        the next step runs; :class:`~tui_structurer.engines.EngineError` is raised only
        when no step produced an attempt. Raises
        :class:`~tui_structurer.engines.EngineLoadError` when a model cannot be loaded
        and :class:`~tui_structurer.errors.Cancelled` on cancel.
        """
        attempts: list[AttemptResult] = []
        problems: list[str] = []
        settings = self.config.settings
        rules = source_rules(
            text, settings.existing_punctuation == "keep", settings.punctuated_marks_per_100_words
        )
        for index, step in enumerate(steps or self.config.cascade):
            profile = self.config.models[step.model]
            prompt = self.config.prompts[step.prompt]
            strict = step.mode == "strict"
            if not self.engines.has(profile, strict):
                emit(ModelLoading(profile.name))
            engine = self.engines.get(profile, strict)
            try:
                result = run_attempt(
                    text,
                    step,
                    index,
                    profile,
                    prompt,
                    engine,
                    self.config.gate,
                    rules,
                    emit,
                    cancel,
                )
            except EngineError as exc:  # this step failed on this text: try the next one
                problems.append(str(exc))
                emit(AttemptFailed(step, str(exc)))
                continue
            attempts.append(result)
            emit(AttemptFinished(result))
            if result.passed:
                break
        if not attempts:
            raise EngineError("; ".join(problems))
        return Outcome(tuple(attempts), choose(attempts))
