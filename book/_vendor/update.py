"""Re-create book/_vendor/static/ from pinned npm packages and record their checksums.

The built book loads MathJax, RequireJS and the ipywidgets embed manager from these shipped
files instead of CDNs, so it reads offline. Only the files a page actually loads are kept.

    python book/_vendor/update.py           # needs npm and the npm registry; rewrites static/
    python book/_vendor/update.py --check   # offline: the shipped files match SHA256SUMS

To move to a new version, change `version` and `integrity` below (`npm view PKG@VERSION
dist.integrity`), run the script, rebuild the book and run tests/book.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"  # html_static_path in _config.yml: copied into the site's _static/
SUMS = HERE / "SHA256SUMS"

# RequireJS's npm package has no LICENSE file; its header says MIT and points at this text.
REQUIREJS_LICENSE = """\
Copyright jQuery Foundation and other contributors, https://jquery.org/

This software consists of voluntary contributions made by many individuals. For exact
contribution history, see the revision history available at
https://github.com/requirejs/requirejs

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # npm's dist.integrity: the tarball must be exactly the one that was vetted
    folder: str  # under static/
    strip: str  # prefix removed from the paths inside the package
    keep: tuple[str, ...]  # fnmatch patterns, relative to the package root
    extra_files: tuple[tuple[str, str], ...] = ()  # (name, text) written beside the kept files


PACKAGES = (
    Package(
        name="mathjax",
        version="3.2.2",
        integrity="sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        folder="mathjax",
        strip="es5/",
        keep=(
            "LICENSE",
            # the combined component Sphinx loads (TeX and MathML in, CommonHTML out, menu and
            # assistive MathML for screen readers) ...
            "es5/tex-mml-chtml.js",
            # ... the TeX extensions its autoloader fetches when a page uses their macros ...
            "es5/input/tex/extensions/*.js",
            # ... and the fonts CommonHTML output draws with.
            "es5/output/chtml/fonts/woff-v2/*.woff",
        ),
    ),
    Package(
        name="requirejs",
        version="2.3.7",
        integrity="sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
        folder="requirejs",
        strip="",
        keep=("require.js",),
        extra_files=(("LICENSE", REQUIREJS_LICENSE),),
    ),
    Package(
        name="@jupyter-widgets/html-manager",
        version="1.0.6",
        integrity="sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ==",
        folder="jupyter-widgets",
        strip="dist/",
        keep=(
            "LICENSE",
            # the AMD bundle (base and controls widgets included) that renders embedded state
            "dist/embed-amd.js",
            # licence notices of the third-party code webpack bundled into the embed manager
            "dist/embed.js.LICENSE.txt",
            # Font Awesome glyphs, loaded beside the bundle; browsers take woff2, then woff
            "dist/*.woff2",
            "dist/*.woff",
        ),
    ),
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_integrity(tarball: Path, expected: str) -> None:
    algorithm, _, digest = expected.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if actual != digest:
        sys.exit(f"{tarball.name}: integrity {algorithm}-{actual} is not the pinned {expected}")


def _npm_pack(package: Package, into: Path) -> Path:
    spec = f"{package.name}@{package.version}"
    try:
        result = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(into)],
            capture_output=True,
            text=True,
            check=True,
        )
    except FileNotFoundError:
        sys.exit("update.py needs npm (Debian: apt-get install npm)")
    except subprocess.CalledProcessError as error:
        sys.exit(f"npm pack {spec} failed:\n{error.stderr.strip()}")
    filename: str = json.loads(result.stdout)[0]["filename"]
    tarball = into / filename
    _check_integrity(tarball, package.integrity)
    return tarball


def _extract(package: Package, tarball: Path) -> None:
    unmatched = set(package.keep)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            inner = member.name.removeprefix("package/")
            patterns = {p for p in package.keep if fnmatch.fnmatch(inner, p)}
            if not member.isfile() or not patterns:
                continue
            unmatched -= patterns
            target = STATIC / package.folder / inner.removeprefix(package.strip)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None  # a regular file always has content
            target.write_bytes(source.read())
    if unmatched:  # a new version moved a file: better to stop than ship a book that 404s
        sys.exit(f"{package.name}@{package.version}: nothing matches {sorted(unmatched)}")
    for name, text in package.extra_files:
        (STATIC / package.folder / name).write_text(text, encoding="utf-8")


def _shipped_files() -> list[Path]:
    return sorted(p for p in STATIC.rglob("*") if p.is_file())


def update() -> None:
    if STATIC.exists():
        shutil.rmtree(STATIC)
    with tempfile.TemporaryDirectory() as scratch:
        for package in PACKAGES:
            _extract(package, _npm_pack(package, Path(scratch)))
    lines = [
        "# sha256 of every file in static/, written by update.py from "
        + ", ".join(f"{p.name}@{p.version}" for p in PACKAGES)
    ]
    lines += [f"{_sha256(p)}  {p.relative_to(HERE).as_posix()}" for p in _shipped_files()]
    SUMS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in _shipped_files())
    print(f"{len(lines) - 1} files, {size / 1e6:.1f} MB in {STATIC.relative_to(HERE.parent)}")


def check() -> list[str]:
    """Problems with the shipped files (empty when they match SHA256SUMS exactly)."""
    if not SUMS.exists():
        return [f"{SUMS} is missing: run update.py"]
    recorded = {}
    for line in SUMS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            digest, _, name = line.partition("  ")
            recorded[name] = digest
    problems = []
    shipped = {p.relative_to(HERE).as_posix(): p for p in _shipped_files()}
    for name in sorted(recorded.keys() - shipped.keys()):
        problems.append(f"{name}: listed in SHA256SUMS but missing")
    for name in sorted(shipped.keys() - recorded.keys()):
        problems.append(f"{name}: not listed in SHA256SUMS (run update.py)")
    for name in sorted(recorded.keys() & shipped.keys()):
        if _sha256(shipped[name]) != recorded[name]:
            problems.append(f"{name}: changed since update.py wrote SHA256SUMS")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, offline, and change nothing")
    if parser.parse_args().check:
        problems = check()
        print("\n".join(problems) or f"{len(_shipped_files())} shipped files match SHA256SUMS")
        sys.exit(1 if problems else 0)
    update()


if __name__ == "__main__":
    main()
