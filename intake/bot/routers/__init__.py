"""One router per concern, built fresh by factories (a Router attaches to one dispatcher)."""

from aiogram import Router

from intake.bot.routers import (
    attachments,
    commands,
    docs,
    fallback,
    followups,
    group,
    impact,
    paging,
    rating,
    review,
    steps,
    tickets,
)


def create_routers() -> list[Router]:
    """In the order they must see updates: the on-call button (it works in groups too),
    groups, commands, steps, catch-alls last."""
    return [
        paging.create_router(),
        group.create_router(),
        tickets.create_router(),  # /status after the receipt: before the commands
        commands.create_router(),
        rating.create_router(),  # a rating's comment: before the follow-ups take the text
        docs.create_router(),
        impact.create_router(),
        attachments.create_router(),
        review.create_router(),
        steps.create_router(),
        followups.create_router(),
        fallback.create_router(),
    ]
