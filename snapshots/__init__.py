"""The DuckDB archive: runs, raw pages, observations, versions; history, diff, export and reports.

Never touches the network; depends on `schemas` and duckdb only.
"""
