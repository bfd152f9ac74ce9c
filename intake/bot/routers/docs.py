"""Documentation first: after the summary, up to three articles that may already answer it.

One tap away, never in the way: the offer is a message of its own with "This solved it" and
"Continue with my ticket", and the next question follows at once, so answering it is
continuing too.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from intake import dialogue
from intake.bot.filters import ButtonsOf
from intake.bot.flow import Flow
from intake.bot.keyboards import Keyboard, Nav, nav_button
from intake.docs import Article, Suggestions
from intake.statuses import ConversationStatus
from intake.storage import conversations
from intake.storage import docs as docs_store
from intake.telegram_html import fill


def create_router() -> Router:
    router = Router(name="docs")
    router.callback_query.filter(ButtonsOf(Nav, step="docs"))

    @router.callback_query(Nav.filter((F.step == "docs") & (F.action == "solved")))
    async def solved(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        conversation_id = flow.session.conversation_id
        if conversation_id is None or await flow.step() in dialogue.QUIET:
            await flow.repeat(callback, _("That button no longer works."))
            return
        docs_store.record_answer(flow.db, conversation_id, "solved")
        conversations.end_conversation(flow.db, conversation_id, ConversationStatus.SOLVED)
        prompt = flow.session.prompt_id
        flow.clear()
        if prompt is not None:
            await flow.retire(prompt)
        await flow.reply(
            callback,
            _("Glad that helped! Nothing was sent. Send /start whenever you need us."),
            edit=True,
        )

    @router.callback_query(Nav.filter((F.step == "docs") & (F.action == "continue")))
    async def keep_going(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer(_("Let's continue with your ticket."))
        conversation_id = flow.session.conversation_id
        if conversation_id is not None and await flow.step() not in dialogue.QUIET:
            docs_store.record_answer(flow.db, conversation_id, "continued")
        if callback.message is not None:
            await flow.retire(callback.message.message_id)

    return router


async def offer_articles(
    flow: Flow, message: Message, docs: Suggestions | None, text: str
) -> None:
    """Offer the articles matching ``text``, if any (recorded for the staff's count)."""
    conversation_id = flow.session.conversation_id
    found = await docs.search(text, flow.locale) if docs is not None else []
    if not found or conversation_id is None:
        return
    docs_store.record_offer(flow.db, conversation_id, [a.slug for a in found])
    builder = Keyboard()
    builder.row(nav_button(_("✅ This solved it"), "docs", "solved"))
    builder.row(nav_button(_("➡️ Continue with my ticket"), "docs", "continue"))
    flow.add_offer(await flow.reply(message, offer_text(found), builder.as_markup()))


def offer_text(found: list[Article]) -> str:
    parts = [_("📚 Before we go on: these articles may already answer it.")]
    for article in found:
        if article.url:  # a Redmine wiki page or closed issue: the title links to it
            template = '<b><a href="{url}">{title}</a></b>\n{excerpt}'
        else:
            template = "<b>{title}</b>\n{excerpt}"
        parts.append(fill(template, url=article.url, title=article.title, excerpt=article.excerpt))
    parts.append(_("Or simply answer the next question to continue with your ticket."))
    return "\n\n".join(parts)
