"""Fonts for the certificate and the watermark, and the split of text into script runs.

Every font comes from a pip package, never the system: Bitstream Vera (inside the reportlab
wheel) for Latin text, Noto Sans Devanagari (`fontpkg-noto-sans-devanagari`) for Hindi and other
Devanagari text. Noto Sans Devanagari also draws Basic Latin, so one watermark line can mix both.
"""

import re
from pathlib import Path

import fontpkg
import reportlab

DEVANAGARI_FAMILY = "Noto Sans Devanagari"

# Devanagari, Devanagari Extended and Vedic Extensions.
_DEVANAGARI_CHAR = "[\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff]"
# A Devanagari run spans whole words (with their punctuation, digits or Latin letters) and the
# spaces between such words: reportlab shapes a word with the font of its first fragment, so a
# word must never be split across two fonts.
_DEVANAGARI_RUN = re.compile(
    rf"\S*{_DEVANAGARI_CHAR}\S*(?:\s+\S*{_DEVANAGARI_CHAR}\S*)*",
)


def vera_path(variant=""):
    """Bitstream Vera, shipped inside the reportlab wheel: "", "Bd", "It" or "BI"."""
    return Path(reportlab.__file__).parent / "fonts" / f"Vera{variant}.ttf"


def devanagari_path():
    """Noto Sans Devanagari (variable font, drawn at its default Regular instance)."""
    return fontpkg.path(DEVANAGARI_FAMILY)


def has_devanagari(text):
    return re.search(_DEVANAGARI_CHAR, text) is not None


def script_runs(text):
    """The text as [(is_devanagari, part), ...], in order; the parts join back to the text."""
    runs, position = [], 0
    for match in _DEVANAGARI_RUN.finditer(text):
        if match.start() > position:
            runs.append((False, text[position : match.start()]))
        runs.append((True, match.group()))
        position = match.end()
    if position < len(text):
        runs.append((False, text[position:]))
    return runs
