"""Errors a user can act on. Each carries a one-line message written for a trader, not a developer."""

from __future__ import annotations


class RedactorError(Exception):
    """A failure with a clear, one-line reason. The CLI prints it and exits with code 1."""

    exit_code = 1


class DataDirNotFound(RedactorError):
    pass


class UnsafeOutput(RedactorError):
    """Refused to write something that could leak personal data."""


class TesseractMissing(RedactorError):
    pass


class BadInput(RedactorError):
    """A file we cannot read or will not process (corrupt, too large, wrong type)."""


class OutputError(RedactorError):
    """Writing the result failed (disk full, permission, ...); nothing partial was left behind."""
