"""The argument parser: every command, option and help text of `tui-structurer`."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui_structurer import __version__

DESCRIPTION = """\
Turn folders of raw speech transcripts (.txt .md .srt .vtt Whisper .json) into
punctuated, capitalized text with paragraphs, using a local llama.cpp model, without
adding, dropping or changing a word. Originals are never modified; state is kept in
FOLDER/.tui-structurer/ (in the user state folder when FOLDER cannot be written), and
accepted outputs go to FOLDER/structured/: talk.txt as talk.md, any other file with .md
added (talk.srt.md). A file there that the tool did not write is never replaced unasked.
"""

EPILOG = """\
examples:
  tui-structurer examples/talks                     open the review app on a folder
  tui-structurer run examples/talks                 structure headless with the embedded model
  tui-structurer run ~/talks --auto-accept          write what passes the gate
  tui-structurer run ~/talks --model ollama:llama3.1:8b
  tui-structurer run ~/talks --model ~/models/llama-3.1-8b-instruct-q4_k_m.gguf
  tui-structurer watch ~/inbox --auto-accept       unattended: process files as they arrive
  tui-structurer status ~/talks --json
  tui-structurer doctor                             GPUs, models, offload plans, paths
  tui-structurer eval examples/eval --mode strict --mode repair
                                                    score modes against human references
  tui-structurer calibrate ~/gold-set --model gemma3-270m
                                                    fit strict mode's biases to your texts

Models, prompts, the attempt cascade and the fidelity gate are set in models.toml;
a models.toml in your user config folder overrides the shipped one. Keys of the app
can be rebound by id in keymap.toml in the same folder (press ? in the app for ids).
"""
COMMANDS = ("open", "run", "watch", "status", "doctor", "eval", "calibrate")


def _folder_options(parser: argparse.ArgumentParser, processing: bool) -> None:
    parser.add_argument("folder", type=Path, metavar="FOLDER", help="folder of transcripts")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="a models.toml that overrides the shipped and user ones",
    )
    if not processing:
        return
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where accepted outputs go; a relative DIR is taken inside FOLDER, not the "
        "current folder (default: FOLDER/structured, or settings.output_dir). It may not "
        "be FOLDER itself, a folder above it, or go through a symbolic link inside FOLDER",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="a model profile from models.toml, a .gguf path, or ollama:NAME:TAG "
        "(default: the cascade's models)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-structurer",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    review = commands.add_parser(
        "open",
        help="review FOLDER in the terminal app (the default: `tui-structurer FOLDER`)",
        description="Open the review app: files are processed in the background and "
        "each result is shown side by side with its source to accept, reject or rerun.",
    )
    _folder_options(review, processing=True)
    review.add_argument(
        "--paused", action="store_true", help="open without processing; press space to start"
    )

    run = commands.add_parser(
        "run",
        help="structure every pending transcript in FOLDER, then print a summary",
        description="Structure every pending transcript in FOLDER and print a summary. "
        "Files that pass the fidelity gate wait for review (or are written with "
        "--auto-accept); the exit code is non-zero only when the run itself fails.",
    )
    _folder_options(run, processing=True)
    run.add_argument(
        "--auto-accept", action="store_true", help="write outputs that pass the gate without review"
    )
    run.add_argument(
        "--json", action="store_true", help="print the summary as one JSON object on stdout"
    )

    watch = commands.add_parser(
        "watch",
        help="process FOLDER now and every transcript dropped into it later, unattended",
        description="Process what is pending, then watch FOLDER (and its sub-folders) "
        "for new or changed transcripts, each processed once it has been stable for the "
        "quiet period. One log line per event, also written to watch.log in the user log "
        "folder. Ctrl+C or SIGTERM stops cleanly: the file in progress returns to pending.",
    )
    _folder_options(watch, processing=True)
    watch.add_argument(
        "--auto-accept", action="store_true", help="write outputs that pass the gate without review"
    )
    watch.add_argument(
        "--quiet-seconds",
        type=float,
        metavar="S",
        help="how long a new file must stay unchanged before it is read "
        "(default: settings.quiet_seconds, 2)",
    )

    status = commands.add_parser(
        "status",
        help="print FOLDER's state without processing anything",
        description="Counts per status and, per file, its status, likeness, attempts "
        "and the reason for a failure.",
    )
    _folder_options(status, processing=False)
    status.add_argument("--json", action="store_true", help="print one JSON object")

    doctor = commands.add_parser(
        "doctor",
        help="check GPUs, the llama.cpp build and every model; show where files live",
        description="GPUs and driver (through NVML), whether llama-cpp-python can offload "
        "to a GPU, each model profile with the file it resolves to and its GPU offload "
        "plan, and where config, themes, state, cache and logs live.",
    )
    doctor.add_argument("--config", type=Path, metavar="FILE", help="an extra models.toml")
    doctor.add_argument("--json", action="store_true", help="print one JSON object")

    evaluate = commands.add_parser(
        "eval",
        help="score models, prompts and modes against human references in DIR",
        description="DIR holds raw transcripts NAME.EXT (any supported format) beside "
        "references NAME.gold.txt (the human-punctuated text, paragraphs as blank lines). "
        "Every (model, prompt, mode) run structures each transcript through the real "
        "pipeline (one attempt, no cascade) and is scored against the references: "
        "success rate at word-level likeness 0.90 and 0.95, average and median likeness "
        "with a histogram, words the model removed/added/replaced, precision/recall/F1 "
        "of periods, commas, question marks and all three pooled at aligned words, "
        "paragraph-break F1, capitalization accuracy, words/second and decode "
        "tokens/second. Without --model/--prompt/--mode the runs are the cascade's steps; "
        "each option given replaces that part of every step (repeat it to compare "
        "several). Nothing is written to DIR.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("folder", type=Path, metavar="DIR", help="transcripts and references")
    evaluate.add_argument(
        "--model", action="append", default=[], metavar="NAME",
        help="a model profile, .gguf path or ollama:NAME:TAG (repeatable)",
    )  # fmt: skip
    evaluate.add_argument(
        "--prompt", action="append", default=[], metavar="NAME",
        help="a prompt from models.toml (repeatable)",
    )  # fmt: skip
    evaluate.add_argument(
        "--mode", action="append", default=[], choices=("strict", "repair", "free"),
        help="strict, repair or free (repeatable)",
    )  # fmt: skip
    evaluate.add_argument(
        "--save", type=Path, metavar="OUT",
        help="write every structured output to OUT (a sub-folder per run when several)",
    )  # fmt: skip
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--config", type=Path, metavar="FILE", help="an extra models.toml")

    calibrate = commands.add_parser(
        "calibrate",
        help="fit a model's strict-mode biases to the references in DIR",
        description="DIR holds transcripts beside references NAME.gold.txt, as for eval. "
        "Strict mode decodes the folder several times (seven passes) to fit the bias of "
        "each decision (comma, sentence end, question, paragraph break, capital inside a "
        "sentence) that gives the "
        "best F1, shows F1 before and after, and writes the fitted values into the "
        "model's profile in your user models.toml (nothing else in it changes).",
    )
    calibrate.add_argument("folder", type=Path, metavar="DIR", help="transcripts and references")
    calibrate.add_argument("--model", required=True, metavar="NAME", help="a model profile")
    calibrate.add_argument("--dry-run", action="store_true", help="show the fit without saving it")
    calibrate.add_argument("--config", type=Path, metavar="FILE", help="an extra models.toml")
    return parser
