"""Which candidates a gap weighs, and which one wins (pure arithmetic on log-probabilities).

Two rules:

- **lookahead** (the default): a candidate is scored by the log-probability of its
  tokens and of the next few source tokens after it, plus the bias of its class and,
  for a paragraph break, the paragraph prior. A mark is a claim about what comes next,
  so the words after it are what tell a good mark from a bad one. Candidates whose first
  token is unlikely are not weighed at all (most gaps are then decided without a batch).
- **first-token**: the likeliest allowed token at each step, the rule strict mode began
  with; kept as the quality baseline the benchmark measures against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from tui_structurer.strict.candidates import Candidate, Gap
from tui_structurer.strict.settings import StrictSettings

MAX_WEIGHED = 3
"""Candidates weighed at one gap: the word as spoken and the two likeliest others (each
costs logit rows; a third mark seldom wins where two were likelier)."""

LogProbsAfter = Callable[[Sequence[int], Sequence[int]], list[float]]
"""Log-probabilities of some tokens after a decoded prefix of a gap's candidates."""


def weigh_key(candidate: Candidate, first: Mapping[int, float], settings: StrictSettings) -> float:
    """How promising a candidate looks from its first token alone."""
    return first[candidate.tokens[0]] + settings.class_bias(candidate)


def survivors(
    gap: Gap, first: Mapping[int, float], settings: StrictSettings, limit: int
) -> list[Candidate]:
    """The candidates worth decoding, favoured first; one means the mark is decided.
    Paragraph breaks are not among them: they are placed once the sentence ends are
    written (:mod:`~tui_structurer.strict.paragraphs`)."""
    # A gap the source ends with a paragraph offers only breaks: they are weighed.
    allowed = [c for c in gap.candidates if not c.paragraph] or list(gap.candidates)
    if len(allowed) == 1:
        return allowed
    if settings.rule == "first-token":
        best = max(allowed, key=lambda c: first[c.tokens[0]]).tokens[0]
        return [c for c in allowed if c.tokens[0] == best][:limit]
    draft = gap.candidates[0]
    draft_key = weigh_key(draft, first, settings)
    # After a comma the word keeps the case the model likes best without a mark (a name
    # stays a name); within a class the model's likeliest mark stands for it.
    unmarked = [c for c in allowed if not c.mark]
    spelled = max(unmarked, key=lambda c: first[c.tokens[0]]).word if unmarked else None
    best_of_class: dict[tuple[object, ...], Candidate] = {}
    for c in allowed:
        if c.mark and not c.ends_sentence and c.word != spelled:
            continue
        group = (c.mark_class, c.word if not c.mark else "")
        held = best_of_class.get(group)
        if held is None or first[c.tokens[0]] > first[held.tokens[0]]:
            best_of_class[group] = c

    def worth(c: Candidate) -> bool:
        # The word as spoken is always weighed (a likelier first token says little when
        # the words after it are what the model expects least); so is a capital the
        # model likes better than the word as spoken (a name it knows).
        if c is draft:
            return True
        floor = settings.threshold
        if not c.mark:
            floor = min(floor, draft_key)
        return weigh_key(c, first, settings) >= floor

    kept = [c for c in best_of_class.values() if worth(c)]
    limit = min(limit, MAX_WEIGHED)
    kept.sort(key=lambda c: -weigh_key(c, first, settings))
    return kept[:limit] if draft in kept[:limit] else [*kept[: limit - 1], draft]


def path_score(
    tokens: Sequence[int], first: Mapping[int, float], logprobs_after: LogProbsAfter
) -> float:
    """Log-probability of ``tokens`` at the gap (their first from the gap's row)."""
    total = first[tokens[0]]
    for depth in range(1, len(tokens)):
        total += logprobs_after(tokens[:depth], [tokens[depth]])[0]
    return total


def lookahead_winner(
    weighed: Sequence[Candidate],
    tail: Sequence[int],
    first: Mapping[int, float],
    logprobs_after: LogProbsAfter,
    settings: StrictSettings,
) -> Candidate:
    """The best candidate by its score with ``tail`` (the source tokens after it)."""

    def score(candidate: Candidate) -> float:
        total = path_score(candidate.tokens + tuple(tail), first, logprobs_after)
        return total + settings.class_bias(candidate)

    scores = [score(c) for c in weighed]
    return weighed[max(range(len(weighed)), key=scores.__getitem__)]


def first_token_winner(weighed: Sequence[Candidate], logprobs_after: LogProbsAfter) -> Candidate:
    """Descend the candidates' shared tokens, taking the likeliest token at each step
    (the weighed candidates already agree on the first)."""
    alive = list(weighed)
    depth = 1
    while len(alive) > 1:
        done = next((c for c in alive if len(c.tokens) == depth), None)
        if done is not None:
            return done
        options = list(dict.fromkeys(c.tokens[depth] for c in alive))
        scores = logprobs_after(alive[0].tokens[:depth], options)
        best = options[max(range(len(options)), key=scores.__getitem__)]
        alive = [c for c in alive if c.tokens[depth] == best]
        depth += 1
    return alive[0]


def final_winner(gap: Gap, first: Mapping[int, float], settings: StrictSettings) -> Candidate:
    """A text's closing mark: nothing follows to look ahead at."""
    if settings.rule == "first-token":
        return max(gap.candidates, key=lambda c: first[c.tokens[0]])
    return max(gap.candidates, key=lambda c: weigh_key(c, first, settings))


def paragraph_split(candidate: Candidate, gap: Gap) -> tuple[Candidate, int] | None:
    """The paragraph-break twin of a sentence-end ``candidate`` and how many tokens the
    two share (the break is judged at the first token where they part)."""
    if not candidate.ends_sentence or candidate.paragraph:
        return None
    for twin in gap.candidates:
        if twin.paragraph and twin.mark == candidate.mark and twin.word == candidate.word:
            shared = 0
            limit = min(len(candidate.tokens), len(twin.tokens)) - 1
            while shared < limit and candidate.tokens[shared] == twin.tokens[shared]:
                shared += 1
            return twin, shared
    return None
