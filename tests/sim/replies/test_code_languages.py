"""Code in the language asked for: bash, SQL, JavaScript and TypeScript snippets of the bank.

A request that names a language gets a snippet in that language, fenced as such, or no snippet;
a request in Python, or in no language, still gets Python. The SQL snippets are also run here
in SQLite: each correct version gives the expected rows and each buggy version does not.
"""

import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from labkit.sim.replies import Replier
from labkit.sim.replies.bank import Snippet
from labkit.sim.replies.code import best_answer, language_asked
from labkit.sim.replies.report import setting_for

FENCE = re.compile(r"```(\w+)\n(.*?)\n```", re.S)


@pytest.fixture(scope="module")
def snippets(replier):
    return {s.name: s for s in replier.bank.topics["write_code"].snippets}


def fenced_code(replier: Replier, prompt: str, seed: int = 0) -> tuple[str, str, str]:
    """The reply's topic, fence language and code, at glass-box temperature 0."""
    reading = replier.read([{"role": "user", "content": prompt}])
    setting = setting_for("sim-sonnet-4-6", "medium", temperature=0.0)
    text = replier.reply(reading, setting, np.random.default_rng(seed)).text
    found = FENCE.search(text)
    assert found, text
    return reading.topic, found.group(1), found.group(2)


def correct_code(snippet: Snippet) -> str:
    return next(v.code for v in snippet.variants if v.correct)


@pytest.mark.parametrize(
    ("prompt", "lang", "name"),
    [
        (
            "give me a bash one-liner to find the largest files in a directory",
            "bash",
            "bash_largest_files",
        ),
        ("shell command to replace a string in all files recursively", "bash", "bash_find_replace"),
        (
            "give me a bash script to free up a port that is already in use",
            "bash",
            "bash_kill_port",
        ),
        ("write a bash script to loop over all csv files in a folder", "bash", "bash_loop_files"),
        ("write a bash function to retry a command until it succeeds", "bash", "bash_retry"),
        ("bash command to extract a tar.gz into a folder", "bash", "bash_extract_tar"),
        (
            "write a SQL query to find duplicate emails in the users table",
            "sql",
            "sql_find_duplicates",
        ),
        (
            "write a postgres query to remove duplicates but keep one",
            "sql",
            "sql_delete_duplicates",
        ),
        (
            "write a SQL query for the top 3 salaries in each department",
            "sql",
            "sql_top_n_per_group",
        ),
        ("write an upsert in sql", "sql", "sql_upsert"),
        ("write a SQL query for the median of a column", "sql", "sql_median"),
        ("write a javascript debounce function", "javascript", "js_debounce"),
        ("javascript fetch with a timeout", "javascript", "js_fetch_timeout"),
        ("write a js function that splits an array into chunks", "javascript", "js_chunk_array"),
        ("js get url parameters as an object", "javascript", "js_parse_query_string"),
        ("write a typescript debounce function", "typescript", "ts_debounce"),
    ],
)
def test_a_request_in_a_language_gets_a_snippet_fenced_in_it(replier, snippets, prompt, lang, name):
    topic, fence, code = fenced_code(replier, prompt)
    assert topic == "write_code"
    assert fence == lang
    assert code == correct_code(snippets[name])  # temperature 0 takes the likeliest, correct one


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("write a python function that finds the duplicate values in a list", "find_duplicates"),
        ("write a function that sorts a list", "sort_list"),
    ],
)
def test_a_python_request_still_gets_python(replier, snippets, prompt, name):
    _, fence, code = fenced_code(replier, prompt)
    assert fence == "python"
    assert code == correct_code(snippets[name])


def test_the_same_task_is_answered_in_the_language_named(replier):
    topic = replier.bank.topics["write_code"]
    answers = {
        lang: best_answer(topic, f"write a {lang} function that retries with exponential backoff")
        for lang in ("javascript", "typescript")
    }
    assert {lang: a.name if a else None for lang, a in answers.items()} == {
        "javascript": "js_retry_backoff",
        "typescript": "ts_retry_backoff",
    }


def test_a_language_without_a_matching_snippet_gets_no_python_snippet(replier):
    topic = replier.bank.topics["write_code"]
    # The bank has a Python reverse_string and a Python is_prime, but no bash or SQL ones.
    assert best_answer(topic, "write a bash one-liner that reverses a string") is None
    assert best_answer(topic, "write a sql query that checks if a number is prime") is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("give me a bash one-liner to find big files", "bash"),
        ("write a SQL query for the running total", "sql"),
        ("postgres: upsert a row", "sql"),
        ("write a javascript debounce function", "javascript"),
        ("node: sleep for 2 seconds", "javascript"),
        ("typed debounce in TypeScript", "typescript"),
        ("write a python script that calls a shell command", "python"),
        ("write a function that sorts a list", "python"),
    ],
)
def test_the_language_asked_is_read_from_the_request(text, lang):
    assert language_asked(text) == lang


