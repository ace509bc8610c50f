"""The `tui-structurer` command line."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from tui_structurer import __version__
from tui_structurer.batch import BatchRunner, FileResult, RunError
from tui_structurer.config import Config, ConfigError, load_config
from tui_structurer.config.model_choice import use_model
from tui_structurer.console_progress import ConsoleProgress
from tui_structurer.engines import EngineError
from tui_structurer.engines.pool import EnginePool
from tui_structurer.evaluation.dataset import EvalSetError
from tui_structurer.evaluation.profile_file import ProfileFileError
from tui_structurer.library import Status, StoreError
from tui_structurer.library.folder import Folder, FolderError
from tui_structurer.library.folder_lock import FolderBusyError
from tui_structurer.pipeline import Pipeline
from tui_structurer.summary import summarize

EXIT_OK, EXIT_RUN_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

DESCRIPTION = """\
Turn folders of raw speech transcripts (.txt .md .srt .vtt Whisper .json) into
punctuated, capitalized text with paragraphs, using a local llama.cpp model, without
adding, dropping or changing a word. Originals are never modified; state is kept in
FOLDER/.tui-structurer/ and accepted outputs go to FOLDER/structured/ as .md files.
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
        help="output folder (default: FOLDER/structured, or settings.output_dir)",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="a model profile from models.toml, a .gguf path, or ollama:NAME:TAG "
        "(default: the cascade's models)",
    )


def _parser() -> argparse.ArgumentParser:
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
        "each decision (comma, sentence end, question, paragraph break) that gives the "
        "best F1, shows F1 before and after, and writes the fitted values into the "
        "model's profile in your user models.toml (nothing else in it changes).",
    )
    calibrate.add_argument("folder", type=Path, metavar="DIR", help="transcripts and references")
    calibrate.add_argument("--model", required=True, metavar="NAME", help="a model profile")
    calibrate.add_argument("--dry-run", action="store_true", help="show the fit without saving it")
    calibrate.add_argument("--config", type=Path, metavar="FILE", help="an extra models.toml")
    return parser


def _error(message: str) -> None:
    print(f"tui-structurer: {message}", file=sys.stderr)


def _open_folder(config: Config, folder: Path, out: Path | None) -> Folder:
    opened = Folder(folder, out or Path(config.settings.output_dir))
    opened.refresh()
    return opened


def _run(args: argparse.Namespace, config: Config) -> int:
    if args.model:
        config = use_model(config, args.model)
    folder = _open_folder(config, args.folder, args.out)
    cancel = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        _error(
            f"{signal.Signals(signum).name}: stopping after returning the current file "
            "to pending (again to force)"
        )

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    progress = ConsoleProgress()
    engines = EnginePool()
    results: list[FileResult] = []
    try:
        runner = BatchRunner(
            folder, Pipeline(config, engines), config.settings, args.auto_accept, emit=progress
        )
        results = runner.run(cancel, workers=runner.pipeline.concurrency())
    finally:
        progress.close()
        engines.close()
        folder.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    summary = summarize(results, config.gate)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2))
    else:
        print(summary.as_text())
    return EXIT_INTERRUPTED if cancel.is_set() else EXIT_OK


