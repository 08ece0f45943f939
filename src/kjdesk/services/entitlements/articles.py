"""The titles of a policy's articles (条), as its text heads them: "（六）梯次培育科技创新型企业".

Shipped as data (``resources/policy_articles.toml``, taken from the policy texts) so the
policy tree is titled at every level: city and document, article, clause.
"""

from __future__ import annotations

import tomllib
from functools import cache

from kjdesk.resources import resource_path


@cache
def article_titles() -> dict[str, dict[str, str]]:
    """city → article number ("（六）") → its title; empty when the file is missing."""
    path = resource_path("policy_articles.toml")
    if not path.exists():
        return {}
    with path.open("rb") as f:
        data = tomllib.load(f)
    return {city: {k: str(v) for k, v in titles.items()} for city, titles in data.items()}


def article_heading(city: str, article: str) -> str:
    """ "（六）梯次培育科技创新型企业", or the bare number when its title is unknown."""
    title = article_titles().get(city, {}).get(article, "")
    return f"{article}{title}" if article else "（未分条）"
