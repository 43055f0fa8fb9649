"""SQL and shell injection: found where the string runs, fixed from the user's own code."""

import pytest

from labkit.sim.replies.reader.review import review
from tests.sim.replies.reader.samples import src


def found(code, kind):
    return [f for f in review(src(code)) if f.kind == kind]


# The function an outsider pasted, whose review once said it found nothing wrong.
FIND_USER = src(
    """
    def find_user(cursor, username):
        query = f"SELECT * FROM users WHERE name = '{username}'"
        cursor.execute(query)
        return cursor.fetchone()
    """
)


def test_an_sql_query_built_in_a_variable_is_caught_at_the_execute():
    (finding,) = review(FIND_USER)
    assert finding.kind == "sql-injection" and finding.line == 3
    assert finding.message.startswith("Line 3: the SQL passed to `cursor.execute`")
    assert "built with an f-string on line 2" in finding.message
    assert "SQL injection" in finding.message
    # The fix is the user's own query with a placeholder, quotes and all removed.
    assert '`cursor.execute("SELECT * FROM users WHERE name = %s", (username,))`' in finding.message


@pytest.mark.parametrize(
    ("code", "line", "fix"),
    [
        (
            'import sqlite3\ndef drop(conn, uid):\n    conn.execute("DELETE FROM users WHERE id = " + str(uid))',
            3,
            '`conn.execute("DELETE FROM users WHERE id = ?", (uid,))`',
        ),
        (
            "def q(cur, name, age):\n    cur.execute(\"SELECT * FROM t WHERE name = '%s' AND age = %d\" % (name, age))",
            2,
            '`cur.execute("SELECT * FROM t WHERE name = %s AND age = %s", (name, age))`',
        ),
        (
            "def q(cur, name):\n    cur.execute(\"SELECT * FROM t WHERE name = '{}'\".format(name))",
            2,
            '`cur.execute("SELECT * FROM t WHERE name = %s", (name,))`',
        ),
        (
            "import pandas as pd\ndef q(conn, day):\n    return pd.read_sql(f\"SELECT * FROM sales WHERE day = '{day}'\", conn)",
            3,
            '`pd.read_sql("SELECT * FROM sales WHERE day = %s", conn, params=(day,))`',
        ),
        (
            "from sqlalchemy import text\ndef q(conn, name):\n    return conn.execute(text(f\"SELECT * FROM t WHERE name = '{name}'\"))",
            3,
            '`text("SELECT * FROM t WHERE name = :name")`, then `conn.execute(stmt, {"name": name})`',
        ),
        (
            'def q(cur, name):\n    sql = "SELECT * FROM users"\n    if name:\n        sql += " WHERE name = \'" + name + "\'"\n    cur.execute(sql)',
            5,
            "for example `cur.execute(",
        ),
    ],
)
def test_sql_built_with_plus_percent_format_or_for_pandas_and_sqlalchemy(code, line, fix):
    (finding,) = found(code, "sql-injection")
    assert finding.line == line
    assert fix in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'def q(cur, uid):\n    cur.execute("SELECT * FROM users WHERE id = %s", (uid,))',
        'def q(cur, uid):\n    query = "SELECT * FROM users WHERE id = ?"\n    cur.execute(query, (uid,))',
        # The idiomatic IN list: placeholders built from a length, values passed separately.
        'def q(cur, ids):\n    marks = ", ".join(["?"] * len(ids))\n    cur.execute(f"SELECT * FROM t WHERE id IN ({marks})", ids)',
        'def q(cur, ids):\n    cur.execute("SELECT * FROM t WHERE id IN (%s)" % ",".join("?" * len(ids)), ids)',
        'def q(cur, uid):\n    cur.execute(f"SELECT * FROM {TABLE} WHERE id = ?", (uid,))',
        'def q(cur, limit):\n    cur.execute(f"SELECT * FROM t LIMIT {int(limit)}")',
        'from psycopg2 import sql\ndef q(cur, table):\n    cur.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))',
        'def run(pool, job):\n    pool.execute(f"job {job}")',  # not SQL
        'def show(text):\n    text = f"SELECT {1}"\n    print(text)',
    ],
)
def test_sql_stays_quiet_on_parameters_and_fixed_text(code):
    assert found(code, "sql-injection") == []


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (
            "def f(c, term):\n    c.execute(f\"SELECT * FROM t WHERE name LIKE '%{term}%'\")",
            '`c.execute("SELECT * FROM t WHERE name LIKE %s", (f"%{term}%",))`',
        ),
        (
            "def f(c, a, b):\n    c.execute(f\"INSERT INTO t (a, b) VALUES ({a}, '{b}')\")",
            '`c.execute("INSERT INTO t (a, b) VALUES (%s, %s)", (a, b))`',
        ),
        # Parameters bind values, not names, and one parameter cannot hold a list.
        (
            'def f(c, table):\n    c.execute(f"SELECT * FROM {table}")',
            "a table or column name cannot be a parameter, so check `table` against a fixed set",
        ),
        (
            'def f(c, col):\n    c.execute(f"SELECT * FROM t ORDER BY {col}")',
            "check `col` against a fixed set of allowed names",
        ),
        (
            "def f(c, ids):\n    c.execute(f\"SELECT * FROM t WHERE id IN ({','.join(ids)})\")",
            "one placeholder for each",
        ),
    ],
)
def test_the_fix_fits_where_the_value_goes(code, advice):
    (finding,) = found(code, "sql-injection")
    assert advice in finding.message


def test_the_sqlite3_placeholder_is_used_when_the_code_imports_sqlite3():
    (finding,) = found("import sqlite3\n" + FIND_USER, "sql-injection")
    assert "WHERE name = ?" in finding.message and "with sqlite3" not in finding.message


@pytest.mark.parametrize(
    ("code", "fix"),
    [
        (
            'import subprocess\ndef ping(host):\n    subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True)',
            '`subprocess.run(["ping", "-c", "1", host], capture_output=True)`',
        ),
        (
            'import os\ndef wipe(path):\n    os.system("rm -rf " + path)',
            '`subprocess.run(["rm", "-rf", path])`',
        ),
        (
            'import os\ndef count(path):\n    cmd = "ls " + path + " | wc -l"\n    return os.popen(cmd).read()',
            "`shlex.quote(...)`",
        ),
        (
            "import subprocess\ndef run(cmd):\n    return subprocess.check_output(cmd, shell=True)",
            "pass a list of arguments",
        ),
        (
            'import subprocess as sp\ndef tag(name):\n    sp.call(f"git tag --message={name} v1", shell=True)',
            '`sp.call(["git", "tag", f"--message={name}", "v1"])`',
        ),
    ],
)
def test_shell_commands_built_from_values(code, fix):
    (finding,) = found(code, "shell-injection")
    assert "shell injection" in finding.message
    assert fix in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import subprocess\ndef st(path):\n    subprocess.run(["git", "-C", path, "status"], check=True)',
        'import subprocess\nsubprocess.run("make clean", shell=True)',
        "import subprocess\ndef run(cmd):\n    subprocess.run(cmd, check=True)",
        'import subprocess, shlex\ndef ls(p):\n    subprocess.run(f"ls {shlex.quote(p)}", shell=True)',
        'import os\nos.system("clear")',
        "import os\ndef run(cmd):\n    os.system(cmd)",  # a command handed in whole: the caller's
    ],
)
def test_shell_stays_quiet_on_lists_constants_and_quoting(code):
    assert found(code, "shell-injection") == []
