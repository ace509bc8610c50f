"""The structured text's spelling of each source word, for writing a source back in its
own format (a subtitle cue takes exactly its own words)."""

from __future__ import annotations

from tui_structurer.text.fidelity import score
from tui_structurer.text.words import tokenize


def words_for_source(source: str, output: str) -> list[str]:
    """One string per source word: the output's word aligned to it, with its marks and
    case. A source word the output dropped or rewrote stays as the source has it; words
    the output added go with the source word before them, so no cue gains or loses a
    source word. Paragraph breaks are not kept (a cue has no paragraphs)."""
    src, out = tokenize(source), tokenize(output)
    words = [t.text for t in src]
    if [t.key for t in src] == [t.key for t in out]:
        return [t.text for t in out]
    for seg in score(source, output).segments:
        if seg.kind == "equal":
            for offset in range(seg.src_end - seg.src_start):
                words[seg.src_start + offset] = out[seg.out_start + offset].text
        elif seg.kind == "insert" and seg.src_start > 0:
            added = " ".join(t.text for t in out[seg.out_start : seg.out_end])
            words[seg.src_start - 1] += " " + added
    return words
