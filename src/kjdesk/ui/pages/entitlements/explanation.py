"""An entitlement's explanation trace, and a clause's quote, as rich text for a read-only pane.

The trace is the engine's lines: the clause, ``原文：“…”`` (the exact sentence, shown as a
quotation), the document, the facts, the formula, ``结论：…`` (bold) and the
``按本系统口径：…`` readings (set apart, in a quieter colour).
"""

from __future__ import annotations

from html import escape

from kjdesk.services.entitlements.rule_words import plain_clauses, plain_rules

QUOTE_STYLE = (
    "background:#fbf6e6; border-left:4px solid #c9a227; padding:6px 10px; margin:6px 0;"
    " font-family:'KaiTi','STKaiti','AR PL UKai CN',serif; font-size:15px; color:#3b3212;"
)
READING_STYLE = "color:#44607a; margin:2px 0 2px 12px;"
CONCLUSION_STYLE = "font-weight:bold; margin:6px 0;"
REVIEW_STYLE = "background:#fde7d3; color:#8a3b00; padding:4px 8px; margin:4px 0;"
LINE_STYLE = "margin:2px 0;"


def quote_html(text: str) -> str:
    """One quotation block (a table cell, so the background and border show in QTextBrowser)."""
    return (
        "<table width='100%' cellspacing='0' cellpadding='8' style='margin:6px 0;'>"
        f'<tr><td style="{QUOTE_STYLE}">“{escape(text)}”</td></tr></table>'
    )


def reading_html(text: str) -> str:
    return f"<p style='{READING_STYLE}'>{escape(plain_rules(text))}</p>"


def explanation_html(lines: list[str] | str) -> str:
    if isinstance(lines, str):
        lines = lines.splitlines()
    out: list[str] = []
    readings: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if not line.startswith("原文："):  # rules and clauses in words: no D numbers, no catalog ids
            line = plain_clauses(plain_rules(line))
        if line.startswith("原文："):
            out.append(quote_html(line.removeprefix("原文：").strip("“”")))
        elif line.startswith("按本系统口径"):
            readings.append(line)
        elif line.startswith("结论："):
            out.append(f"<p style='{CONCLUSION_STYLE}'>{escape(line)}</p>")
        elif line.startswith("条款 "):
            out.append(f"<p style='font-weight:bold; font-size:14px; margin:2px 0;'>{escape(line)}</p>")
        else:
            out.append(f"<p style='{LINE_STYLE}'>{escape(line)}</p>")
    if readings:
        out.append("<p style='margin:10px 0 2px 0; color:#44607a;'><b>本系统口径</b></p>")
        out.extend(reading_html(r) for r in readings)
    return "".join(out)


def review_html(note: str) -> str:
    return f"<p style='{REVIEW_STYLE}'>{escape(note)}</p>" if note else ""
