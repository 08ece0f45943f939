"""The errors a service reports to the officer, in Chinese."""

from __future__ import annotations


class ServiceError(Exception):
    """A user error a service reports in Chinese (bad argument, refused action)."""


class ValidationFailed(ServiceError):
    """Field-by-field problems: ``errors`` maps a field name to its Chinese reason."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        # the reasons name their field in Chinese already; the code names stay out of the message
        super().__init__("；".join(errors.values()))