def _open(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.session import ReviewSession
    from tui_structurer.ui.app import StructurerApp

    if args.model:
        config = use_model(config, args.model)
    folder = Folder(args.folder, args.out or Path(config.settings.output_dir))
    session = ReviewSession(folder, config)
    try:
        start = config.settings.start_processing and not args.paused
        StructurerApp(session, start_processing=start).run()
    finally:
        session.close()
    return EXIT_OK


def _watch(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.session import ReviewSession, SessionError, SessionEvent
    from tui_structurer.watch_log import log_event, open_log

    if args.model:
        config = use_model(config, args.model)
    folder = _open_folder(config, args.folder, args.out)
    session = ReviewSession(folder, config, auto_accept=args.auto_accept)
    logger, log_file = open_log()
    stop = threading.Event()
    failed: list[str] = []

    def notify(event: SessionEvent) -> None:
        log_event(logger, event, session.live.current_path())
        if isinstance(event, SessionError):
            failed.append(event.message)
            stop.set()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s: stopping; the file in progress returns to pending",
                    signal.Signals(signum).name)  # fmt: skip
        stop.set()
        session.stop_current()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    quiet = args.quiet_seconds if args.quiet_seconds is not None else config.settings.quiet_seconds
    try:
        queued = session.enqueue_pending()
        logger.info("watching %s (%d pending, quiet period %.1f s, log %s)", folder.root,
                    queued, quiet, log_file)  # fmt: skip
        session.start_watching(notify, quiet)
        session.run_queue(stop, notify)
    finally:
        session.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    logger.info("stopped")
    return EXIT_RUN_ERROR if failed else EXIT_OK


def _doctor(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.doctor import doctor_report, format_report

    report = doctor_report(config)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def _eval(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.evaluation import command, report
    from tui_structurer.evaluation.dataset import load_entries
    from tui_structurer.evaluation.runner import run_eval

    config, steps = command.eval_steps(config, args.model, args.prompt, args.mode)
    entries, warnings = load_entries(args.folder, config.settings.max_file_bytes)
    runs = run_eval(config, steps, entries, command.print_progress)
    if args.save:
        written = command.save_outputs(args.save, runs)
        print(f"saved {len(written)} outputs under {args.save}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.as_json(runs, warnings), indent=2))
    else:
        print(report.as_text(runs, warnings))
    return EXIT_OK


def _calibrate(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.evaluation.calibrate_command import calibrate

    return calibrate(config, args.model, args.folder, write=not args.dry_run)


def _status(args: argparse.Namespace, config: Config) -> int:
    try:
        folder = _open_folder(config, args.folder, None)
    except FolderBusyError:
        _error("another process is working on this folder; showing its last saved state")
        folder = Folder(args.folder, Path(config.settings.output_dir), read_only=True)
    try:
        records = folder.library.transcripts()
    finally:
        folder.close()
    results = [
        FileResult(r.path, r.status, r.likeness, bool(r.passed), r.attempts, r.reason, 0.0)
        for r in records
    ]
    summary = summarize(results, config.gate)
    counts = {str(s): sum(1 for r in records if r.status == s) for s in Status}
    if args.json:
        print(json.dumps({**summary.as_dict(), "counts": counts}, indent=2))
        return EXIT_OK
    print("  ".join(f"{name}: {count}" for name, count in counts.items()))
    for r in records:
        likeness = "     " if r.likeness is None else f"{r.likeness:.3f}"
        note = f"  {r.reason}" if r.reason else ""
        print(f"{r.status:<9} {likeness}  {r.attempts} att.  {r.path}{note}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] not in COMMANDS and not arguments[0].startswith("-"):
        arguments.insert(0, "open")  # `tui-structurer FOLDER` opens the app
    args = _parser().parse_args(arguments)
    try:
        config = load_config(args.config)
        if args.command == "run":
            return _run(args, config)
        if args.command == "open":
            return _open(args, config)
        if args.command == "doctor":
            return _doctor(args, config)
        if args.command == "watch":
            return _watch(args, config)
        if args.command == "eval":
            return _eval(args, config)
        if args.command == "calibrate":
            return _calibrate(args, config)
        return _status(args, config)
    except ConfigError as exc:
        _error(f"config error: {exc}")
        return EXIT_USAGE
    except (FolderError, FolderBusyError) as exc:
        _error(str(exc))
        return EXIT_USAGE
    except (EvalSetError, ProfileFileError) as exc:
        _error(str(exc))
        return EXIT_USAGE
    except (RunError, StoreError, EngineError) as exc:
        _error(str(exc))
        return EXIT_RUN_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
