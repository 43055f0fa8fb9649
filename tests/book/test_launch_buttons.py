"""The instructor guide's recipes for the launch buttons: a JupyterHub URL yields an nbgitpuller
link; an offline copy drops the Binder button, which needs the internet."""

from __future__ import annotations

import html
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.book.conftest import ROOT, build_book

pytestmark = pytest.mark.slow
HUB = "https://hub.example.edu"
# The chapters' front matter: a MyST notebook that myst-nb executes.
PAGE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
# A page

```{code-cell} ipython3
print("hello")
```
"""


def one_page_book(tmp_path, config):
    """A one-page book keeps the build fast; it shares the real book's static files and
    references. The page's HTML."""
    source = tmp_path / "book"
    source.mkdir()
    (source / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (source / "page.md").write_text(PAGE, encoding="utf-8")
    shutil.copy(ROOT / "book" / "references.bib", source)
    (source / "_vendor").symlink_to(ROOT / "book" / "_vendor", target_is_directory=True)
    html_folder = build_book(source, tmp_path / "out", config)
    return (html_folder / "page.html").read_text(encoding="utf-8")


def test_a_hub_url_adds_an_nbgitpuller_launch_button(tmp_path):
    # The documented recipe: a copy of _config.yml with the hub's address, given with --config.
    config_text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    hub_text, count = re.subn(r'jupyterhub_url: ""', f'jupyterhub_url: "{HUB}"', config_text)
    assert count == 1, "_config.yml no longer has the jupyterhub_url line the guide tells to edit"
    (tmp_path / "hub.yml").write_text(hub_text, encoding="utf-8")
    repository = yaml.safe_load(config_text)["repository"]

    page = one_page_book(tmp_path, tmp_path / "hub.yml")
    links = [
        html.unescape(u) for u in re.findall(r'href="(https://hub\.example\.edu/[^"]+)"', page)
    ]
    assert len(links) == 1, f"expected one JupyterHub launch button, found {links}"
    url = urlsplit(links[0])
    assert url.path == "/hub/user-redirect/git-pull"  # nbgitpuller's entry point on the hub
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    repo_name = repository["url"].rstrip("/").rsplit("/", 1)[-1]
    assert query == {
        "repo": repository["url"],
        "branch": repository["branch"],
        "urlpath": f"lab/tree/{repo_name}/{repository['path_to_book']}/page.md",
    }
    assert 'href="_sources/page.ipynb"' in page, "the .ipynb download button is missing"


def test_an_offline_copy_has_no_binder_button_and_keeps_the_download(tmp_path):
    # The guide's recipe for hosting the book offline: Binder needs the internet.
    config_text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    offline, count = re.subn(
        r"binderhub_url: https://mybinder.org", 'binderhub_url: ""', config_text
    )
    assert count == 1, "_config.yml no longer has the binderhub_url line the guide tells to edit"
    (tmp_path / "offline.yml").write_text(offline, encoding="utf-8")
    page = one_page_book(tmp_path, tmp_path / "offline.yml")
    assert "mybinder.org" not in page
    # Without a launch service the theme offers the page's source, a MyST notebook.
    assert 'href="_sources/page.md"' in page, "the source download button is missing"
