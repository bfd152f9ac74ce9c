"""Documentation first, from Redmine: the project's wiki pages and closed issues as articles.

Redmine's search matches any of the words (``LIKE``) and orders by date, so the results are
ranked here by how many of the summary's words they contain, the title counting double; a
result that shares no word with the summary is dropped.

A closed issue the intake filed is a customer's own ticket: their words, name and Telegram
id. It is never offered to another customer; the known issues staff write are. What is
offered reads as plain text, not as Textile or Markdown source.
"""

from __future__ import annotations

import re
from html import unescape

from intake.docs import Article, search_terms
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.markup import Formatting, strip_tags, to_telegram_blocks
from intake.tickets.redmine.render import REFERENCE_LABEL

# What Redmine calls the object types we offer: a wiki page, a closed issue.
OFFERED_TYPES = ("wiki-page", "issue-closed")
# Redmine's result titles: "Support #12 (Closed): Subject", "Wiki: Page_title".
_ISSUE_PREFIX = re.compile(r"^[^#]*#\d+(?: \([^)]*\))?: ")
_WIKI_PREFIX = re.compile(r"^[^:]{1,40}: ")


class RedmineDocsSearch:
    """A remote search for ``intake.docs.Suggestions`` over one Redmine project."""

    def __init__(
        self, client: RedmineClient, project: str, formatting: Formatting = "textile"
    ) -> None:
        self.client = client
        self.project = project
        self.formatting = formatting

    async def __call__(self, text: str, limit: int) -> list[Article]:
        terms = search_terms(text)
        if not terms:
            return []
        results = await self.client.search(self.project, " ".join(terms))
        scored = []
        for position, result in enumerate(results):
            if result.get("type") not in OFFERED_TYPES:
                continue
            source = str(result.get("description") or "")
            if REFERENCE_LABEL in source:
                continue  # a customer's ticket, not a known issue
            title = _title(str(result.get("type")), str(result.get("title", "")))
            body = self._plain(source, title)
            score = sum(2 * (t in title.lower()) + (t in body.lower()) for t in terms)
            if score:
                slug = f"redmine:{result.get('type')}:{result.get('id')}"
                article = Article(slug, "", title, body, url=str(result.get("url") or ""))
                scored.append((-score, position, article))
        return [article for *_rank, article in sorted(scored)[:limit]]

    def _plain(self, source: str, title: str) -> str:
        """The page's text without its markup, paragraphs kept; a first heading that only
        repeats the title is left out (the offer shows the title already)."""
        lines = [
            unescape(strip_tags(block)) for block in to_telegram_blocks(source, self.formatting)
        ]
        while lines and lines[0].strip().lower() in ("", title.lower()):
            lines.pop(0)
        return "\n".join(lines)


def _title(kind: str, title: str) -> str:
    if kind == "wiki-page":
        return _WIKI_PREFIX.sub("", title, count=1).replace("_", " ").strip()
    return _ISSUE_PREFIX.sub("", title, count=1).strip()
