#!/usr/bin/env python3
"""Re-create examples/frontend/vendor/ (the example page's one library) from the npm registry.

    python3 tools/vendor_frontend.py           # npm pack the pinned version, replace the folder
    python3 tools/vendor_frontend.py --check   # offline: the folder holds exactly what MANIFEST.json lists

The example page (examples/frontend/) loads nothing from another origin: its only library, meros
(which reads a multipart/mixed answer part by part, as it arrives), ships beside it, as an ES
module with its license. MANIFEST.json lists the file with its package, version, license, sha256
and the tarball's registry integrity. Every byte comes from the tarball ``npm pack`` fetches from
the registry, which checks it against the registry's sha512.

Needs node's ``npm`` on PATH and the npm registry for a re-creation; the standard library only.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from _vendoring import MANIFEST, check_folder, command_line, npm, package_files

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "examples" / "frontend" / "vendor"
#: package, version, and the files the page loads from it (as laid out in the package)
PINS = (("meros", "1.3.2", ("browser/index.mjs", "license")),)


def vendor() -> None:
    with tempfile.TemporaryDirectory(prefix="vendor-frontend-") as tmp_name:
        tmp = Path(tmp_name)
        staging = tmp / "vendor"
        staging.mkdir()
        files: list[dict[str, object]] = []
        packages: list[dict[str, object]] = []
        for package, version, paths in PINS:
            spec = f"{package}@{version}"
            packed = json.loads(npm("pack", spec, "--json", "--pack-destination", str(tmp), cwd=tmp))[0]
            if (packed["name"], packed["version"]) != (package, version):
                sys.exit(f"npm pack {spec} gave {packed['name']}@{packed['version']}")
            contents = package_files((tmp / packed["filename"]).read_bytes(), spec)
            license_name = json.loads(contents["package.json"]).get("license")
            packages.append(
                {"package": package, "version": version, "license": license_name, "integrity": packed["integrity"]}
            )
            folder = staging / f"{package}-{version}"
            folder.mkdir()
            for path in paths:
                if path not in contents:
                    sys.exit(f"{spec} has no {path}")
                name = Path(path).name
                (folder / name).write_bytes(contents[path])
                files.append(
                    {
                        "file": f"{package}-{version}/{name}",
                        "package": package,
                        "version": version,
                        "path": path,
                        "license": license_name,
                        "bytes": len(contents[path]),
                        "sha256": hashlib.sha256(contents[path]).hexdigest(),
                    }
                )
        manifest = {
            "about": "The example page's libraries, loaded from this folder (no CDN)",
            "generated_by": "tools/vendor_frontend.py (npm pack from the npm registry)",
            "packages": packages,
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(staging, TARGET)
    for entry in files:
        print(f"{entry['bytes']:>9}  {entry['file']}")


def check() -> int:
    """Whether TARGET holds exactly the files MANIFEST.json lists, with their sha256, and the pins."""
    return check_folder(TARGET, ROOT, ((package, version) for package, version, _ in PINS))


def main() -> int:
    return command_line(__doc__ or "", vendor, check)


if __name__ == "__main__":
    sys.exit(main())
