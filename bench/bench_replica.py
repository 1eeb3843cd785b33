"""Replica start time and pages/s, against a trivial static http.server measured side by side.

Run: .venv/bin/python bench/bench_replica.py [--era v3] [--pages 150]
The baseline serves one fixed file of the same size as an average action page with the standard library's
SimpleHTTPRequestHandler (HTTP/1.1, TCP_NODELAY), so the ratios say what the replica's rendering costs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.replica import ReplicaConfig, ReplicaServer


class _StaticHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def _baseline_start(directory: str) -> tuple[ThreadingHTTPServer, float]:
    t0 = time.perf_counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_StaticHandler, directory=directory))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpx.get(f"http://127.0.0.1:{httpd.server_address[1]}/page.html")
    return httpd, time.perf_counter() - t0


def _pages_per_second(urls: list[str]) -> float:
    with httpx.Client() as client:
        t0 = time.perf_counter()
        for url in urls:
            client.get(url).raise_for_status()
        return len(urls) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--era", default="v3")
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    starts, cold, warm, base_starts, base_rates = [], [], [], [], []
    size = 0
    for n in range(args.rounds):
        t0 = time.perf_counter()
        srv = ReplicaServer(ReplicaConfig(era=args.era, variation_seed=n)).start()
        httpx.get(srv.start_url)
        starts.append(time.perf_counter() - t0)
        urls = [srv.action_url(i) for i in srv.chain()][: args.pages]
        cold.append(_pages_per_second(urls))
        warm.append(_pages_per_second(urls))
        size = len(httpx.get(urls[0]).content)
        srv.stop()
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "page.html").write_bytes(b"x" * size)
            httpd, took = _baseline_start(tmp)
            base_starts.append(took)
            base_rates.append(_pages_per_second([f"http://127.0.0.1:{httpd.server_address[1]}/page.html"]
                                                * len(urls)))
            httpd.shutdown()
            httpd.server_close()

    med = statistics.median
    print(f"era {args.era}, {args.pages} action pages of ~{size // 1024} KB, {args.rounds} rounds (medians)")
    print(f"replica start to first list page  {med(starts) * 1000:8.1f} ms")
    print(f"baseline start to first response  {med(base_starts) * 1000:8.1f} ms")
    print(f"replica pages/s, first fetch       {med(cold):8.0f}  (rendered or prewarmed this day)")
    print(f"replica pages/s, repeat fetch      {med(warm):8.0f}  (render cache)")
    print(f"baseline static file pages/s       {med(base_rates):8.0f}")
    print(f"ratio start replica/baseline       {med(starts) / med(base_starts):8.2f}")
    print(f"ratio pages/s first fetch/baseline {med(cold) / med(base_rates):8.2f}")
    print(f"ratio pages/s repeat/baseline      {med(warm) / med(base_rates):8.2f}")


if __name__ == "__main__":
    main()
