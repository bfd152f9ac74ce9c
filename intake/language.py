# ruff: noqa: RUF001  (Chinese, Japanese and Cyrillic text is the point here)
"""Which language a text is in, tuned for support texts: short, technical, often logs.

Statistical detectors alone get short support texts wrong (Traditional Chinese comes out
Korean, a quarter of English logs come out "not English"), so the decision is layered:

1. Unicode scripts. Han, Kana, Hangul, Cyrillic, Arabic, Thai... decide by themselves once
   they make up a real share of the text's letters (weighted: one Han character carries about
   as much as two or three Latin letters) or 40 % of its words (Chinese carrying English
   terms: "Error 500 了"), so a stray glyph or a Chinese name does not turn English into
   Chinese, and copied English words do not turn Chinese into English.
2. Latin script: technical tokens (URLs, paths, identifiers, anything with a digit,
   stack-trace lines) are stripped, and what is left is English when it is mostly words from
   a list of about 12,000 frequent English words shipped with the package.
3. Only then langdetect, limited to Latin-script languages, and it refuses only with a clear
   margin. When in doubt the answer is "unsure", which the attachment policy accepts:
   refusing English is the worse error.

Plain Python: used by the attachment policy and by the dialogue (language switch hints).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["LanguageGuess", "analyse", "detect_language", "suggest_switch"]

# (first code point, last code point, script). Letters outside these ranges are ignored.
_RANGES = sorted(
    [
        (0x0041, 0x005A, "Latin"),
        (0x0061, 0x007A, "Latin"),
        (0x00C0, 0x024F, "Latin"),
        (0x1E00, 0x1EFF, "Latin"),
        (0x0370, 0x03FF, "Greek"),
        (0x1F00, 0x1FFF, "Greek"),
        (0x0400, 0x052F, "Cyrillic"),
        (0x0530, 0x058F, "Armenian"),
        (0x0590, 0x05FF, "Hebrew"),
        (0x0600, 0x06FF, "Arabic"),
        (0x0750, 0x077F, "Arabic"),
        (0xFB50, 0xFDFF, "Arabic"),
        (0xFE70, 0xFEFF, "Arabic"),
        (0x0900, 0x097F, "Devanagari"),
        (0x0980, 0x09FF, "Bengali"),
        (0x0A00, 0x0A7F, "Gurmukhi"),
        (0x0A80, 0x0AFF, "Gujarati"),
        (0x0B80, 0x0BFF, "Tamil"),
        (0x0C00, 0x0C7F, "Telugu"),
        (0x0C80, 0x0CFF, "Kannada"),
        (0x0D00, 0x0D7F, "Malayalam"),
        (0x0D80, 0x0DFF, "Sinhala"),
        (0x0E00, 0x0E7F, "Thai"),
        (0x0E80, 0x0EFF, "Lao"),
        (0x1000, 0x109F, "Myanmar"),
        (0x10A0, 0x10FF, "Georgian"),
        (0x1200, 0x139F, "Ethiopic"),
        (0x1780, 0x17FF, "Khmer"),
        (0x1100, 0x11FF, "Hangul"),
        (0x3130, 0x318F, "Hangul"),
        (0xAC00, 0xD7AF, "Hangul"),
        (0x3040, 0x309F, "Kana"),
        (0x30A0, 0x30FF, "Kana"),
        (0x31F0, 0x31FF, "Kana"),
        (0x3400, 0x4DBF, "Han"),
        (0x4E00, 0x9FFF, "Han"),
        (0xF900, 0xFAFF, "Han"),
        (0x20000, 0x2FA1F, "Han"),
    ]
)
_STARTS = [r[0] for r in _RANGES]

# Language of a script that (nearly) one language uses in support texts.
_SCRIPT_LANGUAGE = {
    "Greek": "el",
    "Armenian": "hy",
    "Hebrew": "he",
    "Devanagari": "hi",
    "Bengali": "bn",
    "Gurmukhi": "pa",
    "Gujarati": "gu",
    "Tamil": "ta",
    "Telugu": "te",
    "Kannada": "kn",
    "Malayalam": "ml",
    "Sinhala": "si",
    "Thai": "th",
    "Lao": "lo",
    "Myanmar": "my",
    "Georgian": "ka",
    "Ethiopic": "am",
    "Khmer": "km",
}
# How much one character of a script weighs against one Latin letter (about per word).
_WEIGHT = {"Han": 2.5, "Hangul": 2.0, "Kana": 1.5}
_CJK = ("Han", "Kana", "Hangul")

# A script decides when it has at least this share of the weighted letters...
SCRIPT_SHARE = 0.5
# ...or of the prose's words: Chinese with English terms ("API 返回 401 Unauthorized, token
# 是刚生成的") has fewer Han characters than Latin letters, but most of its words are Chinese.
# A Han or Kana run counts one word per CJK_CHARS_PER_WORD characters (Chinese words are one
# or two characters), a Latin, Cyrillic, Hangul... word counts one.
SCRIPT_WORD_SHARE = 0.4
CJK_CHARS_PER_WORD = 1.5
# ...and English is accepted when at least this share of its Latin words are English.
ENGLISH_SHARE = 0.75
# langdetect refuses only above this probability, with fewer English words than this share.
LANGDETECT_MIN_PROB = 0.85
LANGDETECT_MAX_ENGLISH = 0.5
LANGDETECT_MIN_LETTERS = 12
# For suggest_switch: English only from longer Latin text.
SWITCH_MIN_WORDS = 4

# Latin-script languages langdetect may answer with (its profile names).
_LATIN_PROFILES = (
    "af",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "hr",
    "hu",
    "id",
    "it",
    "lt",
    "lv",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "so",
    "sq",
    "sv",
    "sw",
    "tl",
    "tr",
    "vi",
)

_CYRILLIC_PROFILES = ("bg", "mk", "ru", "uk")

# Short function words that mark a language and are rare in English prose. Two of them are
# enough evidence where langdetect hesitates on a short text, and they name the language
# where langdetect confuses neighbours (Dutch/Afrikaans, Swedish/Tagalog).
_MARKERS = {
    lang: frozenset(words.split())
    for lang, words in {
        "es": "el los las una del por para pero está están mis lo que con sin muy ya hola "
        "gracias favor puedo también después",
        "fr": "le les une des est et je ne pas sur mon mes mais avec pour ça vous nous rien "
        "depuis merci toujours",
        "de": "der die das und ich nicht ist mit auf ein eine mein meine sie es wird kann "
        "jetzt danke bitte nach wenn",
        "pt": "os uma não com para mas minha meu está agora obrigado você depois",
        "it": "il gli non una della per che sono mio mia al ma adesso grazie ancora dopo",
        "nl": "het een ik niet van en zijn wordt worden kan mijn bij na nu bedankt werkt",
        "pl": "nie się jest na do mogę mnie jak ale po dziękuję teraz",
        "sv": "jag inte och är det att för med kan på efter nu tack",
        "cs": "je na po nemohu jak ale děkuji",
        "tr": "bir ve bu için ile değil çok sonra şimdi teşekkürler",
        "id": "saya tidak bisa yang dan di ke ini itu sudah setelah",
        "vi": "tôi không của và được này có khi sau",
        "ro": "nu pe cu la este după și pot",
        "uk": "не можу після що як це дякую для від усе",
        "ru": "не могу после что как это спасибо для от всё",
    }.items()
}

_TRACE_LINE = re.compile(
    r"""^\s*(?:
        at\s+\S+.*\(.*\)\s*$            # Java / .NET / JavaScript frames
      | at\s+[\w$.<>/\\:-]+\s*$
      | File\s+".*",\s+line\s+\d+       # Python frames
      | Traceback\s+\(most\s+recent
      | \.\.\.\s*\d+\s+more
      | \#\d+\s+0x[0-9a-f]+             # gdb / native frames
      | goroutine\s+\d+
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_TOKEN_EDGE = "\"'`.,;:!?()[]{}<>«»“”‘’„*-–—…|"
_SYMBOLS = re.compile(r"[=<>{}\[\]()$#%&*|~^`+\\/@:;_]")
_CAMEL = re.compile(r"[a-z][A-Z]")
_DOTTED = re.compile(r"\w\.\w")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class LanguageGuess:
    """What the text is in, how we know, and a short piece of it to show as evidence."""

    language: str | None  # ISO 639-1; 'en' also for text that is only technical tokens
    method: str  # 'empty', 'technical', 'script', 'words', 'langdetect', 'unsure'
    confidence: float
    excerpt: str
    latin_words: int = 0

    @property
    def english(self) -> bool:
        return self.language == "en"


def _script(ch: str) -> str | None:
    cp = ord(ch)
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= _RANGES[i][1]:
        return _RANGES[i][2]
    return None


@cache
def english_words() -> frozenset[str]:
    path = Path(__file__).with_name("english_words.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    words = {line.strip() for line in lines if line and not line.startswith("#")}
    return frozenset(words | _EXTRA_WORDS)


# Support vocabulary a general frequency list misses or drops.
_EXTRA_WORDS = frozenset(
    """
    app apps login logout logins signin signup username usernames password passwords email emails
    inbox dropdown checkbox popup popups timeout timeouts localhost config configs async null nan
    undefined stacktrace traceback exception exceptions webhook webhooks frontend backend plugin
    plugins firmware wifi bluetooth smartphone iphone ipad android ios macos linux windows chrome
    firefox safari edge opera orangesky sso okta api apis url urls csv pdf pdfs xlsx json http
    https
    sync synced syncing unsync upload uploads uploaded uploading download downloads redirect
    redirects redirected cache cached cookies cookie reinstall reinstalled reinstalling repro
    screenshot screenshots dashboard dashboards workspace workspaces admin admins fyi thx pls plz
    asap ok okay hi hey hello care men war per repo repos dns ssl tls vpn proxy cpu gpu ram ssd usb
    gui ui ux os vm vms qr sms otp mfa faq faqs tos gdpr vat hr it's i'm i've i'd i'll can't don't
    doesn't didn't won't isn't aren't wasn't weren't haven't hasn't couldn't shouldn't wouldn't
    unreadable unclickable greyed grayed choppy spins spinner laggy glitch glitches incognito
    fetch fetching reload reloads reloaded refresh refreshed retry retries retrying rebooted
""".split()
)


_PATH_START = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\|~?/|\.{1,2}/|[a-z][a-z0-9+.-]*://|www\.)")
_LOG_LEVELS = frozenset("TRACE DEBUG INFO NOTICE WARN WARNING ERROR ERR FATAL CRITICAL".split())


def _is_path_or_url(token: str) -> bool:
    """A path or URL, whatever script its folder names are in (C:\\用户\\张伟\\...)."""
    core = token.strip(_TOKEN_EDGE)
    return bool(_PATH_START.match(core)) or core.count("\\") >= 2


def _is_technical(token: str) -> bool:
    core = token.strip(_TOKEN_EDGE)
    if not core:
        return True
    if any(ch.isdigit() for ch in core):
        return True
    if "://" in core or core.lower().startswith("www."):
        return True
    if _SYMBOLS.search(core) or _CAMEL.search(core) or _DOTTED.search(core):
        return True
    return False


def _has_non_latin_letter(token: str) -> bool:
    return any(ch.isalpha() and _script(ch) not in (None, "Latin") for ch in token)


def _prose(text: str) -> str:
    """The text without stack-trace lines and technical tokens (non-Latin text is kept)."""
    kept_lines = []
    for line in text.splitlines():
        if _TRACE_LINE.match(line):
            continue
        tokens = [
            t
            for t in line.split()
            if not _is_path_or_url(t) and (_has_non_latin_letter(t) or not _is_technical(t))
        ]
        if tokens:
            kept_lines.append(" ".join(tokens))
    return "\n".join(kept_lines)


_CJK_CHARS = "\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"  # not Hangul: Korean has real spaces
_CJK_GAP = re.compile(f"(?<=[{_CJK_CHARS}])[ \t]+(?=[{_CJK_CHARS}])")


def collapse_cjk_spaces(text: str) -> str:
    """No space between two Chinese or Japanese characters: OCR puts spaces between Han
    characters ('无 法 导出'), and a Chinese name put in a Chinese sentence must not keep the
    spaces a Latin one needs."""
    return _CJK_GAP.sub("", text)


def _script_counts(text: str, min_run: int) -> tuple[dict[str, float], dict[str, int]]:
    """Weighted letters per script, and raw counts; CJK counted only in runs >= min_run."""
    weighted: dict[str, float] = {}
    raw: dict[str, int] = {}
    run: list[str] = []

    def flush() -> None:
        if len(run) >= min_run:
            for script in run:
                weighted[script] = weighted.get(script, 0.0) + _WEIGHT[script]
                raw[script] = raw.get(script, 0) + 1
        run.clear()

    for ch in text:
        script = _script(ch)
        if script in _CJK:
            run.append(script)
            continue
        if ch.isspace() and not run:
            continue
        flush()
        if script is not None and ch.isalpha():
            weighted[script] = weighted.get(script, 0.0) + 1.0
            raw[script] = raw.get(script, 0) + 1
    flush()
    return weighted, raw


_HAN_KANA_RUN = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+"
)


def _word_counts(prose: str, min_run: int) -> dict[str, float]:
    """Words per script in the prose: Han and Kana runs by length, other scripts one each.

    Log levels and single Latin letters are not words here: they say nothing about the
    language the customer wrote in.
    """
    counts: dict[str, float] = {}
    for match in _HAN_KANA_RUN.finditer(prose):
        run = match.group()
        if len(run) >= min_run:
            script = "Kana" if any(_script(ch) == "Kana" for ch in run) else "Han"
            counts[script] = counts.get(script, 0.0) + max(1.0, len(run) / CJK_CHARS_PER_WORD)
    for word in _WORD.findall(_HAN_KANA_RUN.sub(" ", prose)):
        scripts = {s for s in map(_script, word) if s is not None} - {"Latin"}
        if scripts:
            script = max(scripts, key=lambda s: sum(_script(ch) == s for ch in word))
            counts[script] = counts.get(script, 0.0) + 1.0
        elif (len(word) > 1 or word in "Ia") and word not in _LOG_LEVELS:
            counts["Latin"] = counts.get("Latin", 0.0) + 1.0
    return counts


def _cjk_language(raw: dict[str, int]) -> str:
    han, kana, hangul = raw.get("Han", 0), raw.get("Kana", 0), raw.get("Hangul", 0)
    total = han + kana + hangul
    if hangul >= 0.3 * total:
        return "ko"
    if kana >= 0.1 * total:
        return "ja"
    return "zh"


def _cyrillic_language(text: str) -> str:
    lower = text.lower()
    if any(ch in lower for ch in "іїєґ"):
        return "uk"
    if "ў" in lower:
        return "be"
    if any(ch in lower for ch in "ђћџљњј"):
        return "sr"
    if any(ch in lower for ch in "ѓќѕ"):
        return "mk"
    if any(ch in lower for ch in "әғқңөұүһ"):
        return "kk"
    if sum(ch.isalpha() for ch in lower) < LANGDETECT_MIN_LETTERS:
        return "ru"
    ranked = _langdetect(text, _CYRILLIC_PROFILES)
    if ranked and ranked[0][1] >= LANGDETECT_MIN_PROB:
        return ranked[0][0]
    return "ru"


def _arabic_language(text: str) -> str:
    if any(ch in text for ch in "ٹڈڑںےۓ"):
        return "ur"
    if any(ch in text for ch in "پچژگی"):
        return "fa"
    return "ar"


# Kangxi and supplementary radicals: PDF text extraction gives '⼗' for '十'. Only these are
# mapped for the quote; other compatibility forms are shown as the file has them.
_RADICALS = re.compile("[\u2e80-\u2fdf]")


def _excerpt(text: str, script: str | None = None, limit: int = 60) -> str:
    """The line with the most letters of ``script`` (or the first line with text), shortened."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if script is not None:
        lines.sort(key=lambda line: -sum(_script(ch) == script for ch in line))
    if not lines:
        return ""
    line = _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), lines[0])
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


_detector_lock = threading.Lock()


@cache
def _factory(names: tuple[str, ...]):
    """A langdetect factory that knows only ``names``, seeded for repeatability."""
    import json

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    profiles = []
    for name in names:
        with open(Path(PROFILES_DIRECTORY) / name, encoding="utf-8") as handle:
            profiles.append(json.dumps(json.load(handle)))
    factory.load_json_profile(profiles)
    factory.set_seed(0)
    return factory


def _langdetect(text: str, names: tuple[str, ...] = _LATIN_PROFILES) -> list[tuple[str, float]]:
    from langdetect.lang_detect_exception import LangDetectException

    with _detector_lock:
        detector = _factory(names).create()
        detector.append(text)
        try:
            found = detector.get_probabilities()
        except LangDetectException:
            return []
    return [(p.lang, p.prob) for p in found]


def _marker_vote(words: list[str]) -> tuple[str | None, int]:
    """The language with the most marker words, and how many, when it clearly leads."""
    lowered = [w.lower() for w in words]
    scores = sorted(
        ((sum(w in markers for w in lowered), lang) for lang, markers in _MARKERS.items()),
        reverse=True,
    )
    (best, lang), (second, _) = scores[0], scores[1]
    if best == 0 or best < 2 * second:
        return None, 0
    return lang, best


def _latin(prose: str, raw_text: str) -> LanguageGuess:
    words = _WORD.findall(prose)
    known = english_words()
    english = other = 0
    accented = 0
    for word in words:
        lower = word.lower().replace("’", "'")
        if lower in known:
            english += 1
        elif word.isascii() and (word.isupper() or (word[0].isupper() and len(words) > 1)):
            continue  # acronyms and names: neither English nor not
        elif len(word) == 1:
            continue
        else:
            other += 1
            accented += not word.isascii()
    counted = english + other
    if counted == 0:
        if words:
            return LanguageGuess("en", "words", 0.5, "", len(words))
        return LanguageGuess("en", "technical", 0.6, "", 0)
    share = english / counted
    if share >= ENGLISH_SHARE and not (accented and accented * 3 >= counted):
        return LanguageGuess("en", "words", share, "", counted)
    letters = sum(len(w) for w in words)
    ranked = _langdetect(prose)
    probs = dict(ranked)
    not_english = 1.0 - probs.get("en", 0.0)
    top_lang = next((lang for lang, _ in ranked if lang != "en"), None)
    marker_lang, hits = _marker_vote(words)
    excerpt = _excerpt(prose) or _excerpt(raw_text)
    if ranked and ranked[0][0] == "en" and hits < 2:
        return LanguageGuess("en", "langdetect", ranked[0][1], "", counted)
    if (
        share < LANGDETECT_MAX_ENGLISH
        and letters >= LANGDETECT_MIN_LETTERS
        and (not_english >= LANGDETECT_MIN_PROB or hits >= 2)
    ):
        top_prob = probs.get(top_lang, 0.0) if top_lang else 0.0
        # Three marker words outweigh langdetect's n-grams on a short text.
        use_markers = hits >= 3 or (hits >= 2 and top_prob < LANGDETECT_MIN_PROB)
        language = marker_lang if use_markers else top_lang
        return LanguageGuess(language, "langdetect", max(not_english, 0.5), excerpt, counted)
    if share >= LANGDETECT_MAX_ENGLISH:
        return LanguageGuess("en", "words", share, "", counted)
    return LanguageGuess(None, "unsure", 1.0 - share, excerpt, counted)


def analyse(text: str, *, ocr: bool = False) -> LanguageGuess:
    """Decide the language of ``text``; ``ocr=True`` ignores isolated CJK glyphs (icons)."""
    shown = collapse_cjk_spaces(text or "") if ocr else (text or "")
    text = unicodedata.normalize("NFKC", shown)  # fullwidth Latin and digits become ASCII
    if not text.strip():
        return LanguageGuess(None, "empty", 1.0, "")
    prose = _prose(text)
    weighted, raw = _script_counts(prose, min_run=2 if ocr else 1)
    total = sum(weighted.values())
    if total == 0:
        has_technical = any(ch.isalnum() for ch in text)
        if has_technical:
            return LanguageGuess("en", "technical", 0.6, "")
        return LanguageGuess(None, "empty", 1.0, "")
    cjk = sum(weighted.get(s, 0.0) for s in _CJK)
    others = {s: w for s, w in weighted.items() if s not in _CJK and s != "Latin"}
    best_other = max(others, key=others.__getitem__) if others else None
    min_chars = 4 if ocr else 1
    if (
        cjk >= max(others.values(), default=0.0)
        and cjk / total >= SCRIPT_SHARE
        and sum(raw.get(s, 0) for s in _CJK) >= min_chars
    ):
        language = _cjk_language(raw)
        script = "Hangul" if language == "ko" else "Kana" if language == "ja" else "Han"
        return LanguageGuess(language, "script", cjk / total, _excerpt(shown, script))
    words = _word_counts(prose, min_run=2 if ocr else 1)
    all_words = sum(words.values()) or 1.0  # only log levels and single letters
    cjk_words = sum(words.get(s, 0.0) for s in _CJK)
    other_words = {s: n for s, n in words.items() if s not in _CJK and s != "Latin"}
    if (
        cjk_words >= max(other_words.values(), default=0.0)
        and cjk_words / all_words >= SCRIPT_WORD_SHARE
        and sum(raw.get(s, 0) for s in _CJK) >= min_chars
    ):
        # Chinese (or Japanese, Korean) prose carrying English terms, names and numbers
        language = _cjk_language(raw)
        script = "Hangul" if language == "ko" else "Kana" if language == "ja" else "Han"
        return LanguageGuess(language, "script", cjk_words / all_words, _excerpt(shown, script))
    # Cyrillic, Arabic... prose with English terms ("Ошибка 500 при входе в Settings")
    other_by_words = (
        best_other is not None
        and other_words.get(best_other, 0.0) / all_words >= SCRIPT_WORD_SHARE
    )
    if (
        best_other
        and (weighted[best_other] / total >= SCRIPT_SHARE or other_by_words)
        and raw[best_other] >= min_chars
    ):
        if best_other == "Cyrillic":
            language = _cyrillic_language(prose)
        elif best_other == "Arabic":
            language = _arabic_language(prose)
        else:
            language = _SCRIPT_LANGUAGE[best_other]
        return LanguageGuess(
            language, "script", weighted[best_other] / total, _excerpt(shown, best_other)
        )
    latin_only = "".join(ch if _script(ch) in (None, "Latin") else " " for ch in prose)
    return _latin(latin_only, shown)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is no text or we are unsure."""
    guess = analyse(text)
    if guess.method in ("empty", "technical", "unsure"):
        return None
    return guess.language


def suggest_switch(text: str, current_locale: str) -> str | None:
    """The dialogue locale to offer when the user clearly writes in the other one.

    'zh_Hans' for Chinese typed in the English dialogue; 'en' for longer English typed in the
    Chinese dialogue (short Latin text such as 'OK' or an error code is no reason to switch).
    """
    guess = analyse(text)
    if current_locale == "en" and guess.language == "zh" and guess.method == "script":
        return "zh_Hans"
    if (
        current_locale == "zh_Hans"
        and guess.language == "en"
        and guess.method in ("words", "langdetect")
        and guess.latin_words >= SWITCH_MIN_WORDS
        and guess.confidence >= ENGLISH_SHARE
    ):
        return "en"
    return None
