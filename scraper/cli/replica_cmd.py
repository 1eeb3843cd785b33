"""`vahti replica`: serve the bundled Kausal Watch replica on 127.0.0.1 until interrupted."""

from __future__ import annotations

import signal
import sys
import time

import typer

from schemas.errors import UsageError
from scraper.cli.app import app


@app.command("replica")
def replica_command(
    era: str = typer.Option("v3", "--era", help="Front-end era: v1early, v1, v2 or v3."),
    plan: str = typer.Option("helsinki", "--plan", help="Bundled plan: helsinki (150 actions), tampere, espoo."),
    lang: str = typer.Option("fi", "--lang", help="Language of the start URL and the truth: fi, sv or en."),
    prefix: str = typer.Option("/actions", "--prefix", help="Action path prefix: /actions or /action."),
    day: int = typer.Option(0, "--day", help="Simulated day to start on (0 = the plan as generated)."),
    faults: str = typer.Option("", "--faults", help="Fault spec, e.g. '/actions/112=500x2;halfway=40'."),
    redesign: bool = typer.Option(False, "--redesign", help="Renamed headings and no embedded data."),
    test_banner: bool = typer.Option(False, "--test-banner", help="Show the 'TESTI' test-instance banner."),
    hide_pager: bool = typer.Option(False, "--hide-pager", help="V3 theme without prev/next links."),
    stories: bool = typer.Option(
        False, "--stories", help="Scripted stories on known days: a silent edit (day 2), a date-only bump (day 3)."
    ),
    translation_lag: bool = typer.Option(
        False, "--translation-lag",
        help="English pages that show a Finnish edit late: after 12 days (day 10), 29 days (day 11), never (day 12).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the generated plan and its days."),
    variation_seed: int | None = typer.Option(
        None, "--variation-seed", help="Vary the markup (wrappers, class hashes, layout); default: plain markup."
    ),
    crawl_delay: float | None = typer.Option(None, "--crawl-delay", help="Add 'Crawl-delay: N' to robots.txt."),
    port: int = typer.Option(8000, "--port", help="Port on 127.0.0.1 (0 = any free port)."),
    api_port: int | None = typer.Option(
        None, "--api-port", help="Also serve the plan's GraphQL API on this port of 127.0.0.1 (0 = any free port)."
    ),
    archive_port: int | None = typer.Option(
        None, "--archive-port",
        help="Also serve a Wayback-like web archive of the plan's years 2019-2025 on this port (0 = any free port).",
    ),
) -> None:
    """Serve the replica on 127.0.0.1, printing the start URL; Ctrl-C stops it."""
    from scraper.replica import ReplicaConfig, ReplicaServer
    from scraper.replica.faults import FaultSet, FaultSpecError

    cfg = ReplicaConfig(era=era, plan=plan, lang=lang, prefix=prefix, day=day, seed=seed, test_banner=test_banner,
                        redesign=redesign, faults=faults, variation_seed=variation_seed, hide_pager=hide_pager,
                        stories=stories, translation_lag=translation_lag, crawl_delay=crawl_delay, port=port,
                        api_port=api_port, archive_port=archive_port)
    try:
        cfg.validate()
        FaultSet(faults)
    except (ValueError, FaultSpecError) as exc:
        raise UsageError(str(exc)) from None
    try:
        srv = ReplicaServer(cfg).start()
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    typer.echo(srv.start_url)
    sys.stdout.flush()
    if srv.api is not None:
        typer.echo(f"GraphQL API at {srv.api_url} (vahti verify --api-url {srv.api_url})", err=True)
    if archive_port is not None:
        typer.echo(f"web archive at {srv.archive_url}, {len(srv.archive.captures())} captures 2019-2025 "
                   f"(vahti backfill {srv.start_url} --archive-url {srv.archive_url})", err=True)
    typer.echo(f"era {era}, plan {plan}, day {day}, {len(srv.chain())} actions; control API at "
               f"{srv.base_url}/__replica__/ (see docs/replica.md); Ctrl-C to stop", err=True)
    # Ctrl-C (and a plain `kill`) always stop it: a replica started in the background of a script, or by a test
    # runner that ignores SIGINT, inherits SIGINT ignored and would otherwise never stop on it
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
        typer.echo("stopped", err=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
