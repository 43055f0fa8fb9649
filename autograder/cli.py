"""The `course` command: a thin layer over plain functions that are also the Python API.

    course release [LAB ...]        generate the student versions
    course check [LAB ...]          the quality gate (exit 1 with reasons when a lab fails)
    course grade LAB [--db URL]     autograde, feedback without hidden tests, export
    course export [--format F]      grades CSV (nbgrader or Canvas columns)
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
    for lab in course.require_labs(args.labs):
        print(f"released {lab} -> {course.release_lab(lab)}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from autograder.checking import check, table

    results = check(_course(args), args.labs, seeds=args.seeds, progress=not args.quiet)
    print(table(results))
    return 0 if all(r.ok for r in results) else 1


def _grade(args: argparse.Namespace) -> int:
    from autograder.grading import grade

    report = grade(_course(args), args.lab, timeout=args.timeout, progress=not args.quiet)
    print(report.table())
    print(f"feedback: {report.feedback}\ngrades:   {report.csv}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from autograder.exporting import export

    path = export(_course(args), args.format, Path(args.output) if args.output else None)
    print(path)
    return 0


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

    release = commands.add_parser("release", help="generate the student versions of labs")
    release.add_argument("labs", nargs="*")
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
        "--db", help="gradebook URL, e.g. postgresql+psycopg2://user@127.0.0.1/course"
    )
    grade.add_argument(
        "--timeout", type=float, help="seconds a cell may run (default: the course config)"
    )
    grade.set_defaults(run=_grade)

    export = commands.add_parser("export", help="write the grades as CSV")
    export.add_argument("--format", choices=["nbgrader", "canvas"], default="nbgrader")
    export.add_argument("--output", help="file to write (default: grades.csv in the course folder)")
    export.add_argument("--db", help="gradebook URL")
    export.set_defaults(run=_export)

    demo = commands.add_parser("demo", help="grade a fabricated sample class end to end")
    demo.set_defaults(run=_demo)

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
