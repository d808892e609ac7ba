"""One exception hierarchy for everything that stops a run, each with its exit code.

A gap in the paperwork is never an exception: it is a Finding. These are for the run
itself (bad arguments, a submission that is not there, a broken policy file), and they
are translated to an exit status once, at the CLI or flow boundary.
"""

from __future__ import annotations


class PrecheckError(Exception):
    """Base class; ``exit_code`` follows report-contract.md (2 = could not run)."""

    exit_code = 2


class UsageError(PrecheckError):
    """Bad command-line arguments."""


class SubmissionNotFound(PrecheckError):
    """The SUBMISSION path is missing, or is neither a folder nor a zip."""


class UnsafeArchive(PrecheckError):
    """A zip that cannot be unpacked safely as a whole (e.g. not a zip at all)."""


class PolicyError(PrecheckError):
    """The policy file is missing or invalid; the run stops rather than guess."""


class DataFileError(PrecheckError):
    """A bundled data file (labels, patterns, catalog) is invalid."""


class EngineError(PrecheckError):
    """An OCR engine is missing or failed in a way that is not about one page."""


class StoreError(PrecheckError):
    """The database cannot be reached or migrated."""