def test_every_language_has_snippets_with_one_correct_and_a_buggy_version(snippets):
    by_lang: dict[str, int] = {}
    for snippet in snippets.values():
        by_lang[snippet.lang] = by_lang.get(snippet.lang, 0) + 1
        if snippet.lang != "python":
            assert 3 <= len(snippet.match) <= 6, snippet.name
            assert sum(v.correct for v in snippet.variants) == 1, snippet.name
            assert 2 <= len(snippet.variants) <= 3, snippet.name
            assert all(v.note.strip() for v in snippet.variants), snippet.name
            assert all(len(v.code.splitlines()) < 25 for v in snippet.variants), snippet.name
    assert by_lang["bash"] >= 10 and by_lang["sql"] >= 10 and by_lang["javascript"] >= 8
    assert by_lang["typescript"] >= 1


def test_every_bash_snippet_parses(snippets):
    for snippet in snippets.values():
        if snippet.lang != "bash":
            continue
        for variant in snippet.variants:
            result = subprocess.run(
                ["bash", "-n"], input=variant.code, capture_output=True, text=True
            )
            assert result.returncode == 0, (snippet.name, variant.kind, result.stderr)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_every_javascript_snippet_parses(snippets, tmp_path):
    for snippet in snippets.values():
        if snippet.lang != "javascript":
            continue
        for i, variant in enumerate(snippet.variants):
            path = tmp_path / f"{snippet.name}_{i}.js"
            path.write_text(variant.code)
            result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
            assert result.returncode == 0, (snippet.name, variant.kind, result.stderr)


# ---------------------------------------------------------------- the SQL snippets, run in SQLite

USERS = """
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, created_at TEXT);
INSERT INTO users VALUES
 (1, 'ana@example.com', '2026-03-01 09:00:00'), (2, 'bo@example.com', '2026-03-01 10:30:00'),
 (3, 'Ana@example.com ', '2026-03-01 10:30:00'), (4, 'bo@example.com', '2026-03-02 08:00:00'),
 (5, 'cy@example.com', '2025-03-01 12:00:00'), (6, NULL, '2026-03-02 09:00:00'),
 (7, NULL, '2026-03-02 09:00:00'), (8, 'bo@example.com', '2026-03-03 23:59:59');
"""
EMPLOYEES = """
CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT, department TEXT, salary INTEGER);
INSERT INTO employees VALUES
 (1, 'Ada', 'eng', 150), (2, 'Ben', 'eng', 140), (3, 'Cal', 'eng', 140), (4, 'Dee', 'eng', 120),
 (5, 'Eve', 'eng', 100), (6, 'Fay', 'ops', 90), (7, 'Gus', 'ops', 95), (8, 'Hal', 'ops', 80),
 (9, 'Ivy', 'ops', 70), (10, 'Jo', 'sales', 60);
"""
SHOP = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, name TEXT);
INSERT INTO customers VALUES (1, 'a@x', 'Ann'), (2, 'b@x', NULL), (3, 'c@x', 'Cem'), (4, 'd@x', 'Dov');
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, amount REAL, status TEXT,
                     created_at TEXT);
INSERT INTO orders VALUES
 (1, 1, 10, 'paid', '2026-01-01'), (2, 2, 5, 'paid', '2026-01-02'),
 (3, 1, 7, 'refunded', '2026-01-02'), (4, NULL, 3, 'pending', '2026-01-03'),
 (5, 9, 1, 'paid', '2026-01-04');
