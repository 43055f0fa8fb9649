"""The `course` command: a thin layer over plain functions that are also the Python API.

    course new LAB                  a template lab (text source, notebook, hidden tests)
    course sync [LAB ...]           make each lab's text source and notebook agree
    course release [LAB ...] [--scenario S]
                                    generate the student versions (S: the incident of labs 3-4)
    course check [LAB ...]          the quality gate (exit 1 with reasons when a lab fails)
    course grade LAB [--student ID] autograde (in --workers processes), feedback without hidden
                                    tests, export; the gradebook is backed up first
    course bench [--students N]     stock serial nbgrader autograde vs course grade, as JSON
    course sizing [LAB ...]         grading minutes per 100 students, memory per student (measured)
    course export [--format F]      grades CSV (nbgrader columns, or a Canvas gradebook import)
    course solutions LAB [--force]  a solution notebook for students, once the lab has closed
    course formgrader [--port N]    nbgrader's formgrader for hand grading, on this machine only
    course demo                     a sample class graded end to end
Problems an instructor must fix print one line and exit with code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.course import Course, CourseError


def _course(args: argparse.Namespace) -> Course:
    return Course.locate(args.course, getattr(args, "db", None))


def _release(args: argparse.Namespace) -> int:
    course = _course(args)
    course.check_gradebook()
    labs = course.require_labs(args.labs)
    if args.scenario:
        from autograder.scenarios import scenario_of, switch

        chosen = (
            [lab for lab in labs if scenario_of(course.source / lab)] if not args.labs else labs
        )
        for lab in chosen:
            old = switch(course, lab, args.scenario)
            if old != args.scenario:
                print(f"{lab}: incident data switched from {old} to {args.scenario}")
    for lab in labs:
        print(f"released {lab} -> {course.release_lab(lab)}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from autograder.labsource import LabFiles, LabSourceError, sync

    course = _course(args)
    for lab in course.require_labs(args.labs):
        files = LabFiles(course.source / lab, lab)
        try:
            side = sync(files, args.side)
        except LabSourceError as error:
            raise CourseError(str(error)) from None
        origin = files.text if side == "text" else files.notebook
        print(f"{lab}: both files now hold {origin.name}")
    return 0


def _new(args: argparse.Namespace) -> int:
    from autograder.newlab import new_lab

    for path in new_lab(_course(args), args.lab, args.title):
        print(f"wrote {path}")
    print(f"next: edit the .lab.md, run `course sync {args.lab}` and `course check {args.lab}`")
    return 0


def _check(args: argparse.Namespace) -> int:
    from autograder.checking import check, table

    results = check(_course(args), args.labs, seeds=args.seeds, progress=not args.quiet)
    print(table(results))
    return 0 if all(r.ok for r in results) else 1


def _grade(args: argparse.Namespace) -> int:
    from autograder.grading import grade

    report = grade(
        _course(args),
        args.lab,
        timeout=args.timeout,
        progress=not args.quiet,
        workers=args.workers,
        backup=not args.no_backup,
        keep_backups=args.keep_backups,
        only=args.student,
        trust_timestamps=args.trust_timestamps,
    )
    print(report.table())
    print(f"feedback: {report.feedback}\ngrades:   {report.csv}")
    if report.backup:
        print(f"backup:   {report.backup} (the gradebook before this run)")
    if report.restarts:
        print(f"workers:  {report.restarts} died and were replaced; see the notes above")
    return 0


def _bench(args: argparse.Namespace) -> int:
    import json

    from autograder.bench import bench, summary

    course = _course(args) if args.lab else None
    figures = bench(args.students, workers=args.workers, lab=args.lab, source=course)
    print(json.dumps(figures) if args.json else summary(figures))
    return 0 if figures["grades_identical"] else 1


def _sizing(args: argparse.Namespace) -> int:
    import json

    from autograder.sizing import sizing, table

    course = _course(args)
    figures = sizing(course, args.labs or course.labs(), args.students, args.workers)
    print(json.dumps(figures) if args.json else table(figures))
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: must be 1 or more")
    return value


def _export(args: argparse.Namespace) -> int:
    from autograder.exporting import export

    result = export(
        _course(args),
        args.format,
        Path(args.output) if args.output else None,
        allow_pending=args.allow_pending,
        new_assignments=args.new_assignments,
    )
    for note in result.notes:
        print(f"note: {note}")
    for lab, students in result.pending.items():
        left = "left blank" if args.format == "canvas" else "marked hand_grading_pending"
        print(f"note: {lab}: hand grading pending for {len(students)} student(s), {left}")
    print(result.path)
    return 0


def _solutions(args: argparse.Namespace) -> int:
    from autograder.solutions import release_solutions

    release = release_solutions(_course(args), args.lab, force=args.force)
    for note in release.notes:
        print(f"note: {note}")
    print(f"solutions of {args.lab} -> {release.folder}")
    if release.exchange is not None:
        print(f"students can fetch {release.exchange.name} from the Assignment List")
    return 0


def _formgrader(args: argparse.Namespace) -> int:
    from autograder.formgrader import serve

    return serve(_course(args), args.port)


def _demo(args: argparse.Namespace) -> int:
    from autograder.demo import demo, where

    course, reports = demo(_course(args), progress=not args.quiet)
    for report in reports:
        print(f"\n{report.lab}\n{report.table()}")
    print("\n" + where(course))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--course", help="the course folder (default: labs/ of this repository, or COURSE_ROOT)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    commands = parser.add_subparsers(dest="command", required=True)

    sync = commands.add_parser(
        "sync", help="write a lab's text source and its notebook from the newer of the two"
    )
    sync.add_argument("labs", nargs="*")
    sync.add_argument(
        "--from",
        dest="side",
        choices=["text", "notebook"],
        help="the file to keep (default: the one changed last)",
    )
    sync.set_defaults(run=_sync)

    new = commands.add_parser("new", help="a working template lab with one part of each kind")
    new.add_argument("lab", help="the lab's folder name, e.g. lab5-release-gate")
    new.add_argument("--title", help="the lab's heading")
    new.set_defaults(run=_new)

    release = commands.add_parser("release", help="generate the student versions of labs")
    release.add_argument("labs", nargs="*")
    release.add_argument(
        "--scenario",
        choices=["sep2025", "apr2026"],
        help="the incident the labs with incident data (labs 3-4) ship this term",
    )
    release.set_defaults(run=_release)

    check = commands.add_parser("check", help="quality gate for labs (instructors and CI)")
    check.add_argument("labs", nargs="*")
    check.add_argument(
        "--seeds", type=int, default=3, help="student seeds the solution must pass under"
    )
    check.set_defaults(run=_check)

    grade = commands.add_parser("grade", help="autograde every submission of a lab")
    grade.add_argument("lab")
    grade.add_argument(
        "--student",
        action="append",
        metavar="ID",
        help="grade only this student's submission (repeat for several); hand scores are kept",
    )
    grade.add_argument(
        "--trust-timestamps",
        action="store_true",
        help="take each submission's time from its timestamp.txt even where the exchange's "
        "files changed later (only after you copied or changed those files yourself)",
    )
    grade.add_argument(
        "--db", help="gradebook URL, e.g. postgresql+psycopg2://user@127.0.0.1/course"
    )
    grade.add_argument(
        "--timeout", type=float, help="seconds a cell may run (default: the course config)"
    )
    grade.add_argument(
        "--workers",
        type=_positive,
        help="grading processes (default: one per core, at most 4)",
    )
    grade.add_argument(
        "--no-backup", action="store_true", help="do not copy the gradebook to backups/ first"
    )
    grade.add_argument(
        "--keep-backups", type=_positive, default=10, help="backups kept (default: 10)"
    )
    grade.set_defaults(run=_grade)

    bench = commands.add_parser(
        "bench", help="time stock serial nbgrader autograde against course grade"
    )
    bench.add_argument("--students", type=_positive, default=40)
    bench.add_argument("--workers", type=_positive, default=2)
    bench.add_argument(
        "--lab", help="a lab of the course (default: a tiny built-in lab, start-up dominated)"
    )
    bench.add_argument("--json", action="store_true", help="one JSON object")
    bench.set_defaults(run=_bench)

    sizing = commands.add_parser(
        "sizing", help="measure grading time per 100 students and memory per student, per lab"
    )
    sizing.add_argument("labs", nargs="*", help="labs to measure (default: all)")
    sizing.add_argument("--students", type=_positive, default=12, help="fabricated class size")
    sizing.add_argument("--workers", type=_positive, help="grading workers (default: cores, <= 4)")
    sizing.add_argument("--json", action="store_true", help="the figures as JSON")
    sizing.set_defaults(run=_sizing)

    export = commands.add_parser("export", help="write the grades as CSV")
    export.add_argument("--format", choices=["nbgrader", "canvas"], default="nbgrader")
    export.add_argument("--output", help="file to write (default: grades.csv in the course folder)")
    export.add_argument("--db", help="gradebook URL")
    export.add_argument(
        "--allow-pending",
        action="store_true",
        help="canvas: export although hand grading is pending (those grades are left blank)",
    )
    export.add_argument(
        "--new-assignments",
        action="store_true",
        help="canvas: a lab with no [canvas.assignments] entry in course.toml becomes a new "
        "Canvas assignment named by the lab",
    )
    export.set_defaults(run=_export)

    solutions = commands.add_parser(
        "solutions", help="release a lab's solution notebook once the lab has closed"
    )
    solutions.add_argument("lab")
    solutions.add_argument(
        "--force",
        action="store_true",
        help="release although the lab has no due date or can still earn points",
    )
    solutions.set_defaults(run=_solutions)

    formgrader = commands.add_parser(
        "formgrader", help="open nbgrader's formgrader on this course, on 127.0.0.1 only"
    )
    formgrader.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    formgrader.add_argument("--db", help="gradebook URL")
    formgrader.set_defaults(run=_formgrader)

    demo = commands.add_parser("demo", help="grade a fabricated sample class end to end")
    demo.set_defaults(run=_demo)

    from autograder.hub import add_commands as add_hub_commands  # roster, submissions, feedback

    add_hub_commands(commands)

    version = commands.add_parser("version", help="print the package version")
    version.set_defaults(run=lambda args: print(__import__("autograder").__version__) or 0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except CourseError as error:
        print(f"course: {error}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
