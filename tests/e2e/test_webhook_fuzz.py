"""Webhook fuzz: thousands of generated updates, valid-looking and not, against the real
endpoint. None may produce a 5xx, a traceback, or an exception nobody retrieved."""

from __future__ import annotations

import asyncio
import gc
import logging

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.test_webhook import webhook_url  # noqa: F401  (the fixture)

EXAMPLES = 2000

ints = st.one_of(
    st.integers(min_value=-5, max_value=10**6), st.integers(min_value=-(2**70), max_value=2**70)
)
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "/start",
            "/back",
            "/status",
            "/cancel",
            "/language",
            "/help",
            "/tickets",
            "Firefox",
            "\x00",
            "<b>x</b>",
            "1" * 5000,
        ]
    ),
)
users = st.fixed_dictionaries(
    {"id": ints, "is_bot": st.booleans(), "first_name": texts},
    optional={"username": texts, "language_code": st.sampled_from(["en", "zh-hans", "xx", ""])},
)
chats = st.fixed_dictionaries(
    {"id": ints, "type": st.sampled_from(["private", "group", "supergroup", "channel", "x"])}
)
messages = st.fixed_dictionaries(
    {"message_id": ints, "date": ints, "chat": chats},
    optional={
        "from": users,
        "text": texts,
        "caption": texts,
        "sticker": st.just(
            {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        ),
        "location": st.just({"latitude": 1.0, "longitude": 2.0}),
    },
)
callbacks = st.fixed_dictionaries(
    {"id": texts, "from": users, "chat_instance": texts},
    optional={"data": texts, "message": messages},
)
json_values = st.recursive(
    st.none() | st.booleans() | ints | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
updates = st.one_of(
    st.fixed_dictionaries({"update_id": ints, "message": messages}),
    st.fixed_dictionaries({"update_id": ints, "edited_message": messages}),
    st.fixed_dictionaries({"update_id": ints, "callback_query": callbacks}),
    st.fixed_dictionaries(
        {"update_id": ints}, optional={"message": json_values, "poll": json_values}
    ),
    json_values,
)


def generated(n: int) -> list[object]:
    found: list[object] = []

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(updates)
    def collect(update: object) -> None:
        found.append(update)

    collect()
    return found


async def test_webhook_fuzz_no_5xx_and_no_unhandled_exception(
    webhook_url,  # noqa: F811  (the fixture imported above)
    caplog,
):
    caplog.set_level(logging.WARNING)
    bodies = generated(EXAMPLES)
    assert len(bodies) >= EXAMPLES
    statuses: dict[int, int] = {}
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    async with aiohttp.ClientSession() as http:
        sem = asyncio.Semaphore(8)

        async def post(body: object) -> None:
            async with sem, http.post(webhook_url, json=body, headers=headers) as response:
                statuses[response.status] = statuses.get(response.status, 0) + 1

        await asyncio.gather(*(post(b) for b in bodies))
    await asyncio.sleep(1.0)  # let the handlers started in the background finish
    gc.collect()
    assert not [s for s in statuses if s >= 500], statuses
    unhandled = [
        r
        for r in caplog.records
        if "never retrieved" in r.getMessage()
        or "Error handling request" in r.getMessage()
        or (r.exc_info and r.name.startswith(("aiohttp", "asyncio")))
    ]
    assert unhandled == [], unhandled[:3]
    failed = [r for r in caplog.records if r.exc_info and r.name.startswith("intake")]
    assert failed == [], [(r.name, r.getMessage(), r.exc_info[1]) for r in failed[:5]]
