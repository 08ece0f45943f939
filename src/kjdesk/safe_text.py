"""Text from outside, made safe to keep, show, write and name files with.

* ``control_char``: the first invisible control character of a text (C0/C1 controls, bidi
  overrides and isolates, zero-width characters, a BOM inside the text), named ``U+202E`` —
  rejected at import and in forms. Tab, line feed and carriage return are not counted: a
  cell's line breaks are folded to spaces where text is cleaned.
* ``safe_message``: a message or a cell value fit to show: control characters shown by their
  code, 身份证号 masked, long quoted cell text cut to a short excerpt.
* ``formula_safe`` (csv/tsv): a cell that a spreadsheet would run as a formula gets a leading
  apostrophe (OWASP's CSV-injection rule).
* ``safe_filename``: a file name legal on Windows, without control characters.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
EXCERPT_CHARS = 40
# An 18-character 身份证号 (or a 15-digit old one) with a plausible birth date inside.
_ID_LIKE = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
    r"|\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])"
)
_QUOTED = re.compile("“([^”]{" + str(EXCERPT_CHARS + 1) + ",})”")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WINDOWS_ILLEGAL = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in "123456789¹²³"]
    + [f"LPT{i}" for i in "123456789¹²³"]
)


def code_point(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def control_char(text: str) -> str | None:
    """``U+202E`` for the first invisible control character in ``text``; None when there is none."""
    m = _CONTROL.search(text)
    return code_point(m.group(0)) if m else None


def control_message(text: str) -> str | None:
    """The Chinese reason an import or a form gives for a text with a control character."""
    m = _CONTROL.search(text)
    if m is None:
        return None
    return f"含不可见控制字符 {code_point(m.group(0))}（第 {m.start() + 1} 个字符），请删除后重新输入"


def strip_controls(text: str) -> str:
    """``text`` without its control characters (for file names; never for stored data)."""
    return "".join(ch for ch in _CONTROL.sub("", text) if ch >= " ")


def show_controls(text: str) -> str:
    """Each control character written as ``⟨U+202E⟩`` so that it neither acts nor hides."""
    return _CONTROL.sub(lambda m: f"⟨{code_point(m.group(0))}⟩", text)


def mask_ids(text: str) -> str:
    """Every 身份证号-like number in ``text`` masked (``150203********1232``), valid or not."""

    def mask(m: re.Match[str]) -> str:
        s = m.group(0)
        return s[:6] + "*" * (len(s) - 10) + s[-4:]

    return _ID_LIKE.sub(mask, text)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text``, saying how long it was when cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(text)} 字）"


def safe_message(text: str) -> str:
    """A message or cell value fit to show: controls by code, IDs masked, long quotes cut."""
    if not text:
        return text
    text = mask_ids(show_controls(text))
    return _QUOTED.sub(lambda m: f"“{excerpt(m.group(1))}”", text)


def safe_cell(text: str) -> str:
    """A cell value as shown in an error list: like ``safe_message``, and cut to an excerpt."""
    return excerpt(safe_message(text)) if text else text


def formula_safe(value: object) -> object:
    """A csv/tsv cell: text a spreadsheet would take for a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_filename(name: str, fallback: str = "未命名", max_chars: int = 120) -> str:
    """``name`` as a file name every Windows accepts: no control or ``<>:"/\\|?*`` characters,
    no trailing dot or space, not a reserved device name (CON, PRN, AUX, NUL, COM1 …)."""
    name = strip_controls(name)
    name = _WINDOWS_ILLEGAL.sub("_", name).strip()
    if len(name) > max_chars:
        name = name[:max_chars]
    name = name.rstrip(". ").lstrip(" ")
    if not name:
        return fallback
    stem = name.split(".", 1)[0].strip().upper()
    if stem in _WINDOWS_RESERVED:
        name = "_" + name
    return name
