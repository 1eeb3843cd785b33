"""The replica in a process of its own, so that a crawler under test never shares its interpreter (or its GIL)
with the server, and two crawlers can be timed against the very same server process.

    with ReplicaProcess("v3") as rp: rp.start_url, rp.chain
"""

from __future__ import annotations

import json
import subprocess
import sys
from types import TracebackType

import httpx

_CHILD = r"""
import json, sys
from scraper.replica import ReplicaConfig, ReplicaServer
srv = ReplicaServer(ReplicaConfig(era=sys.argv[1], plan=sys.argv[2], seed=int(sys.argv[3]), variation_seed=None)).start()
print(json.dumps({"start_url": srv.start_url, "chain": [srv.action_url(i) for i in srv.chain()]}), flush=True)
sys.stdin.read()  # serve until the parent closes our stdin
srv.stop()
"""


class ReplicaProcess:
    def __init__(self, era: str, plan: str = "helsinki", seed: int = 0) -> None:
        self.era = era
        self.plan = plan
        self.seed = seed
        self.proc: subprocess.Popen[str] | None = None
        self.start_url = ""
        self.chain: list[str] = []

    def __enter__(self) -> ReplicaProcess:
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD, self.era, self.plan,
                                      str(self.seed)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        info = json.loads(self.proc.stdout.readline())
        self.start_url, self.chain = info["start_url"], info["chain"]
        return self

    def warm(self) -> None:
        """Fetch every page once, so that no timed crawl pays for the replica rendering a page the first time."""
        with httpx.Client(timeout=30) as client:
            for url in [self.start_url, *self.chain]:
                client.get(url)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
