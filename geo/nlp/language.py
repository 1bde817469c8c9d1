"""Which language an article is written in, and whether the pipeline reads it.

English articles go through the spaCy pipeline; Ukrainian and Russian ones through the
reader for Cyrillic text (``geo.nlp.cyrillic``). Any other language is named, never read
silently into an empty result: ``unread_language_note`` gives the message the upload page and
the command line show.

The detector is lingua (Apache-2.0; its language models ship inside the package, nothing is
downloaded), in its low-accuracy mode (trigrams only: about 20 ms for a whole article, the
models loaded on first use per language) and built once per process. Two guards keep the
English path exactly as it was:

- the script decides first: a text whose letters are mostly Latin is never routed to the
  Cyrillic reader, and one mostly Cyrillic is only ever told apart among Cyrillic languages;
- a short Latin text (under ``MIN_LETTERS`` letters: a headline, an ACLED note) is too short
  to judge and is read as English, as before ("Shelling hit Kharkiv." reads as Nynorsk to
  any trigram model).

Example:
    >>> detect_language("Російські війська обстріляли Харків уночі, загинули двоє людей.")
    'uk'
    >>> detect_language("Российские войска обстреляли Харьков ночью, погибли два человека.")
    'ru'
    >>> detect_language("Shelling hit Kharkiv.")
    'en'
    >>> language_name("de")
    'German'
"""

from __future__ import annotations

from functools import cache, lru_cache

__all__ = ["CYRILLIC_READ", "MIN_LETTERS", "READ_LANGUAGES", "detect_language",
           "language_name", "unread_language_note"]

#: Languages the pipeline reads: English by spaCy, the others by ``geo.nlp.cyrillic``.
READ_LANGUAGES = frozenset({"en", "uk", "ru"})  # ("en", "uk", "ru") in messages
#: Those read by the reader for Cyrillic text.
CYRILLIC_READ = frozenset({"uk", "ru"})
#: Below this many letters a Latin-script text is read as English without asking the model.
MIN_LETTERS = 100
# How much of an article the detector reads: the head says the language, and the cost stays
# flat for a 1.5-million-character upload.
_SAMPLE = 3000
# A non-English verdict below this confidence is too weak to refuse reading an article.
_MIN_CONFIDENCE = 0.6


def _script_shares(text: str) -> tuple[float, int]:
    """The share of Cyrillic among the letters of ``text`` and the number of letters."""
    letters = cyrillic = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if "\u0400" <= ch <= "\u04ff":
                cyrillic += 1
    return (cyrillic / letters if letters else 0.0), letters


@cache
def _detectors() -> tuple[object, object]:
    """The detector for all languages and the one for Cyrillic-script languages (built once:
    building is cheap, loading a language's model happens on its first use)."""
    from lingua import Language, LanguageDetectorBuilder  # noqa: PLC0415 - on first use

    everything = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
    cyrillic = LanguageDetectorBuilder.from_languages(
        Language.UKRAINIAN, Language.RUSSIAN, Language.BELARUSIAN, Language.BULGARIAN,
        Language.MACEDONIAN, Language.SERBIAN, Language.KAZAKH, Language.MONGOLIAN,
    ).build()
    return everything, cyrillic


@lru_cache(maxsize=4096)
def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in ("en" when unsure).

    Args:
        text: an article's text (only its first few thousand characters are read).

    Returns:
        A lower-case two-letter code: "en", "uk", "ru", "de", ...
    """
    sample = text[:_SAMPLE]
    cyrillic_share, letters = _script_shares(sample)
    everything, cyrillic = _detectors()
    if cyrillic_share >= 0.5:
        found = cyrillic.detect_language_of(sample)  # type: ignore[attr-defined]
        return found.iso_code_639_1.name.lower() if found is not None else "ru"
    if letters < MIN_LETTERS:
        return "en"
    values = everything.compute_language_confidence_values(sample)  # type: ignore[attr-defined]
    if not values:
        return "en"
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if code in CYRILLIC_READ:
        return "en"  # a Latin-script text is never read as Cyrillic
    if code != "en" and best.value < _MIN_CONFIDENCE:
        return "en"
    return code


@cache
def language_name(code: str) -> str:
    """The English name of a language code ("uk" -> "Ukrainian"); the code when unknown."""
    from lingua import IsoCode639_1, Language  # noqa: PLC0415 - on first use

    try:
        iso = getattr(IsoCode639_1, code.upper())
        return Language.from_iso_code_639_1(iso).name.title()
    except (AttributeError, ValueError):
        return code


def unread_language_note(text: str, *, label: str = "") -> str | None:
    """The message for an article in a language the pipeline does not read, else None.

    Args:
        text: the article's text.
        label: how to name the article in the message (its id or file name).

    Returns:
        "x.txt: written in German, which this pipeline does not read (it reads English,
        Ukrainian and Russian): no places or incidents were taken from it", or None.
    """
    code = detect_language(text)
    if code in READ_LANGUAGES:
        return None
    read = ", ".join(language_name(c) for c in ("en", "uk", "ru"))
    prefix = f"{label}: " if label else ""
    return (f"{prefix}written in {language_name(code)}, which this pipeline does not read "
            f"(it reads {read}): no places or incidents were taken from it")
