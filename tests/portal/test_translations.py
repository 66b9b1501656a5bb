"""The Hindi catalogue: every message translated, and the compiled .mo matches the .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "portal" / "locale" / "hi" / "LC_MESSAGES"


def po_entries(path):
    """(msgid, msgstr or [plural forms], fuzzy) for each entry of a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current, fuzzy = {}, None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            else:
                current, _space, value = line.partition(" ")
                fields[current] = ast.literal_eval(value)
        if fields.get("msgid"):
            plural = [fields[k] for k in sorted(fields) if k.startswith("msgstr[")]
            entries.append((fields["msgid"], plural or fields.get("msgstr", ""), fuzzy))
    return entries


def test_every_message_has_a_hindi_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 400
    untranslated = [m for m, s, _f in entries if not s or (isinstance(s, list) and not all(s))]
    fuzzy = [m for m, _s, f in entries if f]
    assert not untranslated, f"untranslated: {untranslated[:5]}"
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:5]}"


def test_compiled_catalogue_matches_the_source():
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr, _fuzzy in po_entries(LOCALE / "django.po"):
        if isinstance(msgstr, str):
            assert compiled.gettext(msgid) == msgstr, f"django.mo is stale for {msgid!r}"
