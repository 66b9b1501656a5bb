"""The recordings layout: where a segment's camera code and UTC start are read from its path.

RECORDINGS_LAYOUT is a `str.format` pattern with two fields, `{camera}` and `{date:<strftime>}`
(the date field may appear several times, e.g. `{date:%Y-%m-%d}/{date:%H-%M-%S}`). The date needs
%Y %m %d %H %M %S; other directives are refused at start-up so a typo cannot silently index
nothing. Paths use "/" separators and are relative to RECORDINGS_ROOT.
"""

import re
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_DIRECTIVE_PATTERNS = {
    "Y": r"\d{4}",
    "m": r"\d{2}",
    "d": r"\d{2}",
    "H": r"\d{2}",
    "M": r"\d{2}",
    "S": r"\d{2}",
}
_CAMERA_PATTERN = r"[A-Za-z0-9_-]+"  # a Camera.code is a slug


@dataclass(frozen=True)
class Match:
    camera_code: str
    start: datetime  # UTC


class Layout:
    """A compiled layout: one regex per path component, plus the key each group stands for."""

    def __init__(self, pattern):
        self.pattern = pattern
        components = [[]]  # per path component: list of (regex piece, key or None)
        for literal, field, spec, conversion in string.Formatter().parse(pattern):
            self._add_literal(components, literal)
            if field is None:
                continue
            if conversion:
                raise ImproperlyConfigured(f"RECORDINGS_LAYOUT: no conversions allowed ({field})")
            if field == "camera":
                components[-1].append((_CAMERA_PATTERN, "camera"))
            elif field == "date":
                self._add_date(components, spec or "")
            else:
                raise ImproperlyConfigured(
                    f"RECORDINGS_LAYOUT: unknown field {{{field}}}; use {{camera}} and {{date:...}}"
                )
        keys = {key for component in components for _piece, key in component if key}
        missing = {"camera", *_DIRECTIVE_PATTERNS} - keys
        if missing:
            raise ImproperlyConfigured(
                f"RECORDINGS_LAYOUT {pattern!r} lacks {', '.join(sorted(missing))}"
            )
        self.depth = len(components)
        self._regexes = []
        self._keys = []
        for component in components:
            regex, keys_of = "", {}
            for piece, key in component:
                if key is None:
                    regex += piece
                else:
                    name = f"g{len(keys_of)}"
                    keys_of[name] = key
                    regex += f"(?P<{name}>{piece})"
            self._regexes.append(re.compile(regex + r"\Z"))
            self._keys.append(keys_of)

    @staticmethod
    def _add_literal(components, literal):
        for char in literal:
            if char == "/":
                components.append([])
            else:
                components[-1].append((re.escape(char), None))

    @classmethod
    def _add_date(cls, components, spec):
        index = 0
        while index < len(spec):
            char = spec[index]
            if char != "%":
                cls._add_literal(components, char)
                index += 1
                continue
            directive = spec[index + 1 : index + 2]
            if directive == "%":
                components[-1].append((re.escape("%"), None))
            elif directive in _DIRECTIVE_PATTERNS:
                components[-1].append((_DIRECTIVE_PATTERNS[directive], directive))
            else:
                raise ImproperlyConfigured(
                    f"RECORDINGS_LAYOUT: unsupported date directive %{directive}; "
                    "use %Y %m %d %H %M %S"
                )
            index += 2

    def _values(self, parts, values=None):
        """Match path components from the top; the keys they give, or None if one does not fit.

        A key that appears twice must have the same value both times.
        """
        values = dict(values or {})
        for position, part in enumerate(parts):
            found = self._regexes[position].match(part)
            if found is None:
                return None
            for name, key in self._keys[position].items():
                value = found.group(name)
                if values.setdefault(key, value) != value:
                    return None
        return values

    def parse(self, relpath):
        """The camera code and UTC start of a relative path, or None if it does not fit."""
        parts = relpath.split("/")
        if len(parts) != self.depth:
            return None
        values = self._values(parts)
        if values is None:
            return None
        try:
            start = datetime(
                *(int(values[key]) for key in ("Y", "m", "d", "H", "M", "S")), tzinfo=UTC
            )
        except ValueError:
            return None
        return Match(camera_code=values["camera"], start=start)

    def directory(self, parts):
        """What a directory's path (its components from the root) tells: None if it cannot
        contain segments, else a dict that may hold "camera" and the "date" (a date)."""
        if len(parts) >= self.depth:
            return None
        values = self._values(parts)
        if values is None:
            return None
        info = {}
        if "camera" in values:
            info["camera"] = values["camera"]
        if all(key in values for key in ("Y", "m", "d")):
            try:
                info["date"] = date(int(values["Y"]), int(values["m"]), int(values["d"]))
            except ValueError:
                return None
        return info

    def format(self, camera_code, start):
        """The relative path a segment of `camera_code` starting at `start` has."""
        return self.pattern.format(camera=camera_code, date=start.astimezone(UTC))


@lru_cache(maxsize=8)
def _compiled(pattern):
    return Layout(pattern)


def current_layout():
    return _compiled(settings.RECORDINGS_LAYOUT)
