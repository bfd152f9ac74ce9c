"""Customer text cannot become markup on the real Redmine's issue page: it shows as text."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from intake.tickets.redmine.sink import RedmineFiler, RedmineSink

pytestmark = pytest.mark.redmine

PAYLOADS = [
    "<b>bold</b>",
    "<script>alert(1)</script>",
    "{{toc}}",
    "{{collapse(open)\nhidden\n}}",
    "!http://evil.example/pixel.png!",
    '"click":http://evil.example/phish',
    "http://evil.example/bare",
    "[[Wiki]] #1 user:admin",
    "*strong* _em_ h1. heading",
    "</pre><b>escaped-pre</b><pre>",
    "</code> <notextile><i>raw</i></notextile>",
    "|_. cell | table |",
    "```\n<b>fence</b>\n```",
]
EVIL = " ".join(PAYLOADS)


def _customer_visible_parts(page: str) -> str:
    """The subject, the description and each journal note of an issue page."""

    def between(start: str, end: str, at: int = 0) -> tuple[str, int]:
        a = page.index(start, at)
        b = min(i for e in end.split("|") if (i := page.find(e, a)) >= 0)
        return page[a:b], b

    parts = [
        between('<div class="subject">', '<div class="attributes">')[0],
        between(
            '<div class="description">',
            '<div class="attachments">|<div id="issue_tree">|<div id="relations">',
        )[0],
    ]
    for match in re.finditer(r'<div id="journal-\d+-notes" class="wiki">', page):
        parts.append(between(match.group(0), "<script>", match.start())[0])
    assert len(parts) >= 3
    return "\n".join(parts)


async def test_redmine_markup_injection_is_shown_as_text(
    db, factory, draft_factory, settings, client, issue_page, text_formatting
):
    conv = factory.conversation(messages=[("in", EVIL)], username="x<b>y</b>")
    refs = [
        factory.attachment(
            conv,
            "<img src=x>.txt",
            b"a",
            verdict="refused",
            reason="{{toc}} !http://evil.example/r.png!",
        )
    ]
    draft = draft_factory(
        summary="Summary " + EVIL,
        browser="Firefox <b>b</b> {{toc}}",
        browser_version="1|2",
        extra="!http://evil.example/x.png!",
        description=[EVIL],
        attachments=refs,
        impact="medium",
        impact_suggested="low",
        impact_reason=EVIL,
    )
    receipt = RedmineSink(db).submit(draft, conversation_id=conv, opened_at=datetime.now(UTC))
    filer = RedmineFiler(db, client, settings)
    result = await filer.file(receipt.ticket_id)
    await filer.add_comment(receipt.ticket_id, EVIL)

    page = _customer_visible_parts(await issue_page(result.issue_id))

    # No element, image, link or macro output came from the customer's text.
    assert "evil.example" not in " ".join(re.findall(r'(?:href|src)="([^"]*)"', page))
    for tag in ("<b>", "<i>", "<script>", "<h1", 'class="toc', "collapsed-text"):
        assert tag not in page, tag
    assert "<strong>strong</strong>" not in page and "<em>em</em>" not in page
    # ... and every payload is there as text, in the description and in the note.
    text = " ".join(html.unescape(page).replace("\u200b", "").split())
    for payload in PAYLOADS:  # summary, reason, description, transcript, note
        assert text.count(" ".join(payload.split())) >= 5, payload
    assert "Firefox <b>b</b> {{toc}}" in text
    assert "1|2" in text
    # Our own markup still works: headings, tables and the pre blocks are there.
    assert re.search(r"<h3[^>]*>Environment", page)
    assert "<table>" in page and "<pre>" in page and "<th>Field" in page
