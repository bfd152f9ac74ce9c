"""Documentation first: articles and known issues that may answer a summary. Plain Python.

The support page's first advice is to search the documentation. After the summary the bot
offers up to three matching articles, one tap away and never in the way. Articles are
Markdown files (``<slug>.md`` in English, ``<slug>.zh.md`` in Chinese; the first ``#`` line
is the title), indexed in an in-memory SQLite FTS5 table at start-up. Chinese has no spaces
between words, so CJK text is indexed character by character and searched as two-character
phrases: "无法登录" matches "无法 登录" in an article without a Chinese word list.

With Redmine configured the suggestions come from its search over the project's wiki pages
and closed issues (``Suggestions`` with a remote search); when Redmine cannot answer within
a couple of seconds, the Markdown articles answer instead, so the dialogue never waits long.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SAMPLE_ARTICLES = Path(__file__).resolve().parent / "articles"
MAX_SUGGESTIONS = 3
# An article is offered when it scores at least this share of the best match.
RELEVANT_SHARE = 0.5

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
# A line break beside a CJK character or full-width punctuation: Chinese puts no space
# there, so the Markdown source's line breaks vanish ("导出。\n或使用" reads "导出。或使用").
_WIDE = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_WIDE_BREAK = re.compile(rf"(?<={_WIDE})[ \t]*\n\s*|[ \t]*\n\s*(?={_WIDE})")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}|\d{3}")
# Words too common in support summaries to say which article fits.
_STOPWORDS = frozenset(
    "the and for not with when does doesn can cannot can't from this that are was our all "
    "any have has get got but how why what orangesky error errors issue problem please "
    "page pages".split()
)
# The same for Chinese two-character phrases ("页面" is on every page, "无法" is "cannot").
_STOP_PAIRS = frozenset("页面 无法 不能 一直 出现 问题 错误 没有 时候".split())
# English words this long also match their longer forms: "slow" finds "slowly", "load"
# finds "loading" (FTS5 prefix queries; the index needs no stemmer).
_PREFIX_FROM = 4


@dataclass(frozen=True)
class Article:
    slug: str
    language: str  # "en" | "zh_Hans"
    title: str
    body: str
    url: str = ""  # where the article lives, when it is not one of ours (a Redmine page)

    @property
    def excerpt(self) -> str:
        """The first paragraph, at most 200 characters: enough to tell if it fits."""
        first = next((p for p in self.body.split("\n\n") if p.strip()), "")
        first = " ".join(_WIDE_BREAK.sub("", first).split())
        return first if len(first) <= 200 else first[:199] + "…"


def read_article(path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    title, _sep, body = text.partition("\n")
    name = path.name.removesuffix(".md")
    language = "zh_Hans" if name.endswith(".zh") else "en"
    return Article(name.removesuffix(".zh"), language, title.lstrip("# ").strip(), body.strip())


def _spaced(text: str) -> str:
    """CJK characters as separate tokens (FTS5's unicode61 keeps a CJK run as one token)."""
    return _CJK.sub(lambda m: f" {m.group(0)} ", text)


def search_terms(text: str, limit: int = 5) -> list[str]:
    """The summary's telling words, longest first, then its Chinese two-character phrases:
    what a keyword search (Redmine reads at most five tokens) should look for."""
    words = sorted(
        {w.lower() for w in _WORD.findall(text)} - _STOPWORDS, key=lambda w: (-len(w), w)
    )
    pairs = dict.fromkeys(_pairs(text))
    return (words + list(pairs))[:limit]


def _pairs(text: str) -> list[str]:
    """The Chinese runs' two-character phrases, but the ones too common to tell a topic."""
    return [
        pair
        for run in _CJK_RUN.findall(text)
        for i in range(len(run) - 1)
        if (pair := run[i : i + 2]) not in _STOP_PAIRS
    ]


def _query(text: str) -> str:
    """An FTS5 query: any of the summary's words, and its Chinese as two-character phrases."""
    terms = {w.lower() for w in _WORD.findall(text)} - _STOPWORDS
    words = sorted(f'"{t}"*' if len(t) >= _PREFIX_FROM else f'"{t}"' for t in terms)
    phrases = sorted({f'"{pair[0]} {pair[1]}"' for pair in _pairs(text)})
    return " OR ".join(words + phrases)


class DocsIndex:
    """Full-text search over a folder of articles, in both languages."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = {(a.slug, a.language): a for a in articles}
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, language UNINDEXED, title, body)"
        )
        self._db.executemany(
            "INSERT INTO docs (slug, language, title, body) VALUES (?, ?, ?, ?)",
            [(a.slug, a.language, _spaced(a.title), _spaced(a.body)) for a in articles],
        )

    @classmethod
    def from_folder(cls, folder: Path = SAMPLE_ARTICLES) -> DocsIndex:
        paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
        return cls([read_article(p) for p in paths])

    def search(self, text: str, language: str, limit: int = MAX_SUGGESTIONS) -> list[Article]:
        """Up to ``limit`` articles matching ``text``, best first, in ``language`` where the
        article exists in it (matching in either language: a Chinese customer may describe
        the problem in English)."""
        query = _query(text)
        if not query:
            return []
        rows = self._db.execute(
            "SELECT slug, bm25(docs, 0, 0, 4.0, 1.0) AS score FROM docs WHERE docs MATCH ? "
            "ORDER BY score",
            (query,),
        ).fetchall()
        if not rows:
            return []
        best = rows[0][1]  # bm25 is negative: lower is better
        found: list[Article] = []
        for slug, score in rows:
            if score > best * RELEVANT_SHARE:
                break  # far weaker than the best match: a shared common word, not the topic
            article = self.articles.get((slug, language)) or self.articles.get((slug, "en"))
            if article is not None and article not in found:
                found.append(article)
            if len(found) == limit:
                break
        return found


# A remote search: the summary and how many articles at most, best first.
RemoteSearch = Callable[[str, int], Awaitable[list[Article]]]
REMOTE_TIMEOUT = 2.0  # seconds: the offer comes between two questions, it must not stall


class Suggestions:
    """What the dialogue asks for articles: the remote search when there is one and it
    answers in time, the local index otherwise."""

    def __init__(
        self,
        local: DocsIndex,
        remote: RemoteSearch | None = None,
        *,
        timeout: float = REMOTE_TIMEOUT,
    ) -> None:
        self.local = local
        self.remote = remote
        self.timeout = timeout

    async def search(
        self, text: str, language: str, limit: int = MAX_SUGGESTIONS
    ) -> list[Article]:
        if self.remote is not None:
            try:
                return await asyncio.wait_for(self.remote(text, limit), self.timeout)
            except Exception as exc:  # a suggestion must never break the dialogue
                log.warning(
                    "documentation search unavailable (%s); using the local articles",
                    type(exc).__name__,
                )
        return self.local.search(text, language, limit)
