"""The ``coach`` command line.

Commands import what they need when they run, so ``coach --help`` and ``coach --version``
answer at once and the TUI starts without loading what it does not use.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import os
import stat
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from coach import SUPPORTED_SYSTEMS, __version__
from coach.format.text import printable

if TYPE_CHECKING:
    from coach.cli.remind import At
    from coach.engine.records import SetRecord, Written
    from coach.format.loader import LoadedFile
    from coach.format.v1 import Level, Program
    from coach.store.doctor import Rebuilt
    from coach.store.export import SessionRow
    from coach.tui.app import CoachApp
    from coach.tui.choice import Choice

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_NOT_SAVED = 3
"""`coach run`: a session ended with rated sets that neither the history nor its journal
could take."""
EXIT_UNWRITABLE = 3
"""``coach doctor``: the history is not damaged, but its disk is full or read-only."""
EXIT_SAFETY = 4
"""'coach run' left at a safety step: nothing played."""
EXIT_UNSUPPORTED = 5
"""coach was started on a system it does not run on (see ``coach.SUPPORTED_SYSTEMS``)."""
WAITING_MARK = "*"
"""After the date of a session `coach history` lists that still waits in the journal."""

HISTORY_LIMIT = 30
"""Sessions ``coach history`` lists without --all or --since: the recent ones."""


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors say how to get help."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        # The message quotes the arguments as typed: escaped, so ESC in one acts on nothing.
        said = printable(message)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {said}\n(see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coach",
        usage="%(prog)s [-h] [--version] [--data-dir DIR] [--audio A] [FILE | COMMAND ...]",
        description=(
            "A terminal coach for back-rehabilitation exercise sessions. "
            "Run with no command to open the home screen on your default routine (the "
            "'default_routine' setting, else the bundled morning routine), or with a "
            "routine or program FILE to open home on that file. A file named like a "
            "command is written with its folder: 'coach ./plan'."
        ),
        epilog="coach is a training aid, not a diagnosis. If in doubt, see a clinician.",
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    _add_data_dir(parser)
    _add_audio(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = commands.add_parser(
        "run",
        help="play a session now (skips the home screen)",
        description="Play a routine or program file now, skipping the home screen.",
    )
    run.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="routine or program file (default: the bundled morning routine)",
    )
    run.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        metavar="N",
        help="play N times faster (2 or more), to rehearse a session: no checklist, nothing "
        "stored (default 1)",
    )
    _add_data_dir(run)
    _add_audio(run)

    history = commands.add_parser(
        "history",
        help="list past sessions (date, routine, duration, sets, pain, dose changes)",
        description=(
            f"List past sessions, oldest first: the last {HISTORY_LIMIT}, or all of them "
            "with --all, --since or --json."
        ),
    )
    _add_filters(history)
    history.add_argument(
        "--all", action="store_true", help=f"list every session, not only the last {HISTORY_LIMIT}"
    )
    history.add_argument("--json", action="store_true", help="print every matching session as JSON")
    _add_data_dir(history)

    export = commands.add_parser(
        "export",
        help="write every set (or every decision) as CSV or JSON, for a spreadsheet or a clinician",
        description=(
            "Write one row per set, or with --what decisions one row per decision coach "
            "took (dose changes with their rule, inputs and reason; advice; level offers; "
            "warning-sign checks), with stable column names (see docs/export.md)."
        ),
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument(
        "--what",
        choices=("sets", "decisions", "checks", "psfs"),
        default="sets",
        help="one row per rated set (default), per decision, per function-check hold, or "
        "per PSFS rating",
    )
    export.add_argument("--output", "-o", type=Path, help="write to this file (default: stdout)")
    _add_filters(export)
    _add_data_dir(export)

    report = commands.add_parser(
        "report",
        help="write a report for your clinician: one HTML file that opens offline and prints",
        description=(
            "Write one self-contained HTML file (charts inline, nothing fetched) for a "
            "clinician: sessions done, pain by week, each exercise's dose with every "
            "decision and its reason, warning signs, level moves, function checks and the "
            "PSFS with real change marked. It opens offline and prints to A4 or PDF from a "
            "browser. The file is readable by you only."
        ),
    )
    report.add_argument(
        "--since",
        type=_day,
        metavar="DATE",
        help="first day of the report (YYYY-MM-DD; default: 12 weeks ago)",
    )
    report.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write it here (default: coach-report-<today>.html in this folder)",
    )
    report.add_argument(
        "--full",
        action="store_true",
        help="print the appendix too (every decision and checklist; on screen it is always there)",
    )
    report.add_argument(
        "--paper",
        choices=("a4", "letter"),
        default="a4",
        help="the paper it is laid out for (default: a4)",
    )
    _add_data_dir(report)

    demo = commands.add_parser(
        "demo-history",
        help="fill a new, empty history with years of FAKE sessions (for trying coach out)",
        description=(
            "Write years of made-up sessions of the bundled morning routine into a new "
            "history database, to try the history views or measure coach. The data is "
            "FAKE: it refuses a database that already holds history, and it needs an "
            "explicit --data-dir (or COACH_DATA_DIR), so it never lands in your real one."
        ),
    )
    demo.add_argument(
        "--days",
        type=_demo_days,
        default=3650,
        metavar="N",
        help="how many days of history, up to today (default 3650, about ten years)",
    )
    demo.add_argument(
        "--seed",
        type=_integer,
        default=0,
        metavar="S",
        help="random seed: the same seed on the same day gives the same history (default 0)",
    )
    _add_data_dir(demo)

    doctor = commands.add_parser(
        "doctor",
        help="check the history for damage; rebuild it from what can be read",
        description=(
            "Check the history database (SQLite's quick_check, its schema, permissions), "
            "the journal of sessions waiting to go into it, and its backups. With "
            "--rebuild, a damaged history is rebuilt from every row that can still be "
            "read, every row of the backups it lost, and the journal; the damaged file "
            "is kept beside it. Exit status 1 when the history is damaged, 3 when it is "
            "not but its disk is full or read-only."
        ),
    )
    doctor.add_argument(
        "--rebuild", action="store_true", help="rebuild a damaged history (keeps the damaged file)"
    )
    _add_data_dir(doctor)

    from coach.cli.merge import add_merge

    add_merge(commands)
    _add_data_dir(commands.choices["merge"])

    sounds = commands.add_parser(
        "sounds",
        help="play every cue and say which audio backend is used",
        description="Play every cue once, naming each, and report the audio backend, so "
        "you can check your sound before a session.",
    )
    _add_audio(sounds)

    plan = commands.add_parser(
        "plan",
        help="print the next session's doses for each program, with the reasons",
        description="Print the plan for the next session of a routine or program: each "
        "program's level, each exercise's dose, and why it is what it is.",
    )
    plan.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="routine or program file (default: the bundled morning routine)",
    )
    _add_data_dir(plan)

    remind = commands.add_parser(
        "remind",
        help="set, show or remove a daily reminder to do your exercises",
        description=(
            "Set a daily desktop reminder with --at (a systemd user timer on Linux, a "
            "launchd agent on macOS; elsewhere it prints the line to add to your crontab), "
            "remove it with --off, or, with neither, say whether one is set and when."
        ),
    )
    when = remind.add_mutually_exclusive_group()
    when.add_argument(
        "--at",
        type=_time_of_day,
        metavar="HH:MM",
        help="remind me at this time every day (00:00 to 23:59), replacing any set before",
    )
    when.add_argument(
        "--off", action="store_true", help="remove the reminder (alone: every reminder)"
    )
    # What the scheduler runs: shows the notification. Not for people, so not in --help.
    when.add_argument("--notify", action="store_true", help=argparse.SUPPRESS)
    remind.add_argument(
        "file",
        nargs="?",
        type=Path,
        help=(
            "a routine's own reminder (home lists the routine, with the time); without "
            "it, one daily reminder of today's session"
        ),
    )

    validate = commands.add_parser(
        "validate",
        help="check session files and report every problem as path:line:col",
        description=(
            "Check session files (or every .yaml/.yml file in folders). "
            "Exit status: 0 all valid, 1 some file invalid, 2 usage error."
        ),
    )
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the session format",
        description="Print the JSON Schema of session format v1 (for editors and tools).",
    )
    schema.add_argument("--output", "-o", type=Path, help="write to this file instead")

    new = commands.add_parser(
        "new",
        help="write a commented, valid program or routine file to start from",
        description="Write a commented, valid session file to start from (never overwrites).",
    )
    new.add_argument("kind", choices=("program", "routine"), help="what the file defines")
    new.add_argument(
        "target", type=Path, metavar="FILE", help="the file to write (.yaml added if missing)"
    )

    preview = commands.add_parser(
        "preview",
        help="print a session's timeline and total duration",
        description="Print the timeline of a routine or program file and its total duration.",
    )
    preview.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="routine or program file (default: the bundled morning routine)",
    )
    preview.add_argument(
        "--figures",
        action="store_true",
        help="print each exercise's figure (its start and top poses) instead of the timeline",
    )
    preview.add_argument(
        "--all-levels",
        action="store_true",
        help=(
            "with --figures: every exercise of every level of every program, at its start, "
            "top (or hold) and end (a contact sheet to check them all)"
        ),
    )
    which = preview.add_mutually_exclusive_group()
    which.add_argument(
        "--level",
        type=_level_number,
        metavar="N",
        help="every program at level N (default: the routine's starting levels)",
    )
    which.add_argument(
        "--all", action="store_true", dest="every", help="every level in turn, from level 1"
    )
    return parser


def _level_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a level number, not {text!r}") from None
    if not 1 <= number <= 10:
        raise argparse.ArgumentTypeError(f"a level is 1 to 10, not {number}")
    return number


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep history in DIR (default: $COACH_DATA_DIR, else the user data folder)",
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-01") from None


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_day, metavar="DATE", help="from this day (YYYY-MM-DD)")
    parser.add_argument("--program", metavar="ID", help="only this program")
    parser.add_argument("--exercise", metavar="ID", help="only this exercise")


def _add_audio(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--audio",
        choices=("auto", "simpleaudio", "player", "bell", "none"),
        default=argparse.SUPPRESS,
        help="how cues are played (default: the 'audio' setting, else auto)",
    )


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def _demo_days(text: str) -> int:
    from coach.demo.history import MAX_DAYS

    value = _integer(text)
    if not 1 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"days must be between 1 and {MAX_DAYS}")
    return value


def _time_of_day(text: str) -> At:
    from coach.cli.remind import parse_time

    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    from coach.engine.rehearsal import speed_problem

    problem = speed_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action.choices, dict)
        for name in action.choices
    }


_TAKES_VALUE = ("--data-dir", "--audio")
"""The top-level options followed by their value as a separate word."""


def _split_file(argv: list[str], commands: set[str]) -> tuple[list[str], Path | None]:
    """``coach [options] FILE [options]``: the words without FILE, and FILE.

    The first word that is neither an option (nor an option's value) nor a command is
    the file; a command name is always the command, so a file called 'plan' is written
    './plan' (or after '--'). argparse cannot say this itself: a positional before the
    subcommands would swallow every command name.
    """
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            if index + 1 < len(argv):
                return argv[:index] + argv[index + 2 :], Path(argv[index + 1])
            return argv[:index], None
        if word.startswith("-") and word != "-":
            index += 2 if word in _TAKES_VALUE else 1
            continue
        if word in commands:
            return argv, None
        return argv[:index] + argv[index + 1 :], Path(word)
    return argv, None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words, file = _split_file(list(sys.argv[1:] if argv is None else argv), _commands(parser))
    args = parser.parse_args(words)
    if file is not None and args.command is not None:
        parser.error(f"'{file}' is a file to open, so '{args.command}' cannot follow it")
    if not _supported_system():
        _say(f"coach: {SUPPORTED_SYSTEMS}.")
        return EXIT_UNSUPPORTED
    try:
        if args.command == "validate":
            return _validate(args.paths)
        if args.command == "schema":
            return _schema(args.output)
        if args.command == "new":
            return _new(args.kind, args.target)
        if args.command == "preview":
            return _preview(
                args.file,
                figures=args.figures,
                all_levels=args.all_levels,
                level=args.level,
                every=args.every,
            )
        if args.command == "remind":
            return _remind(args)
        data_dir = getattr(args, "data_dir", None)
        audio = getattr(args, "audio", None)
        if args.command == "plan":
            return _plan(args.file, data_dir=data_dir)
        if args.command in ("history", "export"):
            return _history(args, data_dir)
        if args.command == "report":
            return _report(args.since, args.output, data_dir, full=args.full, paper=args.paper)
        if args.command == "demo-history":
            return _demo_history(args.days, args.seed, data_dir)
        if args.command == "sounds":
            return _sounds(audio)
        if args.command == "doctor":
            return _doctor(data_dir, rebuild=args.rebuild)
        if args.command == "merge":
            from coach.cli.merge import merge

            return merge(args.other, data_dir)
        if args.command == "run":
            return _play(
                args.file, data_dir=data_dir, speed=args.speed, skip_home=True, audio=audio
            )
        return _play(file, data_dir=data_dir, speed=1.0, skip_home=False, audio=audio)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `coach preview | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return EXIT_OK


def _supported_system() -> bool:
    """Whether this is a system coach runs on: one with POSIX file locks."""
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return True


def _usage_error(message: str) -> int:
    _say(f"coach: error: {message}")
    return EXIT_USAGE


def _say(message: str) -> None:
    """One message on stderr, escaped: it may quote a path or text from a file."""
    with contextlib.suppress(OSError):  # the terminal is gone (closed): nobody to tell
        print(printable(message), file=sys.stderr)


STDOUT_HINT = "write to a regular file, or to the standard output with -o -"


def _to_stdout(output: Path | None) -> bool:
    """Whether ``-o`` asks for the standard output (no ``-o``, or ``-o -``)."""
    return output is None or str(output) == "-"


def _output_refused(path: Path, hint: str = STDOUT_HINT) -> OSError | None:
    """The error for an ``-o`` coach does not write to (a device, a FIFO, a socket, a
    folder, a symbolic link), whose message is one sentence; None when it may."""
    from coach.store.private import NotAnOutputFile, output_problem

    problem = output_problem(path.expanduser())
    if problem is None:
        return None
    return NotAnOutputFile(errno.EINVAL, f"{problem}; {hint}", str(path))


def _private_output(path: Path) -> TextIO:
    """``path`` opened for writing text, readable by its owner only (an export is health
    data, like the history it comes from); a regular file only."""
    from coach.store.private import create_private

    refused = _output_refused(path)
    if refused is not None:
        raise refused
    descriptor = create_private(path.expanduser(), os.O_WRONLY | os.O_TRUNC)
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; a name the system cannot take (too long) does not."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _validate(paths: list[Path]) -> int:
    from coach.format.diagnostics import Severity
    from coach.format.loader import check_paths

    missing = [p for p in paths if not _exists(p)]
    if missing:
        return _usage_error(f"no such file or folder: {missing[0]}")
    files, diagnostics = check_paths(paths)
    if not files:
        return _usage_error("no .yaml or .yml files found in " + ", ".join(map(str, paths)))
    for diagnostic in diagnostics:
        print(diagnostic.render())
    errors_shown = [d for d in diagnostics if d.severity is Severity.ERROR]
    # Counted in full: a file's problems past those shown are one line standing for many.
    errors = sum(d.count for d in errors_shown)
    warnings = sum(d.count for d in diagnostics) - errors
    bad_files = len({d.path for d in errors_shown})
    checked = f"{len(files)} file{'s' if len(files) != 1 else ''} checked"
    warned = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    if errors:
        print(
            f"{checked}: {errors:,} error{'s' if errors != 1 else ''} "
            f"in {bad_files} file{'s' if bad_files != 1 else ''}{warned}"
        )
        return EXIT_INVALID
    # One stream: the problems and the count that sums them up, in order.
    print(f"{checked}: all valid{warned}")
    return EXIT_OK


def _schema(output: Path | None) -> int:
    from coach.format.schema import schema_text

    text = schema_text()
    if output is None or _to_stdout(output):
        sys.stdout.write(text)
        return EXIT_OK
    try:
        refused = _output_refused(output)
        if refused is not None:
            raise refused
        # Never following a link, never waiting on a FIFO put there since the check.
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK
        descriptor = os.open(output.expanduser(), flags, 0o644)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return _usage_error(f"cannot write {output}: it is not a regular file")
            os.set_blocking(descriptor, True)
            out.write(text)
    except OSError as exc:
        return _usage_error(f"cannot write {output}: {exc.strerror or exc}")
    return EXIT_OK


def _new(kind: str, target: Path) -> int:
    from coach.cli.new import new_file, schema_path

    try:
        written = new_file(kind, target)
    except FileExistsError as exc:
        return _usage_error(str(exc))
    except OSError as exc:
        return _usage_error(f"cannot write {target}: {exc.strerror or exc}")
    for line in written:
        print(line)
    schema = os.path.normpath(target.parent / schema_path(target.parent))
    if not Path(schema).exists():
        print(f"for completion in your editor: coach schema -o {printable(schema)}")
    return EXIT_OK


def _remind(args: argparse.Namespace) -> int:
    from coach.cli import remind

    if args.notify:
        return remind.notify(args.file)
    target = remind.DAILY
    if args.file is not None:
        if not args.off and not _exists(args.file):
            return _usage_error(f"no such file: {args.file}")
        found = remind.reminded(args.file)
        if isinstance(found, str):
            # Its units are named by the routine's id, which only the file says.
            more = "; 'coach remind --off' alone removes every reminder" if args.off else ""
            _say(f"coach: cannot tell which routine's reminder this is: {found}{more}")
            return EXIT_INVALID
        target = found
    if args.off:
        return remind.remove(target if args.file is not None else None)
    if args.at is not None:
        return remind.install(args.at, target)
    if args.file is not None:
        return _usage_error("with a file, give --at HH:MM or --off")
    return remind.status()


def _load_or_report(file: Path | None) -> LoadedFile | int:
    """The loaded file (the bundled routine when None), or the exit code after printing
    why it cannot be loaded."""
    from coach.config.locations import default_routine
    from coach.format.diagnostics import SessionFileError
    from coach.format.loader import load_session_file

    path = file if file is not None else default_routine()
    if not _exists(path):
        return _usage_error(f"no such file: {path}")
    try:
        return load_session_file(path)
    except SessionFileError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.render(), file=sys.stderr)
        return EXIT_INVALID


def _level_texts(
    program: Program, level: Level, *, with_program: bool = True
) -> list[tuple[str, str]]:
    """What the file says of a program and of the level played, with a style each: the
    program's and level's descriptions, and the criterion for moving on."""
    found = []
    if program.description and with_program:
        found.append((program.description, "dim"))
    if level.description:
        found.append((level.description, ""))
    if level.advance_when:
        found.append((f"Move on when: {level.advance_when}", "italic"))
    return found


def _preview(
    file: Path | None,
    *,
    figures: bool = False,
    all_levels: bool = False,
    level: int | None = None,
    every: bool = False,
) -> int:
    from rich.console import Console

    from coach.cli.preview import render_preview
    from coach.engine.planning import programs_of
    from coach.engine.timeline import build_timeline, plan_session

    loaded = _load_or_report(file)
    if isinstance(loaded, int):
        return loaded
    for warning in loaded.warnings:
        print(warning.render(), file=sys.stderr)
    if all_levels and not figures:
        print("coach preview: --all-levels goes with --figures", file=sys.stderr)
        return EXIT_USAGE
    if figures and all_levels:
        from coach.cli.figures import contact_sheet

        print("\n".join(contact_sheet(loaded)))
        return EXIT_OK
    deepest = max(len(program.levels) for program, _ in programs_of(loaded))
    if level is not None and level > deepest:
        return _usage_error(
            f"--level {level}: no program here has more than {deepest} "
            f"level{'s' if deepest != 1 else ''}"
        )
    wanted = list(range(1, deepest + 1)) if every else [level] if level is not None else [None]
    console = Console()
    for number, chosen in enumerate(wanted):
        levels = {} if chosen is None else {p.id: chosen for p, _ in programs_of(loaded)}
        plan = plan_session(loaded, levels=levels)
        if figures:
            from coach.cli.figures import plan_figures

            for item, lines in plan_figures(plan):
                print(f"{printable(item.name)} ({item.key})")
                print("\n".join(lines))
                print()
            continue
        if number:
            console.print()
        console.print(render_preview(build_timeline(plan), _about(loaded, plan.levels)))
    return EXIT_OK


def _about(loaded: LoadedFile, levels: Mapping[str, int]) -> list[tuple[str, str]]:
    """What the file says of each program and of the level played (preview's heading)."""
    from coach.engine.planning import programs_of

    found: list[tuple[str, str]] = []
    for program, _ in programs_of(loaded):
        number = program.level_number(levels.get(program.id, 1))
        # The level's own texts: the program's description is long, and plan shows it.
        for text, style in _level_texts(program, program.levels[number - 1], with_program=False):
            found.append((f"{program.name}, level {number}: {text}", style))
    return found


def _play(
    file: Path | None,
    *,
    data_dir: Path | None,
    speed: float,
    skip_home: bool,
    audio: str | None = None,
) -> int:
    from coach.config.locations import database_path, home_routine, home_routines
    from coach.engine.home import RoutineRef

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _usage_error(
            "coach needs an interactive terminal; to see a session without one, use 'coach preview'"
        )
    # With several routines, home opens on (coach run plays) the first not done today:
    # the day decides, from the history.
    home, unused = home_routine()
    listed, unlisted = home_routines()
    routines = tuple(RoutineRef(p, at) for p, at in listed)
    for problem in [*([unused] if unused else []), *unlisted]:
        if file is None:
            _say(f"coach: {problem}")
    path = file if file is not None else home
    if not _exists(path):
        return _usage_error(f"no such file: {path}")
    if file is not None:
        # An author's own file is checked before the screen changes, so its problems
        # are printed where they can be read and copied.
        from coach.format.diagnostics import SessionFileError
        from coach.format.loader import load_session_file

        try:
            load_session_file(path)
        except SessionFileError as exc:
            for diagnostic in exc.diagnostics:
                print(diagnostic.render(), file=sys.stderr)
            return EXIT_INVALID
    from coach.tui.app import CoachApp, Launch
    from coach.tui.graphics import detect, images_mode

    choices = _choices(file, home)
    event_log = os.environ.get("COACH_EVENT_LOG")
    _, images_note = images_mode(os.environ)
    if images_note:
        _say(f"coach: {images_note}")
    # Asked before the app starts: once Textual reads the keyboard, the terminal's answer
    # would arrive as keys. One round trip, bounded; nothing at all under tmux.
    graphics = detect()
    app = CoachApp(
        Launch(
            path,
            # The history's file: the app opens the store after the first frame.
            database_path(data_dir),
            speed=speed,
            skip_home=skip_home,
            choices=tuple(choices),
            routines=routines,
            opened=file is not None,
            event_log=Path(event_log) if event_log else None,
            read_settings=True,
            audio=audio,
            graphics=graphics,
            stay_awake=True,
        )
    )
    # Everything imported so far lives as long as the process: out of the garbage
    # collector's sight. And no collection until the first frame is drawn (the app turns
    # it back on then): a pass over Textual's objects there costs as much as the frame.
    gc.freeze()
    gc.disable()
    lost = False
    try:
        app.run()
    finally:
        # First what matters most: sets the history and the journal both refused, one
        # more try, however the app ended.
        lost = _last_try(app)
    if app.flow is not None and app.flow.loaded is not None:
        from coach.engine.clock import local_today
        from coach.store.homecache import refresh_home

        # So that the next start draws home at once (see coach.store.homecache).
        refresh_home(app.store, path, local_today(), routines)
    if lost:
        # A script (or the reminder) must not read 'all is well' over lost ratings.
        return EXIT_NOT_SAVED
    if app.left_because:
        # Nothing played because a safety step stopped it: never 'all is well'.
        _say(f"coach: {app.left_because}")
        return EXIT_SAFETY
    return app.return_code or EXIT_OK


def _last_try(app: CoachApp) -> bool:
    """One more try at the sets that waited; True when some could be saved nowhere."""
    from coach.engine.records import Kept

    pending = list(app.unsaved)
    rescued = app.rescue_unsaved()
    if rescued is None:
        return False
    for line in _rescued_text(rescued, pending).splitlines():
        _say(line)
    return bool(rescued.kept is Kept.NOWHERE)


def _rescued_text(written: Written, pending: Sequence[SetRecord]) -> str:
    """What became of the sets that waited when coach closed, in true words."""
    from coach.engine.records import Kept

    count = len(pending)
    sets = f"{count} rated set{'s' if count != 1 else ''}"
    if written.kept is Kept.HISTORY:
        return f"coach: the {sets} that waited are now saved in the history."
    if written.kept is Kept.JOURNAL:
        return (
            f"coach: {sets} could not be stored in the history ({written.problem}); they are "
            f"kept in the journal {written.journal} and go into the history at the next start."
        )
    lines = [f"coach: {sets} could NOT be saved ({written.problem}). Please note them down:"]
    for record in pending:
        pain = "not rated" if record.answer.pain is None else f"pain {record.answer.pain}/10"
        lines.append(
            f"  {printable(record.exercise_name)}, set {record.set_number} of "
            f"{record.sets_planned}: {pain}"
        )
    return "\n".join(lines)


def _choices(opened: Path | None, home: Path) -> list[Choice]:
    """What home's 'Other session' offers: the file opened, the default routine, the
    bundled routine and programs; each once. Their names are read when the list opens."""
    from coach.config.locations import bundled_sessions_dir, default_routine
    from coach.tui.choice import Choice

    programs = sorted((bundled_sessions_dir() / "programs").glob("*.yaml"))
    found = [
        *([Choice(opened, "opened")] if opened is not None else []),
        Choice(home, "your default" if home != default_routine() else "bundled"),
        Choice(default_routine(), "bundled"),
        *(Choice(p, "bundled") for p in programs),
    ]
    seen: set[Path] = set()
    choices = []
    for choice in found:
        key = choice.path.resolve()
        if key not in seen:
            seen.add(key)
            choices.append(choice)
    return choices


def _plan(file: Path | None, *, data_dir: Path | None) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from coach.config.locations import database_path
    from coach.engine.clock import local_today
    from coach.engine.planning import NO_HISTORY, Change, changes, plan_from, programs_of
    from coach.engine.progression import describe_dose
    from coach.format.loader import exercise_key
    from coach.store.database import HistoryStore, StoreError

    loaded = _load_or_report(file)
    if isinstance(loaded, int):
        return loaded
    store = HistoryStore(database_path(data_dir))
    try:
        pasts = {p.id: store.program_past(p, start) for p, start in programs_of(loaded)}
    except StoreError as exc:
        _say(f"coach: {exc}")
        return EXIT_INVALID
    planned = plan_from(loaded, pasts, today=local_today())
    console = Console()
    console.print(Text(f"Next session: {printable(planned.plan.title)}", style="bold"))
    if planned.over_budget:
        console.print(Text(printable(planned.over_budget), style="yellow"))
    for program, _ in programs_of(loaded):
        program_plan = planned.programs[program.id]
        level = program.levels[program_plan.level - 1]
        sessions = pasts[program.id].count
        console.print()
        console.print(
            Text(
                printable(
                    f"{program.name}: level {program_plan.level} ({level.name}), "
                    f"{sessions} session{'s' if sessions != 1 else ''} so far"
                ),
                style="bold",
            )
        )
        for text, style in _level_texts(program, level):
            console.print(Text(printable(text, multiline=True), style=style))
        changed = changes(planned)
        table = Table(show_header=True, header_style="dim", pad_edge=False, expand=False)
        table.add_column("Exercise", overflow="fold")
        table.add_column(" ", no_wrap=True)
        table.add_column("Dose", no_wrap=True)
        table.add_column("Why", overflow="fold")
        for exercise_id, dose in program_plan.doses.items():
            exercise = next(e for e in level.exercises if exercise_key(e) == exercise_id)
            change = changed.get((program.id, exercise_id), Change(None, NO_HISTORY))
            table.add_row(
                Text(printable(exercise.name)),
                change.arrow,
                describe_dose(dose, per_set=exercise.per_set),
                Text(printable(change.reason)),
            )
        console.print(table)
        for note in program_plan.notes:
            console.print(Text(printable(note), style="yellow"))
        if program_plan.offer_up is not None:
            console.print(
                f"Level {program_plan.offer_up} is unlocked: coach asks after the next session."
            )
        if program_plan.offer_down is not None:
            console.print(
                f"Going back to level {program_plan.offer_down} is offered after the next session."
            )
    return EXIT_OK


def _sounds(audio: str | None) -> int:
    """Play every cue, waiting for each, and say exactly what happened to it.

    Exit status 0 when every cue played on the backend in use (or on the bell or in
    silence, when asked for), 1 when any could not be played or no sound device or
    player worked.
    """
    from coach.audio.backends import AudioError, BellBackend, choose_backend
    from coach.audio.catalog import CATALOG
    from coach.audio.cueset import load_cues
    from coach.config.locations import bundled_sounds_dir, settings_path
    from coach.config.settings import load_settings

    settings, bad = load_settings(settings_path())
    for problem in bad:
        _say(f"coach: {problem}")
    wanted = audio or settings.audio

    def ring() -> None:
        sys.stdout.write("\a")
        sys.stdout.flush()

    backend, note = choose_backend(wanted, ring)
    print(f"Audio backend: {backend.name}", flush=True)
    if note:
        _say(f"note: {note}")
    sounds, problems = load_cues(bundled_sounds_dir(), settings.volume / 100)
    for message in problems:
        _say(f"warning: {message}")
    failed = 0
    try:
        for name in CATALOG:
            sound = sounds.get(name)
            if sound is None:
                print(f"  {name:<9} missing (see the warning above)")
                failed += 1
                continue
            try:
                backend.play_and_wait(sound, sound.seconds + 2.0)
            except AudioError as exc:
                print(printable(f"  {name:<9} {sound.seconds * 1000:4.0f} ms  not played: {exc}"))
                failed += 1
                continue
            outcome = {"bell": "rang the bell", "none": "silent (as asked)"}.get(
                backend.name, "played"
            )
            print(f"  {name:<9} {sound.seconds * 1000:4.0f} ms  {outcome}", flush=True)
            time.sleep(0.25)  # a gap, so each cue is heard on its own
    finally:
        backend.close()
    fell_back = isinstance(backend, BellBackend) and wanted != "bell"
    if failed:
        print(f"{failed} of {len(CATALOG)} cues could not be played.")
    elif fell_back:
        print("No sound device or player worked: sessions will ring the terminal bell.")
    else:
        print(f"Volume {settings.volume}%. If you heard nothing, see 'Sound' in the README.")
    return EXIT_INVALID if failed or fell_back else EXIT_OK


def _history(args: argparse.Namespace, data_dir: Path | None) -> int:
    import json

    from coach.config.locations import database_path
    from coach.store.database import HistoryStore, StoreError

    path = database_path(data_dir)
    try:
        present = path.exists()
    except OSError as exc:
        _say(f"coach: cannot read the history {path}: {exc.strerror}")
        return EXIT_INVALID
    # An empty history is not an error: no file yet reads as no sessions (and is not
    # made by reading it). Sessions waiting in the journal are shown too, marked.
    from coach.store.waiting import Waiting, with_waiting

    store: HistoryStore | None = None
    waiting = Waiting()
    try:
        found = HistoryStore(path)
        if present or found.journal_sessions():
            store, waiting = with_waiting(found)
    except StoreError as exc:
        _say(f"coach: {exc}")
        return EXIT_INVALID
    filters = {"since": args.since, "program": args.program, "exercise": args.exercise}
    if args.command == "export":
        from coach.store.export import (
            COLUMNS,
            DECISION_COLUMNS,
            decision_export,
            export_rows,
            write_csv,
            write_json,
        )

        decisions = args.what == "decisions"
        name = args.what
        rows: Sequence[Mapping[str, object]]
        try:
            if args.what in ("checks", "psfs"):
                # Function checks belong to no program or exercise.
                if args.program or args.exercise:
                    return _usage_error(f"--program and --exercise do not apply to {args.what}")
                from coach.store.checks import (
                    CHECK_COLUMNS,
                    PSFS_COLUMNS,
                    check_export,
                    psfs_export,
                )

                checks = args.what == "checks"
                rows = (
                    []
                    if store is None
                    else (check_export if checks else psfs_export)(store, args.since)
                )
                columns = CHECK_COLUMNS if checks else PSFS_COLUMNS
                name = "checks" if checks else "ratings"
            elif decisions:
                rows = [] if store is None else decision_export(store, **filters)
                columns = DECISION_COLUMNS
            else:
                rows = [] if store is None else export_rows(store, **filters, waiting=waiting)
                columns = COLUMNS
        except StoreError as exc:
            _say(f"coach: {exc}")
            return EXIT_INVALID
        try:
            to_file = not _to_stdout(args.output)
            with _private_output(args.output) if to_file else _stdout() as out:
                if args.format == "json":
                    write_json(rows, out, columns, args.what, name)
                else:
                    write_csv(rows, out, columns)
        except BrokenPipeError:
            raise
        except OSError as exc:
            return _usage_error(f"cannot write {args.output}: {exc.strerror}")
        if not _to_stdout(args.output):
            _say(f"{len(rows)} {name} written to {args.output}")
        return EXIT_OK
    from coach.store.export import decision_export, session_page

    everything = args.json or args.all or args.since is not None
    if store is None:
        if args.json:
            print("[]")
        else:
            print(f"No sessions yet (the history, {path}, is made by the first session).")
        return EXIT_OK
    try:
        sessions, total = session_page(
            store, **filters, limit=None if everything else HISTORY_LIMIT, waiting=waiting
        )
    except StoreError as exc:
        _say(f"coach: {exc}")
        return EXIT_INVALID
    if args.json:
        from coach.format.text import json_safe

        # Each session carries the decisions taken before and after it, with their
        # reasons: what a clinician needs to follow a dose from day to day.
        try:
            taken = decision_export(store, **filters)
        except StoreError as exc:
            _say(f"coach: {exc}")
            return EXIT_INVALID
        by_session: dict[str, list[dict[str, object]]] = {}
        for decision in taken:
            if decision["session_id"] is not None:
                entry = {k: v for k, v in decision.items() if k not in ("date", "session_id")}
                by_session.setdefault(decision["session_id"], []).append(entry)
        listed = [
            {
                **row,
                "decisions": by_session.get(row["session_id"], []),
            }
            for row in sessions
        ]
        # One session a line (JSON's own encoder, in C: an indented dump of ten years'
        # decisions took seconds), with anything a terminal would act on as \uXXXX.
        encoded = ",\n".join(json.dumps(row, ensure_ascii=False) for row in listed)
        print(json_safe(f"[\n{encoded}\n]" if listed else "[]"))
        return EXIT_OK
    notes = ["Start and Peak: pain 0-10 at the start and the highest rated set."]
    if not all(row["saved"] for row in sessions):
        notes.append(
            f"{WAITING_MARK} waiting to be saved: kept in the journal while the history "
            "could not take it; it goes into the history at the next start of coach."
        )
    if len(sessions) < total:
        notes.insert(0, f"{len(sessions):,} of {total:,} sessions; --all or --since for more.")
    _print_sessions(sessions, notes)
    if not (args.program or args.exercise):
        # The follow-ups of warning signs belong to no program: listed after the sessions.
        from coach.store.history import follow_ups

        try:
            answered = follow_ups(store, args.since)
        except StoreError as exc:
            _say(f"coach: {exc}")
            return EXIT_INVALID
        if answered:
            lines = [printable(point.line()) for point in answered]
            sys.stdout.write("\n".join(["", "Follow-ups of warning signs:", *lines, ""]))
    return EXIT_OK


def _print_sessions(rows: list[SessionRow], notes: list[str]) -> None:
    """One line per session in aligned columns, then the notes.

    Plain text rather than a rich table: rich costs a third of the command's time, and
    the titles are the only free text (shortened with '…' when the terminal is narrow).
    """
    import shutil

    from coach.engine.records import result_text
    from coach.format.durations import format_elapsed

    headers = ("Date", "Session", "Result", "Time", "Sets", "Start", "Peak", "Changes")
    # The result and the time read as on the history screen: the same functions say them.
    table = [
        [
            row["date"] + ("" if row["saved"] else f" {WAITING_MARK}"),
            printable(row["routine"]),
            result_text(row["status"], row["stop_reason"]),
            "-" if row["seconds"] is None else format_elapsed(row["seconds"]),
            str(row["sets"]),
            _dash(row["baseline_pain"]),
            _dash(row["peak_pain"]),
            str(row["dose_changes"]),
        ]
        for row in rows
    ]
    widths = [max([_cells(h), *(_cells(line[i]) for line in table)]) for i, h in enumerate(headers)]
    gap = "  "
    room = shutil.get_terminal_size().columns - 1
    over = sum(widths) + len(gap) * (len(widths) - 1) - room
    if over > 0:
        widths[1] = max(_cells(headers[1]), widths[1] - over)
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    lines = []
    for number, cells in enumerate([list(headers), *table]):
        cells[1] = _shorten(cells[1], widths[1])
        text = gap.join(
            (c.ljust if i < 3 else c.rjust)(w - _cells(c) + len(c))
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()
        lines.append(f"\x1b[1m{text}\x1b[0m" if bold and number == 0 else text)
    sys.stdout.write("\n".join([*lines, "", *notes, ""]))


def _cells(text: str) -> int:
    """Terminal columns of ``text``: wide East Asian characters take two, combining
    marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _shorten(text: str, width: int) -> str:
    if _cells(text) <= width:
        return text
    while text and _cells(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _doctor(data_dir: Path | None, *, rebuild: bool) -> int:
    import sqlite3

    from coach.config.locations import database_path
    from coach.store.database import Health, disk_state, health_of_error
    from coach.store.doctor import examine
    from coach.store.doctor import rebuild as rebuild_history
    from coach.store.private import os_problem

    path = database_path(data_dir)
    try:
        found = examine(path)
    except OSError as exc:
        _say(f"coach: cannot read the history {path}: {exc.strerror}")
        return EXIT_INVALID
    for line in found.lines():
        print(printable(line))
    if not found.damaged:
        if rebuild and found.exists:
            print("Nothing was rebuilt: the history is not damaged.")
        return EXIT_OK if found.sound else EXIT_UNWRITABLE
    if not rebuild:
        return EXIT_INVALID
    try:
        done = rebuild_history(path)
    except (OSError, sqlite3.Error) as exc:
        if isinstance(exc, OSError):
            why = os_problem(exc, path.parent)
        elif health_of_error(exc, path.parent) is Health.FULL:
            why = f"the disk is full ({path.parent})"
        else:
            why = str(exc)
        _say(
            printable(
                f"coach: could not rebuild {path}: {why}; the history was left as it was "
                "and no new file was left behind"
            )
        )
        full = disk_state(path.parent) is not None
        return EXIT_UNWRITABLE if full else EXIT_INVALID
    print(printable(_rebuilt_text(done)))
    return EXIT_OK


def _rebuilt_text(done: Rebuilt) -> str:
    """What a rebuild made, and from what, in a few sentences."""
    first, *others = done.sources
    parts = [
        f"Rebuilt {done.path} with {done.sessions} sessions and {done.sets} rated sets:"
        f" {first.sessions} sessions and {first.sets} sets read from the damaged file"
        + (f" ({first.unreadable} rows could not be read)" if first.unreadable else "")
    ]
    for source in others:
        if source.sessions or source.sets:
            parts.append(
                f"{source.sessions} sessions and {source.sets} sets it had lost, from {source.path}"
            )
    text = "; ".join(parts) + "."
    if done.recovered:
        text += (
            f" {done.recovered} sessions whose own record was lost are kept as"
            " 'Recovered session', with the sets that survived them."
        )
    if done.imported_sets:
        text += f" {done.imported_sets} rated sets came from the journal."
    return text + f" The damaged file is kept as {done.kept_as}."


def _report(
    since: date | None,
    output: Path | None,
    data_dir: Path | None,
    *,
    full: bool = False,
    paper: str = "a4",
) -> int:
    from coach.config.identity import report_identity
    from coach.config.locations import database_path, settings_path
    from coach.engine.clock import local_today
    from coach.report import ReportOptions, default_name, write_report
    from coach.store.database import HistoryStore, StoreError

    path = database_path(data_dir)
    if not path.exists():
        return _usage_error(f"no history yet at {path}")
    today = local_today()
    if since is not None and since > today:
        return _usage_error(f"--since {since} is after today")
    target = output if output is not None else Path(default_name(today))
    refused = _output_refused(target, "write the report to a regular file")
    if refused is not None:
        return _usage_error(f"cannot write {target}: {refused.strerror}")
    # Only who the report is about: the rest of the settings (and their model) is not
    # loaded for a report.
    name, birth, problems = report_identity(settings_path())
    for problem in problems:
        _say(f"coach: {problem}")
    options = ReportOptions(name, birth, full, paper)
    try:
        written = write_report(
            HistoryStore(path), target, until=today, since=since, options=options
        )
    except StoreError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        return _usage_error(f"cannot write {target}: {exc.strerror or exc}")
    checks = f", {written.checks} function check{'s' if written.checks != 1 else ''}"
    print(
        f"Report for {written.since:%d %b %Y} to {written.until:%d %b %Y} "
        f"({written.sessions} session{'s' if written.sessions != 1 else ''}{checks}) "
        f"written to {written.path} ({written.bytes / 1024:,.0f} KiB, readable by you only)"
    )
    return EXIT_OK


def _demo_history(days: int, seed: int, data_dir: Path | None) -> int:
    from coach.config.locations import DATA_DIR_ENV, database_path, default_routine
    from coach.demo.history import generate
    from coach.format.diagnostics import SessionFileError
    from coach.store.database import StoreError

    if data_dir is None and not os.environ.get(DATA_DIR_ENV):
        return _usage_error(
            "demo-history writes fake sessions: give it a folder of its own with "
            f"--data-dir DIR (or {DATA_DIR_ENV}), so they never land in your real history "
            f"at {database_path()}"
        )
    path = database_path(data_dir)
    try:
        summary = generate(path, source=default_routine(), days=days, seed=seed)
    except SessionFileError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic.render(), file=sys.stderr)
        return EXIT_INVALID
    except StoreError as exc:
        _say(f"coach: {exc}")
        return EXIT_INVALID
    print(
        f"{summary.sessions:,} fake sessions, {summary.sets:,} sets and {summary.checks:,} "
        f"function checks over {summary.days:,} days "
        f"({summary.first_day} to {summary.last_day}) written to {summary.path} "
        f"in {summary.seconds:.1f} s"
    )
    return EXIT_OK


def _dash(value: object) -> str:
    return "-" if value is None else str(value)


class _stdout:
    """sys.stdout as a context manager that is not closed on exit."""

    def __enter__(self) -> TextIO:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()
