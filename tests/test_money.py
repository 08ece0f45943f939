from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kjdesk.money import AmountError, format_wan, format_yuan, parse_amount_fen, round_fen, to_daxie


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "人民币零元整"),
        (1000, "人民币壹拾元整"),
        (30_000_000, "人民币叁拾万元整"),
        (10_000_000, "人民币壹拾万元整"),
        (100_000_100, "人民币壹佰万零壹元整"),
        (10_000_000_005, "人民币壹亿元零伍分"),
        (50, "人民币伍角"),
        (5, "人民币伍分"),
        (1_000_001_00, "人民币壹佰万零壹元整"),
        (300_000_000_000, "人民币叁拾亿元整"),
        (1_010_000_000, "人民币壹仟零壹拾万元整"),
        (99_999_999_999_999, "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_daxie_edge_cases(fen, text):
    assert to_daxie(fen) == text


def test_daxie_refuses_ten_thousand_yi():
    with pytest.raises(ValueError, match="超出"):
        to_daxie(1_000_000_000_000 * 100)


def _needs_optional_zero(fen: int) -> bool:
    """Amounts where 支付结算办法 allows 零 or not after a whole zero group (cn2an omits it)."""
    digits = str(fen // 100)
    groups = [digits[max(0, i - 4) : i] for i in range(len(digits), 0, -4)]
    return any(g == "0000" for g in groups[:-1])


@given(st.integers(min_value=0, max_value=99_999_999_999_999))
def test_daxie_agrees_with_cn2an(fen):
    if _needs_optional_zero(fen):
        return
    ref = cn2an.an2cn(str(Decimal(fen) / 100), "rmb")
    assert to_daxie(fen) == (ref if ref.startswith("人民币") else "人民币" + ref)


def test_formatting():
    assert format_yuan(30_000_000) == "300,000.00"
    assert format_yuan(30_000_000, unit=True) == "300,000.00 元"
    assert format_wan(30_000_000) == "30.0000"
    assert format_wan(1_234_567) == "1.2346"


def test_round_half_up_once():
    assert round_fen(Decimal("0.5")) == 1
    assert round_fen(Decimal("2.5")) == 3
    assert round_fen(Decimal("2.4999")) == 2


@pytest.mark.parametrize(
    ("text", "unit", "fen"),
    [
        ("30万元", "元", 30_000_000),
        ("300,000.00", "元", 30_000_000),
        ("３０", "万元", 30_000_000),
        ("12.5万", "元", 12_500_000),
        ("1,234.56元", "万元", 123_456),
        (12.34, "元", 1234),
        (7, "万元", 7_000_000),
    ],
)
def test_parse_amount(text, unit, fen):
    assert parse_amount_fen(text, unit) == fen


def test_parse_amount_rejects_words():
    with pytest.raises(AmountError, match="无法识别"):
        parse_amount_fen("三十万")


def test_one_amount_reader_for_forms_and_rosters():
    """money.parse_amount_fen (forms) and io.cells.parse_decimal (rosters) read the same writing alike."""
    from kjdesk.io.cells import parse_decimal
    from kjdesk.money import amount_in_yuan, normalise_unit, parse_amount_fen, yuan_to_fen

    for written, fen in [
        ("30万元", 30_000_000),
        ("30万", 30_000_000),
        ("３０万", 30_000_000),
        ("300,000.00", 30_000_000),
        ("￥1,234.56", 123_456),
        ("12.5万", 12_500_000),
        ("－5", -500),
        ("1\u30002", 1_200),
    ]:
        assert parse_amount_fen(written) == fen, written
        number, unit = parse_decimal(written)
        assert yuan_to_fen(amount_in_yuan(number, unit)) == fen, written
    assert (
        normalise_unit("万") == "万元"
        and normalise_unit("元人民币") == "元"
        and normalise_unit("美元") is None
    )


def test_wan_writers_agree():
    from kjdesk.money import fen_to_wan, format_wan, format_wan_plain, format_wan_short

    for fen in (0, 1, 305_000, 30_000_000, 123_456_789, -4_200):
        assert format_wan_short(fen) == f"{format_wan_plain(fen)}万元"
        assert format_wan(fen, places=6).replace(",", "") == f"{fen_to_wan(fen):.6f}"


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_plain_wan_is_the_exact_decimal(fen):
    """``format_wan_plain`` writes the digits by integer arithmetic: the same text as the exact
    Decimal (normalised, trailing zeros dropped), on both sides of the bound where it switches."""
    from kjdesk.money import FEN_PER_WAN, format_wan_plain

    expected = format((Decimal(fen) / FEN_PER_WAN).normalize(), "f")
    if "." in expected:
        expected = expected.rstrip("0").rstrip(".")
    assert format_wan_plain(fen) == expected


@pytest.mark.parametrize(
    "fen", [0, 1, -1, 999_999, 1_000_000, -1_000_001, 305_000, 10**26 - 1, -(10**26), 10**26]
)
def test_plain_wan_edges(fen):
    from kjdesk.money import FEN_PER_WAN, format_wan_plain

    expected = format((Decimal(fen) / FEN_PER_WAN).normalize(), "f")
    assert format_wan_plain(fen) == (expected.rstrip("0").rstrip(".") if "." in expected else expected)
    assert format_wan_plain(305_000) == "0.305" and format_wan_plain(-30_000_000) == "-30"
