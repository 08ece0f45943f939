"""Money as integer 分: conversion, rounding, formatting and 大写 (人民币叁拾万元整).

Every amount in kjdesk is an ``int`` number of 分. Rates and fact values are ``Decimal``;
a computed amount is rounded half-up to the 分 once, at the end (D13).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分
_EXACT = 10**26  # below, a Decimal of 28 digits holds any number of 分 and its 万元 exactly


def round_fen(value: Decimal) -> int:
    """Round a Decimal number of 分 half-up to an integer number of 分."""
    return int(value.quantize(_ONE, rounding=ROUND_HALF_UP))


_ONE = Decimal(1)


def yuan_to_fen(yuan: Decimal | int | str) -> int:
    return round_fen(Decimal(yuan) * FEN_PER_YUAN)


def wan_to_fen(wan: Decimal | int | str) -> int:
    return round_fen(Decimal(wan) * FEN_PER_WAN)


def fen_to_yuan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_YUAN


def fen_to_wan(fen: int) -> Decimal:
    return Decimal(fen) / FEN_PER_WAN


def format_yuan(fen: int, *, unit: bool = False) -> str:
    """``30000000`` → ``300,000.00`` (元, two decimals, thousands separators)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    text = f"{sign}{yuan:,}.{cents:02d}"
    return f"{text} 元" if unit else text


def format_wan(fen: int, *, unit: bool = False, places: int = 4) -> str:
    """``30000000`` → ``30.0000`` (万元 with 4 decimals, as sheets show it)."""
    value = fen_to_wan(fen).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:,.{places}f}"
    return f"{text} 万元" if unit else text


def format_wan_plain(fen: int) -> str:
    """``30000000`` → ``30``; ``305000`` → ``0.305`` (万元, exact, trailing zeros dropped, no unit)."""
    if -_EXACT < fen < _EXACT:  # the digits themselves (what the Decimal below gives, in a third of the time)
        whole, part = divmod(abs(fen), FEN_PER_WAN)
        sign = "-" if fen < 0 else ""
        return f"{sign}{whole}.{part:06d}".rstrip("0") if part else f"{sign}{whole}"
    text = format(fen_to_wan(fen).normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_wan_short(fen: int) -> str:
    """``30000000`` → ``30万元``; ``305000`` → ``0.305万元`` (trailing zeros dropped)."""
    return f"{format_wan_plain(fen)}万元"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿")  # up to 9999 亿元: more is refused


def _four_digits(n: int) -> str:
    """Write 0 < n < 10000 with 拾佰仟 and inner 零 (leading zeros not written)."""
    out: list[str] = []
    zero_pending = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def _integer_daxie(n: int) -> str:
    if n == 0:
        return "零"
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_BIG_UNITS):
        raise ValueError("金额超出可写大写的范围（不足一万亿元）")
    out: list[str] = []
    zero_pending = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            if out:
                zero_pending = True
            continue
        if out and (zero_pending or g < 1000):
            out.append("零")
        zero_pending = False
        out.append(_four_digits(g) + _BIG_UNITS[idx])
    return "".join(out)


def to_daxie(fen: int) -> str:
    """人民币大写 of an amount in 分, after the usual 财务 rules.

    ``30000000`` → ``人民币叁拾万元整``; ``50`` → ``人民币伍角``;
    ``10000000005`` → ``人民币壹亿元零伍分``.
    """
    if fen < 0:
        return "负" + to_daxie(-fen)
    yuan, rest = divmod(fen, FEN_PER_YUAN)
    jiao, fen_digit = divmod(rest, 10)
    parts: list[str] = []
    if yuan:
        parts.append(_integer_daxie(yuan) + "元")
    if jiao == 0 and fen_digit == 0:
        if not yuan:
            return "人民币零元整"
        return "人民币" + "".join(parts) + "整"
    # 支付结算办法: 元位为 0 而角位不为 0 时“零”可写可不写（此处不写）；角为 0 而分不为 0 时写“零”；
    # 到角为止时“整”可不写（此处不写）。与 cn2an.an2cn(x, "rmb") 一致。
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif yuan:
        parts.append("零")
    if fen_digit:
        parts.append(_DIGITS[fen_digit] + "分")
    return "人民币" + "".join(parts)


# The money units a roster or a form may state, and the ways officers write them: the one place.
MONEY_UNITS = ("万元", "元")
UNIT_SYNONYMS = {"万元": "万元", "万": "万元", "元": "元", "元人民币": "元"}
_AMOUNT_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万元|万|元)?$")


def normalise_unit(text: str) -> str | None:
    """``万`` → ``万元``, ``元人民币`` → ``元``; None for anything that is not a money unit."""
    return UNIT_SYNONYMS.get(text.replace(" ", "").replace("\u3000", ""))


def split_amount(text: str) -> tuple[Decimal, str | None] | None:
    """A number as written with its unit if it states one (``'1,234.5万'`` → (1234.5, 万元)); None if unreadable.

    Full-width digits and signs, thousands separators, spaces and a leading ¥ are allowed.
    """
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    cleaned = cleaned.removeprefix("¥")
    m = _AMOUNT_RE.match(cleaned)
    if not m:
        return None
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern already guards this
        return None
    return number, (UNIT_SYNONYMS[m.group(2)] if m.group(2) else None)


def amount_in_yuan(number: Decimal, unit: str) -> Decimal:
    """An amount written in ``unit`` (万元 or 元) as 元, exact."""
    return number * 10000 if unit == "万元" else number


class AmountError(ValueError):
    """An amount that cannot be read; the message is Chinese and names the reason."""


def parse_amount_fen(text: str | int | float | Decimal, default_unit: str = "元") -> int:
    """Read an amount as officers write it: ``30万元``, ``300,000.00``, ``３０``, ``12.5万``.

    ``default_unit`` is ``元`` or ``万元`` (from the column header) and applies when the
    cell carries no unit of its own.
    """
    if isinstance(text, bool):
        raise AmountError("不是金额")
    if isinstance(text, int):
        value, unit = Decimal(text), default_unit
    elif isinstance(text, float):
        value, unit = Decimal(repr(text)), default_unit
    elif isinstance(text, Decimal):
        value, unit = text, default_unit
    else:
        split = split_amount(str(text))
        if split is None:
            raise AmountError(f"无法识别的金额“{text}”")
        value, unit = split[0], split[1] or default_unit
    if normalise_unit(unit) == "万元":
        return wan_to_fen(value)
    return yuan_to_fen(value)
