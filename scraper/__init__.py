"""Network, crawl walk, HTML parsing, the command line and the local replica site."""

__version__ = "0.1.0"
