"""The dialogue table, checked in milliseconds: every step reachable, every edit back at the
review, every step asked and labelled in both languages, the session surviving JSON."""

import json
from itertools import pairwise

import pytest

from intake import dialogue
from intake.app import create_i18n
from intake.bot import prompts
from intake.bot.states import Intake, state_of
from intake.dialogue import Session
from intake.draft import AttachmentRef, TicketDraft
from intake.i18n import EN, ZH, gettext

FULL = TicketDraft(
    summary="Export fails",
    browser="Chrome",
    browser_version="126",
    os="Windows",
    os_version="11",
    product_version="4.2.1",
    extra="eu-1",
    impact="medium",
    impact_suggested="medium",
    description=["It fails."],
    attachments=[AttachmentRef(1, "app.log", 10, "text/plain", "accepted")],
    redmine_login="alice",
)


@pytest.fixture(params=[EN, ZH])
def locale(request):
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(request.param):
        yield request.param


@pytest.mark.parametrize("with_account", [False, True])
def test_every_step_is_reachable_from_the_welcome(with_account):
    seen, step = ["welcome"], "welcome"
    while step != "review":
        step = dialogue.next_step(step, with_account=with_account)
        seen.append(step)
    expected = {"welcome", *dialogue.order(with_account=with_account)}
    assert set(seen) == expected
    assert ("account" in seen) is with_account
    # Sub-steps are reached from their parent and answer for it.
    assert all(parent in seen for parent in dialogue.PARENT.values())


@pytest.mark.parametrize("with_account", [False, True])
def test_back_retraces_the_order(with_account):
    order = dialogue.order(with_account=with_account)
    for before, after in pairwise(order):
        assert dialogue.previous_step(after, with_account=with_account) == before
    assert dialogue.previous_step(order[0], with_account=with_account) is None
    assert dialogue.previous_step("impact_reason", with_account=with_account) == "impact"


def test_a_step_counts_as_asked_only_once_the_dialogue_is_past_it():
    assert not dialogue.passed("os", "account", with_account=True)
    assert not dialogue.passed("account", "account", with_account=True)  # asked, not answered
    assert dialogue.passed("review", "account", with_account=True)
    assert dialogue.passed("impact_reason", "browser", with_account=False)
    assert not dialogue.passed(None, "summary", with_account=False)


@pytest.mark.parametrize("step", [s.name for s in dialogue.editable(with_account=True)])
def test_every_edit_returns_to_the_review(step):
    assert dialogue.after_edit(step, FULL) == "review"


@pytest.mark.parametrize("step", [s.name for s in dialogue.STEPS if s.implies])
def test_an_edit_that_empties_an_implied_step_asks_it_before_the_review(step):
    implied = dialogue.get(step).implies
    draft = TicketDraft.from_dict({**FULL.to_dict(), dialogue.get(implied).field: ""})
    assert dialogue.after_edit(step, draft) == implied
    assert dialogue.after_edit(implied, draft) == "review"


def test_every_step_has_a_state_in_the_dialogues_order():
    assert [state_of(s.name).state for s in dialogue.STEPS] == list(Intake.__all_states_names__)


def test_the_progress_counter_counts_each_question_once():
    order = dialogue.order(with_account=False)
    numbers = [dialogue.progress(s, with_account=False) for s in order]
    counted = [n for n in numbers if n is not None]
    assert [n for n, _total in counted] == list(range(1, len(counted) + 1))
    assert dialogue.progress("impact_reason", with_account=False) == dialogue.progress(
        "impact", with_account=False
    )
    assert dialogue.progress("review", with_account=False) is None


def test_confirm_asks_the_first_required_empty_step():
    assert dialogue.missing(FULL, with_account=True) is None
    draft = TicketDraft.from_dict({**FULL.to_dict(), "browser_version": "", "impact": ""})
    assert dialogue.missing(draft, with_account=False) == "browser_version"


