"""What the vendoring tools share: npm, the files of a package's tarball, and the offline check
that a folder holds exactly what its MANIFEST.json lists (tools/vendor_graphiql.py,
tools/vendor_frontend.py). The standard library only."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterable
from pathlib import Path

MANIFEST = "MANIFEST.json"


def npm(*args: str, cwd: Path) -> str:
    """npm's output; exits with npm's error when it fails or is not installed."""
    found = shutil.which("npm")
    if found is None:
        sys.exit("npm is not on PATH (install Node.js 20 or later)")
    result = subprocess.run([found, *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"npm {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def package_files(tarball: bytes, spec: str) -> dict[str, bytes]:
    """The regular files of an npm tarball, by their path inside the package."""
    files = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and name != member.name:
                extracted = tar.extractfile(member)
                assert extracted is not None
                files[name] = extracted.read()
            elif not member.isdir():
                print(f"note: {spec}: skipping {member.name} (not a regular file under package/)", file=sys.stderr)
    return files


def check_folder(target: Path, root: Path, pinned: Iterable[tuple[str, str]]) -> int:
    """Whether ``target`` holds exactly the files its MANIFEST.json lists, with their sha256, for
    the ``pinned`` (package, version) pairs; prints each problem. 0 when it does, else 1."""
    manifest = json.loads((target / MANIFEST).read_text())
    problems = []
    listed = {MANIFEST}
    for entry in manifest["files"]:
        listed.add(entry["file"])
        path = target / entry["file"]
        if not path.is_file():
            problems.append(f"missing: {entry['file']}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"changed: {entry['file']}")
    pins = set(pinned)
    shipped = {(p["package"], p["version"]) for p in manifest["packages"]}
    if pins != shipped:
        problems.append(f"PINS {sorted(pins)} differ from MANIFEST.json {sorted(shipped)}: rerun without --check")
    for path in target.rglob("*"):
        if path.is_file() and path.relative_to(target).as_posix() not in listed:
            problems.append(f"not listed: {path.relative_to(target).as_posix()}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{target.relative_to(root)}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def command_line(doc: str, vendor: Callable[[], None], check: Callable[[], int]) -> int:
    """A vendoring tool's command line: vendor, then check; with --check, only check (offline)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the folder against MANIFEST.json (offline)")
    if not parser.parse_args().check:
        vendor()
    return check()
