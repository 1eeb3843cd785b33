"""Network, crawl walk, HTML parsing, the command line and the local replica site.

The replica (`scraper.replica`) imports nothing of ours but `schemas`, and only `scraper/cli/*_cmd.py` import it
(tests/scraper/test_replica_seal.py keeps it so): nothing the crawler runs leans on it.
"""

__version__ = "0.1.0"
