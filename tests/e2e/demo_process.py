"""`destgraph serve --demo` as its own process on free loopback ports, as a user starts it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import answers, free_port, free_port_base, stop


@dataclass(frozen=True)
class Demo:
    url: str
    #: what the command printed before it answered (GraphiQL's URL, the key, a curl command)
    banner: str
    #: the example frontend's URL (its own port, so another origin than the gateway's)
    frontend_url: str = ""
    #: the emulators listen on port_base + 1 (Segment) .. + 4 (Nimriz)
    port_base: int = 0
    #: where what it printed (its JSON log lines too) goes
    log: Path | None = None


@contextlib.contextmanager
def serve_demo(demo_key: str, *, log: Path | None = None, log_level: str = "warning") -> Iterator[Demo]:
    """The demo, answering /healthz; stopped (and killed if it must be) afterwards. What it prints
    goes to ``log`` (a temporary file when none is given)."""
    port, base = free_port(), free_port_base()
    frontend = free_port()
    while frontend == port or base <= frontend <= base + 4:
        frontend = free_port()
    command = ["serve", "--demo", "--port", str(port), "--port-base", str(base), "--log-level", log_level]
    command += ["--frontend-port", str(frontend)]
    with contextlib.ExitStack() as stack:
        if log is None:
            log = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="destgraph-demo-"))) / "serve.log"
        with log.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "destgraph", *command],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1", "DESTGRAPH_DEMO_KEY": demo_key},
            )
        stack.callback(stop, process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while not answers(url + "/healthz"):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("serve --demo did not answer: " + log.read_text(errors="replace"))
            time.sleep(0.1)
        printed = log.read_text(errors="replace")
        banner = printed[: printed.index("\n", printed.index("curl")) + 1] if "curl" in printed else printed
        yield Demo(url=url, banner=banner, frontend_url=f"http://127.0.0.1:{frontend}", port_base=base, log=log)
