"""Rules in words: the decision numbers (D1–D14) belong to the documentation, not to an officer's screen.

The catalog's readings end with the number of the decision they apply ("…不再支付（D1）");
what an officer, a letter or a sheet shows drops those numbers (the sentence already says
the rule) and words the two readings that refer to a rule by its number.
"""

from __future__ import annotations

import re

_LIST = r"D\d{1,2}(?:\s*[、，,–-]\s*D?\d{1,2})*"
_ALONE = re.compile(r"[（(]\s*" + _LIST + r"\s*[）)]")
_EXCEPTION = re.compile(r"D\d{1,2}的例外")
_LIKE = re.compile(r"参照D\d{1,2}")
_BARE = re.compile(r"(?<![A-Za-z0-9])" + _LIST + r"(?![A-Za-z0-9])")


def plain_rules(text: str) -> str:
    """``…较低级别认定的不再支付（D1）`` → ``…较低级别认定的不再支付``."""
    if "D" not in text:
        return text
    text = _ALONE.sub("", text)
    text = _EXCEPTION.sub("一般规则的例外", text)
    text = _LIKE.sub("参照“只支付一次”的规则", text)
    return _BARE.sub("", text).replace("（）", "").replace("()", "")


_CLAUSE_ID = re.compile(r"(?<![A-Za-z0-9-])(?:BT|WH)-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_HEADING = re.compile(r"^条款 (?:BT|WH)-[A-Za-z0-9-]+ ")


def plain_clauses(line: str) -> str:
    """Catalog ids in an explanation line named as the policy names the clause.

    The heading ``条款 BT-06-hte-cert （六） 国家高新技术企业认定（…）`` keeps its words and drops the id;
    elsewhere ``BT-06-hte-cert`` becomes ``（六）国家高新技术企业认定``. The implementation note of an
    older form label (``单次（未写一次性）``) is dropped too.
    """
    from kjdesk.services.safety.audit_words import clause_names

    line = line.replace("单次（未写一次性）", "单次")
    if _HEADING.match(line):
        return _HEADING.sub("条款 ", line)
    if "-" not in line:
        return line
    names = clause_names()
    return _CLAUSE_ID.sub(lambda m: names.get(m.group(0), m.group(0)), line)