def test_every_label_is_translated():
    for step in dialogue.STEPS:
        if step.label:
            assert gettext(ZH, step.label) != step.label, step.name


ASKED = [s.name for s in dialogue.STEPS if s.name not in ("welcome", "done")]


@pytest.mark.parametrize("step", ASKED)
def test_every_step_is_asked_in_both_languages(step, locale):
    view = {"with_account": True, "impact_stage": "result", "impact_chosen": "low"}
    text, markup = prompts.ask(step, FULL, locale, view)
    assert text and markup.inline_keyboard
    has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert has_chinese is (locale == ZH)


def test_the_review_lists_files_with_the_languages_own_comma(locale):
    files = [AttachmentRef(1, "app.log", 10, "text/plain", "accepted"), AttachmentRef(2, "b.pdf")]
    draft = TicketDraft.from_dict({**FULL.to_dict(), "attachments": []})
    draft.attachments = files
    text, _markup = prompts.review_card(draft, locale, with_account=False)
    assert ("app.log、" in text) is (locale == ZH) and ("app.log, " in text) is (locale == EN)


def test_the_review_card_stays_under_telegrams_limit(locale):
    files = [AttachmentRef(n, f"{n:02d}-" + "long-name-" * 30 + ".log") for n in range(40)]
    draft = TicketDraft.from_dict(
        {**FULL.to_dict(), "description": ["x" * 20_000], "extra": "y" * 400}
    )
    draft.attachments = files
    text, _markup = prompts.review_card(draft, locale, with_account=True)
    assert len(text) <= 4096


def test_a_browser_version_not_found_reads_as_unknown_in_the_customers_language(locale):
    draft = TicketDraft.from_dict({**FULL.to_dict(), "browser_version": "unknown"})
    card, _markup = prompts.review_card(draft, locale, with_account=False)
    shown = "Chrome\uff08版本不清楚\uff09" if locale == ZH else "Chrome (version unknown)"
    assert shown in card and "Chrome unknown" not in card


def test_quick_answers_follow_the_system():
    assert dialogue.quick_answers("os_version", TicketDraft(os="Windows")) == ("10", "11")
    assert dialogue.quick_answers("os_version", TicketDraft(os="Arch Linux")) == ()
    assert "cloud" in dialogue.quick_answers("product_version", FULL)


def test_the_session_survives_a_json_round_trip():
    session = Session(conversation_id=7, draft=FULL, editing=True, ua={"browser": "Chrome"})
    again = Session.from_dict(json.loads(json.dumps(session.to_dict())))
    assert again == session


def test_an_older_stored_session_still_loads():
    old = {"conversation_id": 3, "return_to_review": True, "impact_stage": "result", "x": 1}
    session = Session.from_dict(old)
    assert (session.conversation_id, session.editing, session.impact_stage) == (3, True, "result")


@pytest.mark.parametrize(
    "step, raw, value, problem",
    [
        ("summary", "\u200b\u3164", "", "empty"),
        ("summary", "x" * 121, "x" * 121, "too_long"),
        ("browser", "121.0", "121.0", "not_name"),
        ("browser", " Vivaldi ", "Vivaldi", ""),
        ("browser_version", "Version 17.5 (19618.2.12.11.6)", "17.5", ""),
        ("browser_version", "soon", "soon", "not_version"),
        ("browser_version", "Ubuntu 24.04", "Ubuntu 24.04", "names_system"),
        ("browser_version", "Google Chrome 126", "126", ""),
    ],
)
def test_answers_are_checked_and_normalised_by_the_table(step, raw, value, problem):
    assert dialogue.check(step, raw) == dialogue.Answer(
        value, problem, dialogue.get(step).limit if problem == "too_long" else 0
    )


