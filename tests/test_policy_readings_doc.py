"""docs/policy-readings.md states every reading the code cites, and every test it names exists.

A comment or catalog line citing D1–D14 or R-numbers must be followable inside the repository
(issue 16 item 5): a new number cited without its section, or a test renamed without the
document, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "policy-readings.md"
CITED = re.compile(r"\b([DR]\d{1,2})\b")


def _cited() -> set[str]:
    found: set[str] = set()
    for folder, pattern in (("src", "*.py"), ("resources/policies", "*.toml"), ("bench", "*.py")):
        for path in (ROOT / folder).rglob(pattern):
            if "migrations" in path.parts and path.name.startswith("0001"):
                continue  # the initial schema's column comments
            found.update(CITED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_cited_reading_has_its_section() -> None:
    doc = DOC.read_text(encoding="utf-8")
    stated = set(re.findall(r"^## (D\d+) ", doc, re.M)) | set(re.findall(r"^\*\*(R\d+) ", doc, re.M))
    cited = _cited()
    assert {"D1", "D6", "D14", "R4"} <= cited
    assert cited - stated == set()


def test_every_test_the_document_names_exists() -> None:
    doc = DOC.read_text(encoding="utf-8")
    current = None
    named = 0
    for m in re.finditer(r"`(tests/[\w/]+\.py)?::(test_\w+)(?:\[[^\]]*\])?`|`(tests/[\w/]+\.py)`", doc):
        if m.group(3):
            current = m.group(3)
            continue
        current = m.group(1) or current
        assert current is not None, m.group(0)
        assert f"def {m.group(2)}(" in (ROOT / current).read_text(encoding="utf-8"), (
            f"{current}::{m.group(2)}"
        )
        named += 1
    assert named > 80
