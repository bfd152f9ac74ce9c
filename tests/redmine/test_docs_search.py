"""Documentation first from Redmine: a wiki page and a closed issue found by the search API,
an open issue left out, and the sample articles when Redmine cannot answer in time."""

from __future__ import annotations

import asyncio
import uuid

from intake.docs import DocsIndex, Suggestions
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.docs_search import RedmineDocsSearch
from intake.tickets.redmine.render import REFERENCE_LABEL


async def _enable_wiki(client: RedmineClient, project: str) -> None:
    body = await client.request(
        "GET", f"/projects/{project}.json", params={"include": "enabled_modules"}
    )
    names = {m["name"] for m in body["project"].get("enabled_modules", [])}
    if "wiki" not in names:
        await client.request(
            "PUT",
            f"/projects/{project}.json",
            json={"project": {"enabled_module_names": sorted(names | {"wiki"})}},
        )


async def test_wiki_pages_and_closed_issues_are_suggested(client: RedmineClient, settings) -> None:
    project = settings.project
    word = "zq" + uuid.uuid4().hex[:8]  # a word only this test's pages and issues contain
    await _enable_wiki(client, project)
    await client.request(
        "PUT",
        f"/projects/{project}/wiki/Export_{word}.json",
        json={
            "wiki_page": {
                "text": f"h1. Export {word} fails\n\nThe {word} export needs the new licence."
            }
        },
    )
    closed = await client.create_issue(
        {"project_id": project, "subject": f"Crash when {word} opens", "description": "Fixed."}
    )
    statuses = await client.issue_statuses()
    closed_status = next(s["id"] for s in statuses if s.get("is_closed"))
    await client.update_issue(closed["id"], {"status_id": closed_status})
    still_open = await client.create_issue(
        {"project_id": project, "subject": f"Slow {word} export", "description": "Open."}
    )

    search = RedmineDocsSearch(client, project)
    suggestions = Suggestions(DocsIndex.from_folder(), search)
    found = await suggestions.search(f"{word} crashes when opened", "en")

    slugs = {a.slug for a in found}
    assert f"redmine:issue-closed:{closed['id']}" in slugs
    assert f"redmine:issue:{still_open['id']}" not in slugs  # open issues are not answers
    wiki = [a for a in found if a.slug.startswith("redmine:wiki-page:")]
    assert wiki and wiki[0].title == f"Export {word}" and wiki[0].url.startswith(settings.url)
    issue = next(a for a in found if a.slug == f"redmine:issue-closed:{closed['id']}")
    assert issue.title == f"Crash when {word} opens"  # "Support #N (Closed): " left out
    assert await search("nothing matches xq" + word, 3) == []


async def test_a_customers_closed_ticket_is_never_offered_and_pages_read_as_text(
    client: RedmineClient, settings
) -> None:
    """Another customer's ticket carries their words, name and Telegram id: not an article."""
    project = settings.project
    word = "zq" + uuid.uuid4().hex[:8]
    await _enable_wiki(client, project)
    await client.request(
        "PUT",
        f"/projects/{project}/wiki/Import_{word}.json",
        json={
            "wiki_page": {
                "text": f"h1. Import {word}\n\nThe *{word}* import needs "
                '"the new licence":https://example.com/licence.'
            }
        },
    )
    filed = await client.create_issue(
        {
            "project_id": project,
            "subject": f"Import {word} crashes",
            "description": f"h2. Summary\n\n*{REFERENCE_LABEL}* OS-000042-abc (receipt "
            "OS-000042)\n*Customer:* <code>Li Na (Telegram id 123456)</code>",
        }
    )
    statuses = await client.issue_statuses()
    closed_status = next(s["id"] for s in statuses if s.get("is_closed"))
    await client.update_issue(filed["id"], {"status_id": closed_status})

    found = await RedmineDocsSearch(client, project)(f"{word} import crashes", 3)

    assert f"redmine:issue-closed:{filed['id']}" not in {a.slug for a in found}
    (page,) = [a for a in found if word in a.title]  # other tests' pages may say "import"
    assert page.slug.startswith("redmine:wiki-page:")
    assert page.excerpt == f"The {word} import needs the new licence."


async def test_sample_articles_when_redmine_cannot_answer_in_time() -> None:
    async def hanging(text: str, limit: int) -> list:
        await asyncio.sleep(30)
        return []

    suggestions = Suggestions(DocsIndex.from_folder(), hanging, timeout=0.05)
    local = DocsIndex.from_folder().search("cannot sign in, password rejected", "en")
    assert local  # the samples have an article for it
    found = await suggestions.search("cannot sign in, password rejected", "en")
    assert [a.slug for a in found] == [a.slug for a in local]


async def test_sample_articles_when_redmine_is_unreachable() -> None:
    async with RedmineClient("http://127.0.0.1:9", "key", timeout=1) as dead:
        suggestions = Suggestions(DocsIndex.from_folder(), RedmineDocsSearch(dead, "support"))
        found = await suggestions.search("cannot sign in, password rejected", "en")
    assert found
