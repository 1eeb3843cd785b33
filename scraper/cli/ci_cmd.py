"""`vahti ci`: the scheduled job (crawl every site, check, promote on success, publish digest and exports)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer

from schemas.errors import UsageError, VahtiError
from scraper.ci.dataset_release import DatasetRelease
from scraper.ci.github_release import REPO
from scraper.ci.job import CiOptions
from scraper.ci.run import CiResult, run_ci
from scraper.ci.side_by_side import DEFAULT_PARALLEL
from scraper.ci.sites import SitesFile, SiteSpec, load_sites
from scraper.cli.app import DbOption, app, db_path
from scraper.fetch import DEFAULT_USER_AGENT, FetchPolicy
from scraper.progress_sites import SilentBoard, SitesBoard, board_for_terminal
from scraper.urls import check_start_url
from snapshots.alarms import Thresholds
from snapshots.dataset import release_files
from snapshots.promote import Backend, InPlaceBackend, LocalDirBackend

BACKENDS = ("none", "local", "github-release")


def _backend(kind: str, db: Path, backend_dir: Path | None, repo: str | None, tag: str) -> Backend:
    if kind == "none":
        return InPlaceBackend(db)
    if kind == "local":
        if backend_dir is None:
            raise UsageError("--backend local needs --backend-dir DIR (where the promoted archive lives)")
        return LocalDirBackend(backend_dir)
    if kind == "github-release":
        from scraper.ci.github_release import REPO, GitHubReleaseBackend

        repo = repo or os.environ.get("GITHUB_REPOSITORY")
        if not repo:
            raise UsageError("--backend github-release needs --repo OWNER/NAME (or $GITHUB_REPOSITORY)")
        if not REPO.fullmatch(repo):
            raise UsageError(f"bad repository {repo!r}: expected OWNER/NAME")
        return GitHubReleaseBackend(repo, tag)
    raise UsageError(f"unknown backend {kind!r}; expected one of {', '.join(BACKENDS)}")


def _thresholds(base: Thresholds, **given: float | None) -> Thresholds:
    chosen: dict[str, Any] = {k: (int(v) if k == "new_extra_labels" else v) for k, v in given.items() if v is not None}
    return replace(base, **chosen)


@app.command("ci")
def ci_command(
    sites: Path = typer.Option(Path("sites.toml"), "--sites", help="The sites file: one [[site]] per plan."),
    start_url: str | None = typer.Option(
        None, "--start-url", help="Crawl this one plan instead of the sites file (keeps its [thresholds])."
    ),
    db: Path | None = DbOption,
    publish_dir: Path = typer.Option(Path("publish"), "--publish-dir", help="Where digest.md and exports/ go."),
    changes_dir: Path = typer.Option(
        Path("changes"), "--changes-dir", help="Where YYYY-MM-DD.md is written on a day with changes."
    ),
    backend: str = typer.Option("none", "--backend", help="Where the archive lives: none | local | github-release."),
    backend_dir: Path | None = typer.Option(None, "--backend-dir", help="Directory of the local backend."),
    repo: str | None = typer.Option(None, "--repo", help="OWNER/NAME for github-release (default $GITHUB_REPOSITORY)."),
    release_tag: str = typer.Option("archive", "--release-tag", help="Release holding the archive asset."),
    dataset_release: str | None = typer.Option(
        None, "--dataset-release", help="Publish the dataset as assets of this release of --repo (e.g. dataset)."
    ),
    delay: float | None = typer.Option(None, "--delay", min=0.0, help="Seconds between requests (overrides the file)."),
    user_agent: str | None = typer.Option(None, "--user-agent", help="User-Agent header (overrides the file)."),
    fill_drop: float | None = typer.Option(None, "--fill-drop", min=0.0, help="Alarm when a field's fill rate falls by more points (default 20)."),
    warnings_jump: float | None = typer.Option(None, "--warnings-jump", min=0.0, help="Alarm when warnings per page rise by more (default 0.5)."),
    new_labels: int | None = typer.Option(None, "--new-labels", min=0, help="Alarm on more new extra_sections labels (default 2)."),
    chain_drop: float | None = typer.Option(None, "--chain-drop", min=0.0, help="Alarm when the chain shrinks by more percent (default 10)."),
    accept_alarms: bool = typer.Option(False, "--accept-alarms", help="Keep a complete run even if alarms fire (after a human checked)."),
    compact_at: float = typer.Option(25.0, "--compact-at", min=0.0, max=100.0, help="Compact the archive when free space passes this percent of the file (default 25; 100: never)."),
    date: str | None = typer.Option(None, "--date", help="Day the digest is named for, YYYY-MM-DD (default today, Helsinki)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress of the sites (table or status lines)."),
    parallel: int = typer.Option(DEFAULT_PARALLEL, "--parallel", min=1, help="How many sites (host:port) to crawl at once."),
) -> None:
    """The scheduled job: crawl each site into a staging copy, check it, promote on success, publish."""
    if start_url is not None:
        url = check_start_url(start_url)
        base = load_sites(sites) if sites.exists() else SitesFile([SiteSpec(url, url)])
        plan = SitesFile([SiteSpec(url, url)], base.thresholds, base.defaults)
    else:
        plan = load_sites(sites)
    specs = plan.resolved()
    for spec in specs:
        check_start_url(spec.start_url)
    if user_agent is not None and not user_agent.strip():
        raise UsageError("--user-agent must not be empty")
    day = None
    if date is not None:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"bad --date {date!r}: expected YYYY-MM-DD") from None
    specs = [replace(s, delay=delay if delay is not None else s.delay, user_agent=user_agent or s.user_agent)
             for s in specs]
    where = db_path(db)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    board: SitesBoard = SilentBoard() if quiet else board_for_terminal()
    options = CiOptions(
        db=where,
        publish_dir=publish_dir,
        backend=_backend(backend, where, backend_dir, repo, release_tag),
        changes_dir=changes_dir,
        thresholds=_thresholds(plan.thresholds, fill_drop_points=fill_drop, warnings_jump=warnings_jump,
                               new_extra_labels=new_labels, chain_drop_percent=chain_drop),
        policy=FetchPolicy(user_agent=DEFAULT_USER_AGENT, delay=1.0),
        accept_alarms=accept_alarms,
        compact_at=compact_at / 100 if compact_at < 100 else None,
        day=day,
        step_summary=Path(summary) if summary else None,
        say=board.print,
        board=lambda: board,
        parallel=parallel,
    )
    publisher = _dataset_publisher(dataset_release, repo)
    result = run_ci(specs, options)
    dataset_error = _publish_dataset(publisher, result, typer.echo)
    failed = [s for s in result.sites if not s.accepted and not s.tolerated]
    if failed or result.promote_error:
        typer.echo(f"vahti ci: {len(failed)} of {len(result.sites)} site(s) failed"
                   + (f"; {result.promote_error}" if result.promote_error else ""), err=True)
    if dataset_error:
        typer.echo(f"vahti ci: dataset not published: {dataset_error}", err=True)
    raise typer.Exit(result.exit_code or (1 if dataset_error else 0))


def _dataset_publisher(tag: str | None, repo: str | None) -> DatasetRelease | None:
    if tag is None:
        return None
    repo = repo or os.environ.get("GITHUB_REPOSITORY")
    if not repo or not REPO.fullmatch(repo):
        raise UsageError("--dataset-release needs --repo OWNER/NAME (or $GITHUB_REPOSITORY)")
    if not tag.strip():
        raise UsageError("--dataset-release needs a release tag, e.g. dataset")
    return DatasetRelease(repo, tag.strip())


def _publish_dataset(publisher: DatasetRelease | None, result: CiResult, say: Callable[[str], None]) -> str | None:
    """Upload the day's dataset only when the archive it was built from was promoted: the public files never
    run ahead of the archive they document. Yesterday's files stay when anything fails."""
    published = result.published.dataset if result.published else None
    if publisher is None or result.promote_error is not None or published is None:
        return None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            say(f"dataset published to {publisher.publish(release_files(published, Path(tmp)))}")
    except VahtiError as exc:
        return str(exc)
    return None