@pytest.mark.parametrize(
    "step, raw, value, implied",
    [
        ("browser", "chrome 126", "Chrome", "126"),
        ("browser", "谷歌浏览器", "Chrome", ""),
        (
            "browser",
            "Google Chrome 126.0.6478.127 (Official Build) (64-bit)",
            "Chrome",
            "126.0.6478.127",
        ),
        ("browser", "Chrome on Windows 11", "Chrome on Windows 11", ""),  # not the browser's
        ("browser", "Chrome Canary", "Chrome Canary", ""),  # words, not a version: as typed
        ("os", "win11", "Windows", "11"),
        ("os", "Windows Server 2022", "Windows", "Server 2022"),
        ("os", "Arch Linux", "Arch Linux", ""),
    ],
)
def test_a_known_name_is_its_button_and_a_version_after_it_answers_the_next_step(
    step, raw, value, implied
):
    assert dialogue.check(step, raw) == dialogue.Answer(value, implied=implied)


def test_customer_text_cannot_break_a_message(locale):
    """One escaping point: names like "<script> & co" are shown as typed, never as markup."""
    from intake.emulator._html import parse_html

    draft = TicketDraft.from_dict(
        {**FULL.to_dict(), "summary": "<b>Export</b> & <co>", "browser": "Fire<fox>"}
    )
    for step in ASKED:
        text, _markup = prompts.ask(step, draft, locale, {"with_account": True})
        parse_html(text)  # raises on a stray "<", as Telegram would
    card, _markup = prompts.review_card(draft, locale, with_account=True)
    shown, _entities = parse_html(card)
    assert "<b>Export</b> & <co>" in shown and "Fire<fox>" in shown


def test_a_hint_is_the_question_not_the_whole_prompt(locale):
    text, _markup = prompts.ask("browser_version", FULL, locale, {"show_version_help": True})
    hint = prompts.hint("browser_version", text)
    assert "Chrome" in hint and len(hint) < len(text) and "\n\n" not in hint
    question = TicketDraft(summary="How to enable SSO?")
    text, _markup = prompts.ask("impact", question, locale, {"impact_stage": "question"})
    assert prompts.hint("impact", text) in text and "\n\n" in prompts.hint("impact", text)


@pytest.mark.parametrize(
    "step, says",
    [("summary", "later"), ("description", "later"), ("account", "/back"), ("review", "✏️")],
)
def test_a_file_sent_early_is_told_later_and_one_sent_late_how_to_go_back(step, says):
    from intake.bot.routers.fallback import files_here

    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(EN):
        assert says in files_here(step)


def test_keys_of_other_routers_survive_the_session():
    """After the receipt, follow-ups keep their own keys in the same FSM data."""
    stored = {"receipt": "OS-000001", "pending_followups": [3], "ticket_chosen": True}
    again = Session.from_dict(stored).to_dict()
    assert again["pending_followups"] == [3] and again["ticket_chosen"] is True
    assert "others" not in again


@pytest.mark.parametrize("summary", ["🙂🙂", "!!!", "🔥 ??? 🔥"])
def test_a_summary_needs_a_word_or_a_number(summary):
    assert dialogue.check("summary", summary).problem == "no_words"


@pytest.mark.parametrize("summary", ["502 🙂", "登录失败", "Export fails"])
def test_a_summary_with_words_is_taken_as_typed(summary):
    assert dialogue.check("summary", summary).value == summary


@pytest.mark.parametrize(
    "typed",
    [
        "I don't know",
        "i dont know.",
        "I don\u2019t know!",
        "IDK",
        "none",
        "No.",
        "不知道",
        "我不清楚。",
        "没有",
        "I still don't know",  # what the button after the version help says
        "我还是不清楚",
    ],
)
def test_a_typed_i_dont_know_or_nothing_is_read_as_no_answer(typed):
    assert dialogue.says_no_answer(typed)


@pytest.mark.parametrize(
    "typed", ["121", "Windows 11", "I know it", "不知道在哪里看版本号", "no proxy", ""]
)
def test_an_answer_is_not_read_as_no_answer(typed):
    assert not dialogue.says_no_answer(typed)
