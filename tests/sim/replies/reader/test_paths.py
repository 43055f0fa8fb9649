"""`to_pathlib`: os.path code in pathlib, run against the original on real folders.

Each conversion is run next to the original on a folder tree made for the test; results are
compared as text (`str(path)`), since a Path where there was a string is one of the
differences the reply states, and sorted where the reply says the order may differ.
"""

import os
from typing import Any

import pytest

from labkit.sim.replies.reader import to_pathlib
from tests.sim.replies.reader.samples import src

LOGS = src(
    """
    import os

    def find_logs(root):
        found = []
        for dirpath, dirnames, filenames in os.walk(root):
            for name in filenames:
                if name.endswith(".log"):
                    found.append(os.path.join(dirpath, name))
        return found

    def read_config(folder):
        path = os.path.join(folder, "config.ini")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read()
    """
)
FILES = src(
    """
    import os
    import shutil

    def backup(folder, name):
        dest = os.path.join(folder, "backup")
        os.makedirs(dest, exist_ok=True)
        src = os.path.join(folder, name)
        if os.path.isfile(src):
            shutil.copy(src, os.path.join(dest, name + ".bak"))
            return "copied " + src, os.path.getsize(src)
        return "missing " + src, 0

    def images(folder):
        out = []
        for name in os.listdir(folder):
            full = os.path.join(folder, name)
            if os.path.isfile(full) and os.path.splitext(name)[1] == ".png":
                out.append(name)
        return sorted(out)

    def stem(p):
        return os.path.splitext(os.path.basename(p))[0]

    def save(path, text):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def load(path):
        return open(path, encoding="utf-8").read()
    """
)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("x.log", "a/y.log", "a/b/z.log", "a/notes.txt", "pic.png", "doc.txt"):
        (tmp_path / name).write_text(name)
    (tmp_path / "config.ini").write_text("[main]\nkey = 1\n")
    return tmp_path


def functions(source):
    namespace: dict[str, Any] = {}
    exec(compile(source, "<snippet>", "exec"), namespace)
    return namespace


def as_text(value):
    """Results compared as text: a Path is shown as its string, lists sorted."""
    if isinstance(value, list):
        return sorted(as_text(v) for v in value)
    if isinstance(value, tuple):
        return tuple(as_text(v) for v in value)
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def test_the_walk_and_the_config_read_in_pathlib(tree):
    result = to_pathlib(LOGS)
    assert result is not None
    assert "Path(root).rglob('*.log')" in result.source
    assert "path = Path(folder) / 'config.ini'" in result.source
    assert "return path.read_text()" in result.source
    assert "import os" not in result.source and "from pathlib import Path" in result.source
    before, after = functions(LOGS), functions(result.source)
    for root in (str(tree), str(tree / "a"), str(tree / "missing")):
        assert as_text(before["find_logs"](root)) == as_text(after["find_logs"](root))
    for folder in (str(tree), str(tree / "a")):
        assert before["read_config"](folder) == after["read_config"](folder)


def test_what_differs_is_said(tree):
    result = to_pathlib(LOGS)
    assert result is not None
    said = " ".join(result.differences)
    assert "own order" in said and "sorted(" in said  # rglob's order
    assert "`find_logs`" in said and "`Path` objects" in said  # what it returns
    assert all(sentence.endswith(".") for sentence in result.changes + result.differences)


def test_makedirs_listdir_splitext_and_whole_file_io(tree):
    result = to_pathlib(FILES)
    assert result is not None
    source = result.source
    assert "mkdir(parents=True, exist_ok=True)" in source
    assert ".iterdir()" in source and "entry.suffix == '.png'" in source
    assert "return Path(p).stem" in source
    assert "Path(path).write_text(text, encoding='utf-8')" in source
    assert "Path(path).read_text(encoding='utf-8')" in source
    # Text-wanting code gets `str(path)`, so the messages read as before.
    assert "'copied ' + str(src)" in source
    before, after = functions(FILES), functions(source)
    for name in ("doc.txt", "nothing.txt"):
        assert before["backup"](str(tree), name) == after["backup"](str(tree), name)
    assert (tree / "backup" / "doc.txt.bak").read_text() == "doc.txt"
    assert before["images"](str(tree)) == after["images"](str(tree)) == ["pic.png"]
    for p in ("a/b/c.tar.gz", "x", ".bashrc", "dir.d/file"):
        assert before["stem"](p) == after["stem"](p)
    before["save"](str(tree / "one.txt"), "héllo\n")
    after["save"](str(tree / "two.txt"), "héllo\n")
    assert (tree / "one.txt").read_bytes() == (tree / "two.txt").read_bytes()
    assert before["load"](str(tree / "one.txt")) == after["load"](str(tree / "two.txt"))


