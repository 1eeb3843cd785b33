"""The `vahti` command line, one `*_cmd.py` module per area.

It wires scraper, schemas and snapshots together, as do two others: the scheduled job (`scraper/ci/run.py`, with
`scraper/ci/sites.py` for `vahti crawl --sites`) and `vahti verify`'s runner (`scraper/verify/runner.py`). Nothing
else in `scraper/` opens the archive; the crawl hands it pages through `snapshots/interface.py`.
"""

from scraper.cli.app import app, main

__all__ = ["app", "main"]
