"""`status`: a folder's state, without processing anything."""

from __future__ import annotations

import argparse
import json

from tui_structurer.cli.common import EXIT_OK, error, folder_of, open_folder
from tui_structurer.cli.summary import summarize
from tui_structurer.config import Config
from tui_structurer.library import Status
from tui_structurer.library.folder_lock import FolderBusyError
from tui_structurer.processing.events import FileResult
from tui_structurer.text.display import printable_path


def command(args: argparse.Namespace, config: Config) -> int:
    try:
        folder = open_folder(config, args.folder, None)
    except FolderBusyError:
        error("another process is working on this folder; showing its last saved state")
        folder = folder_of(config, args.folder, None, read_only=True)
    try:
        records = folder.library.transcripts()
        notes = folder.notes()
    finally:
        folder.close()
    results = [
        FileResult(r.path, r.status, r.likeness, bool(r.passed), r.attempts, r.reason, 0.0)
        for r in records
    ]
    summary = summarize(results, config.gate)
    counts = {str(s): sum(1 for r in records if r.status == s) for s in Status}
    if args.json:
        report = {**summary.as_dict(), "counts": counts, "notes": notes}
        for entry, record in zip(report["files"], records, strict=True):
            entry["warnings"] = list(record.warnings)
            entry["punctuation_per_100_words"] = record.punctuation
        print(json.dumps(report, indent=2))
        return EXIT_OK
    for note in notes:
        print(f"note: {printable_path(note)}")
    print("  ".join(f"{name}: {count}" for name, count in counts.items()))
    print("status    likeness  attempts   src punct  path")  # the source's marks per 100 words
    for r in records:
        likeness = "" if r.likeness is None else f"{r.likeness:.3f}"
        punct = "" if r.punctuation is None else f"{r.punctuation:.1f}"
        note = f"  {printable_path(r.reason)}" if r.reason else ""
        print(f"{r.status:<9} {likeness:>8}  {r.attempts:>8}  {punct:>10}  "
              f"{printable_path(r.path)}{note}")  # fmt: skip
        for warning in r.warnings:
            print(f"    warning: {printable_path(warning)}")
    return EXIT_OK
