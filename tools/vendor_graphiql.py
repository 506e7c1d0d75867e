#!/usr/bin/env python3
"""Re-create src/destgraph/schema/static/graphiql/ (GraphiQL's scripts and styles) from the npm registry.

    python3 tools/vendor_graphiql.py           # npm pack the pinned versions, replace the folder
    python3 tools/vendor_graphiql.py --check   # offline: the folder holds exactly what MANIFEST.json lists

destgraph serves these files itself (at /graphiql/assets/<package>@<version>/<path>, the layout of
unpkg.com and jsDelivr), so GraphiQL works on a machine without network. Only the files the page
loads are kept, each with its package's license; MANIFEST.json lists each file with its package,
version, license, sha256 and the SRI hash the page puts in its ``integrity`` attribute.

Nothing here comes from a CDN: every file is read from the tarball ``npm pack`` fetches from the
registry (which checks the tarball against the registry's sha512), so a rerun with the same PINS
writes the same bytes.

To update: change PINS (the versions must work together as browser globals, without a bundler:
GraphiQL 3.x's UMD bundle, the explorer plugin built for the same @graphiql/react, React 18's
UMD builds; GraphiQL 4 and later ship no UMD bundle), run this script, run the unit tests and the
browser test (tests/e2e/test_graphiql_offline.py), and commit the folder. The page itself is
Strawberry's; ``graphiql_page`` points each of its unpkg URLs at the shipped file of the same
package and path, whatever version Strawberry names (tests/unit/test_graphiql_page.py fails when
Strawberry's page needs a file that is not shipped).

Needs node's ``npm`` on PATH and the npm registry; the standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _vendoring import MANIFEST, check_folder, command_line, npm, package_files

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "destgraph" / "schema" / "static" / "graphiql"
LICENSE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license", "license.md")


@dataclass(frozen=True)
class Pin:
    package: str
    version: str
    #: the files the page loads, as laid out in the package (and on unpkg.com)
    files: tuple[str, ...]
    #: for a package whose tarball ships no license file: the pinned package (same repository,
    #: same copyright holders) whose license file is copied beside it
    license_from: str | None = None

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def folder(self) -> str:
        """Its folder under TARGET: npm pack's file name without .tgz (no "dist" directories, which
        the repository's .gitignore, and so hatch's build, would leave out)."""
        return f"{self.package.lstrip('@').replace('/', '-')}-{self.version}"


PINS = (
    Pin("react", "18.2.0", ("umd/react.production.min.js",)),
    Pin("react-dom", "18.2.0", ("umd/react-dom.production.min.js",)),
    # Strawberry's page reads a CSRF cookie with it (``Cookies.get``)
    Pin("js-cookie", "3.0.5", ("dist/js.cookie.min.js",)),
    # 3.9.0: the last GraphiQL with a UMD bundle, and the first 3.x whose graphiql.min.js is
    # minified (978 kB; 3.8.3's, which Strawberry names, is a 3.5 MB development build)
    Pin("graphiql", "3.9.0", ("graphiql.min.js", "graphiql.min.css")),
    # 3.2.6: built for @graphiql/react 0.29, the one graphiql 3.9.0 bundles and exposes as GraphiQL.React
    Pin("@graphiql/plugin-explorer", "3.2.6", ("dist/index.umd.js", "dist/style.css"), license_from="graphiql"),
)

KINDS = {".js": "script", ".css": "style"}


def _digests(data: bytes) -> dict[str, object]:
    return {
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "integrity": "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode(),
    }


def _entry(pin: Pin, path: str, content: bytes, kind: str, license_name: str) -> dict[str, object]:
    entry: dict[str, object] = {
        "file": f"{pin.folder}/{Path(path).name}",
        "url_path": f"{pin.spec}/{path}",
        "package": pin.package,
        "version": pin.version,
        "path": path,
        "kind": kind,
        "license": license_name,
    }
    return entry | _digests(content)


def vendor() -> None:
    with tempfile.TemporaryDirectory(prefix="vendor-graphiql-") as tmp_name:
        tmp = Path(tmp_name)
        staging = tmp / "graphiql"
        staging.mkdir()
        contents: dict[str, dict[str, bytes]] = {}
        packages: list[dict[str, object]] = []
        files: list[dict[str, object]] = []
        for pin in PINS:
            packed = json.loads(npm("pack", pin.spec, "--json", "--pack-destination", str(tmp), cwd=tmp))[0]
            if (packed["name"], packed["version"]) != (pin.package, pin.version):
                sys.exit(f"npm pack {pin.spec} gave {packed['name']}@{packed['version']}")
            view = json.loads(npm("view", pin.spec, "dist.tarball", "dist.integrity", "--json", cwd=tmp))
            if view["dist.integrity"] != packed["integrity"]:
                sys.exit(f"{pin.spec}: the tarball's integrity is not the registry's")
            package = contents[pin.package] = package_files((tmp / packed["filename"]).read_bytes(), pin.spec)
            license_name = json.loads(package.get("package.json", b"{}")).get("license")
            if not isinstance(license_name, str):
                sys.exit(f"{pin.spec}: package.json names no license")
            packages.append(
                {
                    "package": pin.package,
                    "version": pin.version,
                    "license": license_name,
                    "tarball": view["dist.tarball"],
                    "tarball_integrity": packed["integrity"],
                }
            )
            chosen: list[tuple[str, bytes, str, str | None]] = []
            for path in pin.files:
                if path not in package:
                    sys.exit(f"{pin.spec} has no {path}")
                chosen.append((path, package[path], KINDS[Path(path).suffix], None))
            license_file = next((name for name in LICENSE_NAMES if name in package), None)
            if license_file is not None:
                chosen.append((license_file, package[license_file], "license", None))
            elif pin.license_from is not None:
                source = next(p for p in PINS if p.package == pin.license_from)
                text = contents[source.package].get("LICENSE")
                if text is None:
                    sys.exit(f"{source.spec} has no LICENSE to copy for {pin.spec}")
                note = f"{pin.spec} ships no license file; copied from {source.spec} (same repository)"
                chosen.append(("LICENSE", text, "license", note))
            else:
                sys.exit(f"{pin.spec} ships no license file; set license_from")
            (staging / pin.folder).mkdir(parents=True)
            for path, content, kind, note in chosen:
                (staging / pin.folder / Path(path).name).write_bytes(content)
                entry = _entry(pin, path, content, kind, license_name)
                if note:
                    entry["note"] = note
                files.append(entry)
        manifest = {
            "about": "GraphiQL's scripts and styles, served by destgraph at /graphiql/assets/<url_path>",
            "generated_by": "tools/vendor_graphiql.py (npm pack from the npm registry)",
            "packages": packages,
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, TARGET)
    for entry in files:
        print(f"{entry['bytes']:>9}  {entry['url_path']}")
    total = sum(path.stat().st_size for path in TARGET.rglob("*") if path.is_file() and path.name != MANIFEST)
    print(f"{total:>9}  in {TARGET.relative_to(ROOT)} ({len(files)} files and {MANIFEST})")
    _warn_about_strawberry()


def check() -> int:
    """Whether TARGET holds exactly the files MANIFEST.json lists, with their sha256."""
    return check_folder(TARGET, ROOT, ((p.package, p.version) for p in PINS))


def _warn_about_strawberry() -> None:
    """Say which files Strawberry's page loads that are not shipped (when Strawberry is importable)."""
    try:
        import strawberry
    except ImportError:
        return
    page = (Path(strawberry.__file__).parent / "static" / "graphiql.html").read_text()
    pinned = {(pin.package, path) for pin in PINS for path in pin.files}
    for package, path in re.findall(r"https://unpkg\.com/((?:@[^/@\"]+/)?[^/@\"]+)@[^/\"]+/([^\"]+)", page):
        if (package, path) not in pinned:
            print(f"warning: Strawberry's GraphiQL page loads {package}/{path}, which is not shipped", file=sys.stderr)


def main() -> int:
    return command_line(__doc__ or "", vendor, check)


if __name__ == "__main__":
    sys.exit(main())
