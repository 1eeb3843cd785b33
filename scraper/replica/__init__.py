"""A local Kausal Watch site for tests and the demo: three front-end eras, evolving days, injectable faults.

Nothing in the crawler or the parser may import this package; it is reached over HTTP only.
"""

from scraper.replica.archive_timeline import ArchivedCapture
from scraper.replica.config import ReplicaConfig
from scraper.replica.days import Change
from scraper.replica.server import LoggedRequest, ReplicaServer
from scraper.replica.wayback import WebArchive

__all__ = ["ArchivedCapture", "Change", "LoggedRequest", "ReplicaConfig", "ReplicaServer", "WebArchive"]
