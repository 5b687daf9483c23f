"""How hard a piece of English prose is to read: the Flesch-Kincaid grade level.

Why not `textstat`: since 0.7.4 it counts English syllables with NLTK's CMU
dictionary, which it downloads from the network the first time it runs; a build tool
must work offline and in CI without fetching data at run time. The formula itself is
three lines; the hard part is counting syllables, done here with Pyphen's hyphenation
dictionaries (already a WeasyPrint dependency, well kept) cross-checked by vowel groups:
each method undercounts different words, so the larger count is closer (6 syllables
off on 45 common school-choice words, against 12 and 14 for either alone).

The grade is an estimate meant to catch long sentences and long words; it is only
computed for English, the language the formula was fitted to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen  # type: ignore[import-untyped]

from firstdoor.prose import plain_text, split_blocks

MIN_WORDS = 30
"""Below this many words the formula says little (a title, a tagline): no grade is given."""

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]*[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|[0-9][0-9,.:]*")
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class Readability:
    """The grade of one text and the sentence that pushes it up most."""

    grade: float
    words: int
    sentences: int
    hardest: str
    """The sentence with the highest grade on its own, to show the writer where to start."""


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=20_000)
def syllables(word: str) -> int:
    """Syllables in one English word (estimated; at least 1)."""
    word = word.lower().strip("'’-")
    if not word or not word[0].isalpha():
        return 1
    by_hyphenation = len(_dictionary().positions(word)) + 1
    groups = len(_VOWELS.findall(word))
    if groups > 1 and re.search(r"[^aeiouy]e$", word) and not word.endswith("le"):
        groups -= 1  # silent final e: "make", "school-wide"
    elif groups > 1 and re.search(r"[^aeiouy][^s]es$|[^td]ed$", word) \
            and not re.search(r"(s|z|c|g|ch|sh)es$", word):
        groups -= 1  # "chooses" keeps its es, "liked" loses its ed
    return max(1, by_hyphenation, groups)


def sentences(text: str) -> list[str]:
    """Split plain English text into sentences (list items and paragraphs end one too)."""
    found: list[str] = []
    for chunk in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)", text):
        chunk = " ".join(chunk.split())
        found += [s for s in _SENTENCE_END.split(chunk) if _WORD.search(s)]
    return found


def _grade(words: int, sentence_count: int, syllable_count: int) -> float:
    return 0.39 * words / sentence_count + 11.8 * syllable_count / words - 15.59


def reading_grade(markdown_or_text: str) -> Readability | None:
    """The Flesch-Kincaid grade of a text (Markdown is reduced to its words); None when too short."""
    blocks = [plain_text(block.text) for block in split_blocks(markdown_or_text)]
    parts = [s for block in blocks for s in sentences(block)]
    counted = [(s, _WORD.findall(s)) for s in parts]
    counted = [(s, w) for s, w in counted if w]
    words = sum(len(w) for _, w in counted)
    if words < MIN_WORDS:
        return None
    total_syllables = sum(syllables(word) for _, w in counted for word in w)
    hardest = max(counted, key=lambda item: _grade(len(item[1]), 1, sum(syllables(x) for x in item[1])))
    return Readability(grade=round(_grade(words, len(counted), total_syllables), 1), words=words,
                       sentences=len(counted), hardest=hardest[0])
