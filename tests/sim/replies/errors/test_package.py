"""__init__.py: the package is used as the module it replaced, so what compose.py, report.py and
these tests call stays importable from labkit.sim.replies.errors itself."""

from labkit.sim.replies import errors


def test_the_names_other_modules_use_are_importable_from_the_package():
    used = {"answer", "knowledge_for", "load_knowledge", "lint", "ERRORS_FILE"}
    assert used <= set(errors.__all__)
    for name in errors.__all__:
        assert getattr(errors, name) is not None, name
    assert errors.ERRORS_FILE == "errors.toml"
