"""Chinese line breaking for the letters: break between any two Chinese characters, keep
closing punctuation off the start of a line and opening punctuation off its end (禁则),
never split a run of Latin letters and digits (``300,000.00``), and justify full lines.

Pure functions of text and a width measure, so the rules are tested without a PDF.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

# 行首禁则: may not begin a line. 行尾禁则: may not end one.
NO_START = set("，。、；：？！）》」』〕】〉”’％‰·,.;:?!)]}%…")
NO_END = set("（《「『〔【〈“‘([{")
# A run of these characters is one unbreakable word (amounts, years, Latin names).
WORD_CHARS = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,%-/+_&'#@")

# A unit written after a number that stays with it (no break between 1 and 日, 300.00 and 元).
GLUED_UNITS = set("年月日号元个项家倍名次%")
UNIT_WORDS = ("万元", "亿元", "元", "个月", "年度")
# A 文号 is one word: 包党发〔2021〕24号, 国科火字〔2025〕12号 never break.
DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号")
DOC_PREFIX_STOP = set("为于的和及与第据照按依号文在是由经将对、")  # words before a 文号, not of it

Measure = Callable[[str], float]


class AdditiveMeasure(Protocol):
    """A measure whose width of a non-empty text is ``scale × units(text) + space × (len − 1)``
    where ``units`` adds up exactly over any split of the text into pieces (not only nearly):
    ``_total_fit`` then adds the pieces up instead of measuring every candidate line afresh."""

    scale: float
    space: float

    def __call__(self, text: str) -> float: ...

    def units(self, text: str) -> float: ...


@dataclass(frozen=True)
class BrokenLine:
    text: str
    width: float  # natural width, as ``measure`` gives it
    last: bool  # the last line of its paragraph (set ragged, not justified)


def tokenize(text: str) -> list[str]:
    """Split into the pieces a line may break between (a 文号 and a number with its unit are one)."""
    tokens: list[str] = []
    pos = 0
    for m in DOC_NUMBER.finditer(text):
        start = m.start()
        while start > pos and m.start() - start < 5 and "\u4e00" <= text[start - 1] <= "\u9fff":
            if text[start - 1] in DOC_PREFIX_STOP:
                break
            start -= 1
        tokens.extend(_tokenize_plain(text[pos:start]))
        tokens.append(text[start : m.end()])
        pos = m.end()
    tokens.extend(_tokenize_plain(text[pos:]))
    return tokens


def _tokenize_plain(text: str) -> list[str]:
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch in WORD_CHARS:
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    # a number keeps its unit on the same line: 24号 of a 文号, 1日 of a date
    glued: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if glued and glued[-1][-1].isdigit():
            # 300,000.00 元 / 30万元 / 5年: the unit (after an optional space) joins the number
            j = i + 1 if tok == " " else i
            rest = "".join(tokens[j : j + 3])
            unit = next((u for u in UNIT_WORDS if rest.startswith(u)), "")
            if not unit and j < len(tokens) and tokens[j] in GLUED_UNITS:
                unit = tokens[j]
            if unit:
                glued[-1] += "".join(tokens[i:j]) + unit
                i = j + len(unit)
                continue
        glued.append(tok)
        i += 1
    return glued


def _may_break(before: str, after: str) -> bool:
    return after[0] not in NO_START and before[-1] not in NO_END


def break_paragraph(
    text: str,
    measure: Measure,
    width: float,
    first_indent: float = 0.0,
    max_stretch: float | None = None,
) -> list[BrokenLine]:
    """Break ``text`` into lines no wider than ``width`` (the first one ``first_indent`` less).

    With ``max_stretch`` (the most a justified line may open each gap between characters),
    a line that would open wider takes the next word too, set tighter by at most half that
    per gap, when it fits so; the break moves rather than the line gaping. The breaks are
    chosen for the whole paragraph at once (``_total_fit``), so an earlier line may give
    up a character or two to spare a later one a gaping line."""
    tokens = tokenize(text)
    if max_stretch is not None:
        best = _total_fit(tokens, measure, width, first_indent, max_stretch)
        if best is not None:
            return best
    lines: list[BrokenLine] = []
    current: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        avail = width - (first_indent if not lines else 0.0)
        if not current and tok == " ":
            i += 1  # no space at the start of a line
            continue
        candidate = "".join(current) + tok
        if measure(candidate) <= avail + 0.01:
            current.append(tok)
            i += 1
            continue
        if (
            max_stretch is not None
            and current
            and _too_loose(current, measure, avail, max_stretch)
            and measure(candidate) <= avail + (len(candidate) - 1) * max_stretch / 2
        ):
            current.append(tok)
            i += 1
            continue
        if not current:
            # a single word wider than the line: split it by characters
            head = ""
            for ch in tok:
                if head and measure(head + ch) > avail + 0.01:
                    break
                head += ch
            # and not inside a run of digits, nor against the punctuation rules, if it can be helped
            cut = len(head)
            while (
                cut > 1
                and cut < len(tok)
                and (
                    (tok[cut - 1].isdigit() and tok[cut].isdigit())
                    or tok[cut] in NO_START
                    or tok[cut - 1] in NO_END
                    or (tok[cut - 1].isdigit() and tok[cut] in GLUED_UNITS)
                )
            ):
                cut -= 1
            if cut > 1:
                head = tok[:cut]
            lines.append(BrokenLine(head, measure(head), False))
            tokens[i] = tok[len(head) :]
            continue
        if tok == " ":
            i += 1
            _flush(lines, current, measure)
            current = []
            continue
        # find the last place at or before the end where the rules allow a break
        k = len(current)
        nxt = tok
        while k > 1 and not _may_break(current[k - 1], nxt):
            nxt = current[k - 1]
            k -= 1
        if k == 1 and not _may_break(current[0], nxt):
            k = len(current)  # nowhere the rules allow a break: leave the line as it is
        carried = current[k:]
        _flush(lines, current[:k], measure)
        current = list(carried)
        while current and current[0] == " ":
            current.pop(0)
    if current or not lines:
        text_out = "".join(current).rstrip(" ")
        lines.append(BrokenLine(text_out, measure(text_out), True))
    else:
        last = lines[-1]
        lines[-1] = BrokenLine(last.text, last.width, True)
    return lines


def _total_fit(
    tokens: list[str], measure: Measure, width: float, first_indent: float, max_stretch: float
) -> list[BrokenLine] | None:
    """Breaks for the whole paragraph at once: no justified line opens its gaps by more than
    ``max_stretch`` (or closes them by more than half that) where any choice of breaks allows
    it; among those, the evenest. None when a word is wider than a line (the greedy way then).

    For each possible end of a line, the possible starts are tried from the nearest back
    to the first that makes the line too wide. With an ``AdditiveMeasure`` a candidate line's
    width comes from running sums over the tokens (exact: the same value as measuring the
    joined text), and only the starts where a line may begin are visited."""
    n = len(tokens)
    inf = float("inf")
    cost = [inf] * (n + 1)
    prev = [-1] * (n + 1)
    cost[0] = 0.0
    units = getattr(measure, "units", None)
    additive = units is not None
    scale, space = (measure.scale, measure.space) if additive else (0.0, 0.0)  # type: ignore[attr-defined]
    sums, lengths = [0.0], [0]  # running sums of the tokens' units and lengths
    if additive:
        for t in tokens:
            sums.append(sums[-1] + units(t))  # type: ignore[misc]
            lengths.append(lengths[-1] + len(t))
    # a line starting or ending with one of these tokens loses its spaces (strip): measured as text
    spaced = [not t or t[0] == " " or t[-1] == " " for t in tokens]
    breakable = [a == 0 or _may_break(tokens[a - 1], tokens[a]) for a in range(n)]
    starts = [0]  # where a line may begin: breakable, reached by the breaks before it (in order)
    for b in range(1, n + 1):
        last = b == n
        if not last and not breakable[b]:
            continue
        best, best_a = inf, -1
        for a in reversed(starts) if additive else range(b - 1, -1, -1):
            if not additive and (cost[a] == inf or not breakable[a]):
                continue
            if additive and not spaced[a] and not spaced[b - 1]:
                length = lengths[b] - lengths[a]  # nothing stripped: the pieces add up to the line
                w = scale * (sums[b] - sums[a]) + space * (length - 1)
            else:
                line = "".join(tokens[a:b]).strip(" ")
                if not line:
                    continue
                length = len(line)
                w = measure(line)
            avail = width - (first_indent if a == 0 else 0.0)
            gaps = length - 1 if length > 1 else 1
            if w > avail + gaps * max_stretch / 2 + 0.01:
                break  # longer lines only get wider
            if last and w > avail + 0.01:
                continue  # the last line is set ragged: it must fit as it is
            stretch = 0.0 if last else (avail - w) / gaps
            badness = (stretch / max_stretch) ** 2
            if stretch > max_stretch:
                badness += 1000.0  # allowed only where nothing else is
            if cost[a] + badness < best:
                best, best_a = cost[a] + badness, a
        cost[b], prev[b] = best, best_a
        if best != inf and not last:
            starts.append(b)
    if cost[n] == inf:
        return None
    cuts = [n]
    while cuts[-1] > 0:
        cuts.append(prev[cuts[-1]])
    cuts.reverse()
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        line = "".join(tokens[a:b]).strip(" ")
        out.append(BrokenLine(line, measure(line), b == n))
    return out


def _too_loose(current: list[str], measure: Measure, avail: float, max_stretch: float) -> bool:
    text = "".join(current).rstrip(" ")
    return len(text) > 1 and (avail - measure(text)) / (len(text) - 1) > max_stretch


def _flush(lines: list[BrokenLine], tokens: list[str], measure: Measure) -> None:
    text = "".join(tokens).rstrip(" ")
    lines.append(BrokenLine(text, measure(text), False))
