"""A payee's bank account: 开户银行 and 账号, optional on units and people.

The 拨付明细表 carries them in full (finance pays from it); every screen list shows the
账号 masked but for its last four digits.
"""

from __future__ import annotations

import re

from kjdesk.validation import FieldError, normalize_text


def check_bank_name(text: str) -> str:
    value = normalize_text(text)
    if len(value) > 100:
        raise FieldError(f"开户银行“{value[:20]}…”过长（不超过 100 个字）")
    return value


def check_bank_account(text: object) -> str:
    """Digits only (spaces and hyphens dropped), 6 to 32 of them; empty stays empty."""
    raw = normalize_text(str(text if text is not None else ""))
    value = re.sub(r"[\s\-－]", "", raw)
    if value.endswith(".0") and value[:-2].isdigit():  # a number cell read as a float
        value = value[:-2]
    if value and not re.fullmatch(r"\d{6,32}", value):
        raise FieldError(f"银行账号“{raw}”格式不正确：应为 6 至 32 位数字")
    return value


def mask_account(account: str | None) -> str:
    """6222 0000 1234 5678 → ************5678 (the last four digits only)."""
    if not account:
        return ""
    return "*" * max(0, len(account) - 4) + account[-4:]
