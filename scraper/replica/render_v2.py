"""V2 action page (pages router 2020-08 … 2024-01, as of end 2021): placeholder until written."""

from __future__ import annotations

from scraper.replica import render_v1
from scraper.replica.page import PageCtx


def render_action(ctx: PageCtx) -> str:
    return render_v1.render_action(ctx)
