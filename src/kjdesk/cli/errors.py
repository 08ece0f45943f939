"""The command line's user error: printed in Chinese, exit code 1 (no traceback)."""

from __future__ import annotations


class UserError(Exception):
    """Raised by a command for a user error; printed in Chinese, exit code 1."""
