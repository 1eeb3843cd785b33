"""Errors a user or the world can cause; the CLI turns each into one line on stderr and its exit code."""

from __future__ import annotations


class VahtiError(Exception):
    """A failure that deserves a one-line message, not a traceback (exit code 1)."""

    exit_code = 1


class UsageError(VahtiError):
    """The user asked for something malformed: a bad URL, a bad WHEN, a missing file (exit code 2)."""

    exit_code = 2


class ArchiveBusy(VahtiError):
    """Another process holds the archive for writing."""


class ArchiveError(VahtiError):
    """The archive file is unusable: corrupt, read-only, or from a newer vahti."""
