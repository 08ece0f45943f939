"""Chinese line breaking for the letters: break between any two Chinese characters, keep
closing punctuation off the start of a line and opening punctuation off its end (禁则),
never split a run of Latin letters and digits (``300,000.00``), and justify full lines.

Pure functions of text and a width measure, so the rules are tested without a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# 行首禁则: may not begin a line. 行尾禁则: may not end one.
NO_START = set("，。、；：？！）》」』〕】〉”’％‰·,.;:?!)]}%…")
NO_END = set("（《「『〔【〈“‘([{")
# A run of these characters is one unbreakable word (amounts, years, Latin names).
WORD_CHARS = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,%-/+_&'#@")

# A unit written after a number that stays with it (no break between 1 and 日).
GLUED_UNITS = set("年月日号")

Measure = Callable[[str], float]


@dataclass(frozen=True)
class BrokenLine:
    text: str
    width: float  # natural width, as ``measure`` gives it
    last: bool  # the last line of its paragraph (set ragged, not justified)


def tokenize(text: str) -> list[str]:
    """Split into the pieces a line may break between."""
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
    for tok in tokens:
        if tok in GLUED_UNITS and glued and glued[-1][-1].isdigit():
            glued[-1] += tok
        else:
            glued.append(tok)
    return glued


def _may_break(before: str, after: str) -> bool:
    return after[0] not in NO_START and before[-1] not in NO_END


def break_paragraph(text: str, measure: Measure, width: float, first_indent: float = 0.0) -> list[BrokenLine]:
    """Break ``text`` into lines no wider than ``width`` (the first one ``first_indent`` less)."""
    tokens = tokenize(text)
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
        if not current:
            # a single word wider than the line: split it by characters
            head = ""
            for ch in tok:
                if head and measure(head + ch) > avail + 0.01:
                    break
                head += ch
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


def _flush(lines: list[BrokenLine], tokens: list[str], measure: Measure) -> None:
    text = "".join(tokens).rstrip(" ")
    lines.append(BrokenLine(text, measure(text), False))