"""
# 60 posts, three to a day, so that page boundaries fall between posts sharing a timestamp.
POSTS = "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT, created_at TEXT);" + "".join(
    f"INSERT INTO posts VALUES ({i}, 'post {i}', '2026-01-{1 + i // 3:02d}');" for i in range(1, 61)
)


def statements(code: str) -> list[str]:
    text = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def query(code: str, setup: str, params: dict[str, Any] | None = None) -> list[Any]:
    con = sqlite3.connect(":memory:")
    con.executescript(setup)
    (statement,) = statements(code)
    return con.execute(statement, params or {}).fetchall()


def after_delete(code: str) -> list[int]:
    con = sqlite3.connect(":memory:")
    con.executescript(USERS)
    for statement in statements(code):
        con.execute(statement)
    return [row[0] for row in con.execute("SELECT id FROM users ORDER BY id")]


def upserted(code: str) -> list[Any]:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE page_views (path TEXT PRIMARY KEY, views INTEGER NOT NULL)")
    (statement,) = statements(code)
    for path in ["/a", "/a", "/b", "/a"]:
        con.execute(statement, {"path": path})
    return con.execute("SELECT path, views FROM page_views ORDER BY path").fetchall()


def pages(code: str) -> list[list[int]]:
    """Every post, paged through with each statement of the snippet in turn."""
    con = sqlite3.connect(":memory:")
    con.executescript(POSTS)
    out = []
    for statement in statements(code):
        if ":last_id" in statement or ":last_created_at" in statement:
            seen = con.execute(re.sub(r"WHERE .*?\n", "", statement)).fetchall()
            page = seen
            while page:
                key = {"last_created_at": seen[-1][2], "last_id": seen[-1][0]}
                page = con.execute(statement, key).fetchall()
                seen += page
            out.append([row[0] for row in seen])
        else:
            rows = [con.execute(statement, {"page": p}).fetchall() for p in (1, 2, 3)]
            out.append([row[0] for page in rows for row in page])
    return out


def medians(code: str) -> list[Any]:
    out = []
    for values in ([1, 2, 3, 4], [5, 1, 3], [None, None, 1, 2, 10], [7], [], [None, 4, 1]):
        setup = "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL);" + "".join(
            f"INSERT INTO orders (amount) VALUES ({'NULL' if v is None else v});" for v in values
        )
        out.append((query(code, setup) or [(None,)])[0][0])
    return out


def second_highest(code: str) -> list[Any]:
    tables = [
        EMPLOYEES,
        "CREATE TABLE employees (salary INTEGER); INSERT INTO employees VALUES (50), (50), (40);",
        "CREATE TABLE employees (salary INTEGER); INSERT INTO employees VALUES (50), (50);",
    ]
    return [(query(code, setup) or [("no row",)])[0][0] for setup in tables]


NEWEST_FIRST = list(range(60, 0, -1))
SQL_CHECKS: dict[str, tuple[Callable[[str], Any], Any]] = {
    "sql_find_duplicates": (
        lambda code: query(code, USERS),
        [("bo@example.com", 3), ("ana@example.com", 2)],
    ),
    "sql_delete_duplicates": (after_delete, [1, 2, 3, 5, 6, 7]),
    "sql_top_n_per_group": (
        lambda code: [row[1] for row in query(code, EMPLOYEES)],
        ["Ada", "Ben", "Cal", "Gus", "Fay", "Hal", "Jo"],
    ),
    "sql_running_total": (lambda code: [row[3] for row in query(code, SHOP)], [10, 15, 22, 25, 26]),
    "sql_anti_join": (lambda code: query(code, SHOP), [(3, "c@x"), (4, "d@x")]),
    "sql_pagination": (pages, [NEWEST_FIRST, NEWEST_FIRST]),
    "sql_upsert": (upserted, [("/a", 3), ("/b", 1)]),
    "sql_count_per_day": (
        lambda code: query(code, USERS),
        [("2025-03-01", 1), ("2026-03-01", 3), ("2026-03-02", 3), ("2026-03-03", 1)],
    ),
    "sql_second_highest": (second_highest, [140, 40, None]),
    "sql_find_orphans": (lambda code: query(code, SHOP), [(5, 9)]),
    "sql_median": (medians, [2.5, 3, 2, 7, None, 2.5]),
    "sql_pivot_counts": (
        lambda code: query(code, SHOP),
        [
            ("2026-01-01", 1, 0, 0),
            ("2026-01-02", 1, 1, 0),
            ("2026-01-03", 0, 0, 1),
            ("2026-01-04", 1, 0, 0),
        ],
    ),
}


def test_every_sql_snippet_has_a_check(snippets):
    assert {name for name, s in snippets.items() if s.lang == "sql"} == set(SQL_CHECKS)


@pytest.mark.parametrize("name", sorted(SQL_CHECKS))
def test_the_correct_sql_gives_the_expected_rows_and_the_buggy_sql_does_not(snippets, name):
    run, expected = SQL_CHECKS[name]
    for variant in snippets[name].variants:
        try:
            got = run(variant.code)
        except sqlite3.Error as error:
            got = f"sqlite3 error: {error}"
        if variant.correct:
            assert got == expected, (variant.kind, got)
        else:
            assert got != expected, variant.kind
