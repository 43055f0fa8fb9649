"""An instructor's JupyterHub URL (the instructor guide's recipe) yields an nbgitpuller link."""

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


def test_a_hub_url_adds_an_nbgitpuller_launch_button(tmp_path):
    # The documented recipe: a copy of _config.yml with the hub's address, given with --config.
    config_text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    hub_text, count = re.subn(r'jupyterhub_url: ""', f'jupyterhub_url: "{HUB}"', config_text)
    assert count == 1, "_config.yml no longer has the jupyterhub_url line the guide tells to edit"
    (tmp_path / "hub.yml").write_text(hub_text, encoding="utf-8")
    repository = yaml.safe_load(config_text)["repository"]

    # A one-page book keeps the build fast; it shares the real book's static files and references.
    source = tmp_path / "book"
    source.mkdir()
    (source / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (source / "page.md").write_text(PAGE, encoding="utf-8")
    shutil.copy(ROOT / "book" / "references.bib", source)
    (source / "_vendor").symlink_to(ROOT / "book" / "_vendor", target_is_directory=True)

    page = (build_book(source, tmp_path / "out", tmp_path / "hub.yml") / "page.html").read_text(
        encoding="utf-8"
    )
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
