"""What the customer is told about each attachment verdict, in their language.

Messages are marked with ``N_`` here and translated at display time through
``intake.i18n.gettext``; their Chinese is kept in locales/incoming/attachments.json and
merged into the catalogs by scripts/catalogs.py. Each message says what was found and what
to do instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from intake import i18n
from intake.attachments.reasons import Outcome
from intake.i18n import N_, gettext

if TYPE_CHECKING:  # the policy imports this module; no import cycle at run time
    from intake.attachments.policy import Verdict

OTHER_LANGUAGE = N_("a language other than English")

# How to call a file the customer sent without a name of their own. A Telegram photo has
# none: the bot's "photo_17.jpg" means nothing to the customer, "your photo" does.
PHOTO = N_("your photo")
UNNAMED = {
    "image": N_("your image"),
    "drawing": N_("your drawing"),
    "pdf": N_("your PDF"),
    "archive": N_("your archive"),
    "text": N_("your file"),
    "audio": N_("your recording"),
    "video": N_("your video"),
}
UNNAMED_DEFAULT = N_("your file")
_HAN = "\u4e00-\u9fff"

REFUSED_SCREENSHOT = N_(
    "{file_name} looks like it is in {language} (\u201c{excerpt}\u201d). Orangesky's support "
    "needs attachments in English: switch Orangesky's interface to English and take the "
    "screenshot again, or describe what it shows in English."
)
REFUSED_DOCUMENT = N_(
    "{file_name} looks like it is in {language} (\u201c{excerpt}\u201d). Orangesky's support "
    "needs attachments in English: please send an English version, or describe its content "
    "in English."
)
REFUSED_NO_EXCERPT = N_(
    "{file_name} looks like it is in {language}. Orangesky's support needs attachments in "
    "English: switch Orangesky's interface to English and take the screenshot again, or "
    "describe what it shows in English."
)
REFUSED_TEXT = N_(
    "Your text looks like it is in {language} (\u201c{excerpt}\u201d). Orangesky's support "
    "needs everything attached to a request in English: please write it in English."
)

MESSAGES = {
    "english": N_("{file_name} is in English. Thank you, it is added to your request."),
    "no_text": N_("{file_name} has no text to check. Thank you, it is added to your request."),
    "undetermined": N_(
        "{file_name} is added to your request. Please make sure any text in it is in English."
    ),
    "audio": N_(
        "I can't check voice messages or audio for language. Please write in English "
        "what you wanted to say or what the recording shows."
    ),
    "video": N_(
        "I can't check videos for language. Please make sure Orangesky is set to "
        "English in the video, and describe in English what happens in it."
    ),
    "corrupt": N_(
        "{file_name} could not be opened: it seems damaged or incomplete. Please send it again."
    ),
    "encrypted": N_(
        "{file_name} is protected by a password, so I can't check it. Please send "
        "it without a password."
    ),
    "too_large": N_(
        "{file_name} is too large to check. Please send a smaller file, for "
        "example only the relevant part of a log, or a cropped screenshot."
    ),
    "unsupported": N_(
        "I can't check this type of file ({file_name}). Please send a "
        "screenshot, a PDF or a text file in English instead."
    ),
    "ocr_unavailable": N_(
        "I couldn't read the text in {file_name} right now, so it is not added to your "
        "request. Please send the text as a file, or describe in English what it shows."
    ),
    "timeout": N_(
        "Checking {file_name} took too long. Please send a smaller file or a cropped "
        "screenshot, or describe it in English."
    ),
    "missing": N_("The file {file_name} was not found."),
    # The bot's own failures around a check (intake/bot/attachment_work.py).
    "download_failed": N_("I could not download {file_name} from Telegram. Please send it again."),
    "error": N_(
        "Something went wrong while checking {file_name}, so it is not added to your "
        "request. Please send it again, or describe it in English."
    ),
}


def language_name(code: str | None, locale: str = "en") -> str:
    """The language's name for a customer in ``locale`` (e.g. 'ja' -> 'Japanese' / '日语'),
    from Babel; a language it does not know is "a language other than English"."""
    return i18n.language_name(code, locale) or gettext(locale, OTHER_LANGUAGE)


def file_label(
    verdict: Verdict, locale: str, file_name: str | None = None, *, photo: bool = False
) -> tuple[str, bool]:
    """(how the customer's file is named to them, whether that is our own wording)."""
    if photo:
        return gettext(locale, PHOTO), True
    if file_name:
        return file_name, False
    kind = getattr(verdict, "kind", "") or ""
    return gettext(locale, UNNAMED.get(kind, UNNAMED_DEFAULT)), True


def user_message(
    verdict: Verdict, locale: str, file_name: str | None = None, *, photo: bool = False
) -> str:
    """The message to send after checking an attachment (or typed text) for ``verdict``.

    ``file_name`` is the name the customer gave the file; ``photo`` says it was sent as a
    photo, which has no name of its own, so the message says "your photo".
    """
    kind = getattr(verdict, "kind", "") or ""
    name, ours = file_label(verdict, locale, file_name, photo=photo)
    if verdict.verdict == Outcome.REFUSED:
        if kind == "message":
            template = REFUSED_TEXT
        elif not verdict.excerpt:  # the script was recognised, its words were not
            template = REFUSED_NO_EXCERPT
        elif kind == "image":
            template = REFUSED_SCREENSHOT
        else:
            template = REFUSED_DOCUMENT
        text = gettext(
            locale,
            template,
            file_name=name,
            language=language_name(verdict.language, locale),
            excerpt=verdict.excerpt,
        )
    else:
        template = MESSAGES.get(verdict.reason, MESSAGES["unsupported"])
        text = gettext(locale, template, file_name=name)
    return _fit(text, name) if ours else text


def _fit(text: str, name: str) -> str:
    """Our own wording for a file inside a sentence: capitalised where the sentence starts
    with it ("Your photo is in English"), and no space between it and Chinese words
    ("您的照片 的内容" reads "您的照片的内容"); a file name the customer chose is left alone."""
    quoted = re.escape(name)
    text = re.sub(f"(?<=[{_HAN}]) (?={quoted})", "", text)
    text = re.sub(f"(?<={quoted}) (?=[{_HAN}])", "", text)
    return text[:1].upper() + text[1:] if text.startswith(name) else text