def test_calls_without_an_exact_twin_stay_and_are_named():
    code = src(
        """
        import os

        def here(name):
            base = os.path.dirname(os.path.abspath(__file__))
            return os.path.join(base, os.path.normpath(name))
        """
    )
    result = to_pathlib(code)
    assert result is not None
    assert "os.path.abspath(__file__)" in result.source and "os.path.normpath" in result.source
    assert "import os" in result.source  # still needed
    kept = " ".join(result.kept)
    assert "`os.path.abspath` stays" in kept and "`os.path.normpath` stays" in kept


def test_a_walk_that_prunes_folders_is_left_as_a_walk():
    code = src(
        """
        import os

        def sources(root):
            out = []
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = [d for d in dirnames if d != ".git"]
                for name in filenames:
                    if name.endswith(".py"):
                        out.append(os.path.join(dirpath, name))
            return out
        """
    )
    result = to_pathlib(code)
    assert result is not None and "os.walk(root)" in result.source
    assert any("`os.walk` loop stays" in k for k in result.kept)


@pytest.mark.parametrize(
    "code",
    [
        "def f(x):\n    return x + 1\n",
        "from pathlib import Path\n\ndef f(p):\n    return Path(p).exists()\n",
        "def f(:\n",
    ],
)
def test_nothing_to_convert_gives_none(code):
    assert to_pathlib(code) is None


def test_a_module_level_path_constant_is_used_as_a_path_and_said():
    code = src(
        """
        import os

        DATA = os.path.join("data", "raw")

        def raw_file(name):
            return open(os.path.join(DATA, name)).read()
        """
    )
    result = to_pathlib(code)
    assert result is not None
    assert "DATA = Path('data') / 'raw'" in result.source
    assert "(DATA / name).read_text()" in result.source  # not Path(DATA)
    assert any("`DATA` is a `Path` now" in d for d in result.differences)


def test_a_path_that_reaches_text_wanting_code_is_handed_over_as_text(tmp_path):
    code = src(
        """
        import os

        def report(folder, name):
            path = os.path.join(folder, name)
            label = "file: " + path
            if path.endswith(".txt") and os.path.exists(path):
                return label, len(path), path == os.path.join(folder, name)
            return label, 0, False
        """
    )
    result = to_pathlib(code)
    assert result is not None
    assert "'file: ' + str(path)" in result.source and "str(path).endswith('.txt')" in result.source
    (tmp_path / "a.txt").write_text("x")
    before, after = functions(code), functions(result.source)
    for name in ("a.txt", "b.txt", "c.md"):
        assert before["report"](str(tmp_path), name) == after["report"](str(tmp_path), name)


@pytest.mark.parametrize("cut", [10, 40, 90, 150, 230, 330])
def test_truncated_or_odd_code_never_raises(cut):
    for code in (LOGS[:cut], FILES[:cut], "import os\n" * 3 + "os.path.join(*x)\n"):
        to_pathlib(code)  # None or a conversion, never an exception


def test_a_name_that_also_holds_text_keeps_holding_text(tmp_path):
    code = src(
        """
        import os

        class Store:
            def __init__(self, root):
                self.root = os.path.join(root, "store")

        def backup_name(folder, name):
            path = os.path.join(folder, name)
            if os.path.exists(path):
                path = path + ".bak"
            return path
        """
    )
    result = to_pathlib(code)
    assert result is not None
    assert "self.root = str(Path(root) / 'store')" in result.source
    assert "path = str(Path(folder) / name)" in result.source
    (tmp_path / "a").write_text("x")
    before, after = functions(code), functions(result.source)
    for name in ("a", "b"):
        assert before["backup_name"](str(tmp_path), name) == after["backup_name"](
            str(tmp_path), name
        )
    assert before["Store"](str(tmp_path)).root == after["Store"](str(tmp_path)).root


def test_paths_collected_for_the_function_itself_stay_text(tmp_path):
    code = src(
        """
        import os

        def shout_logs(root):
            seen = []
            for name in os.listdir(root):
                seen.append(os.path.join(root, name))
            return [s.upper() for s in seen]
        """
    )
    result = to_pathlib(code)
    assert result is not None
    assert "seen.append(str(entry))" in result.source
    (tmp_path / "a.log").write_text("x")
    assert functions(code)["shout_logs"](str(tmp_path)) == functions(result.source)["shout_logs"](
        str(tmp_path)
    )
