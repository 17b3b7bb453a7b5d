"""Most items of a large array, parsed at once by jiter, strictly and faster than `json`.

The standard library's scanner finds a repeated key only through an `object_pairs_hook`,
which builds a list of pairs and calls Python for every object: about a third more time
on a large SARIF log. jiter (pydantic's parser) refuses a repeated key, NaN and Infinity
itself, and parses the same values as `json` (the same floats, to the last bit), but it
parses a whole text and says nowhere where a value ends. So the window reader learns how
two items of an array are separated (`Separator`: the blanks and comma after an object
item, then the `{` and the first key of the next one, as the report writes them) and cuts
the window at the last place that text appears. The cut is proven, not assumed: `[` +
the text before it + `]` parses only if the cut lies between two items of the array, since
anywhere else a string or a container would be left open. Anything jiter refuses
(a repeated key, NaN, deep nesting, a cut in the wrong place) is left to the careful
path, which reads it again and says what is wrong in its own words.
"""

from __future__ import annotations

import re
from typing import Any

import jiter

#: An object's `{` and its first key, as written.
_FIRST_KEY = re.compile(r'\{[ \t\n\r]*"(?:[^"\\]|\\.)*"', re.DOTALL)
#: Shorter separators (`},{"a"`) are too common inside items to be worth a try.
_SHORTEST = 6


def separator(text: str, previous_end: int, start: int) -> str | None:
    """The text from the end of one object item to the first key of the next, which starts
    at `start`; None where the next item is not an object with a key."""
    match = _FIRST_KEY.match(text, start)
    if match is None or text[start] != "{":
        return None
    found = text[previous_end : match.end()]
    return found if len(found) >= _SHORTEST and found.count(",") == 1 else None


def items_before_last(text: str, pos: int, between: str) -> tuple[list[Any], int] | None:
    """The items from `pos` (where one starts) to the last `between` in `text`, and the
    position after that separator's comma; None when there is no such cut, or jiter
    refuses the items (the careful path then reads them)."""
    cut = text.rfind(between, pos)
    if cut <= pos:
        return None
    try:
        items = jiter.from_json(
            ("[" + text[pos:cut] + "]").encode("utf-8"),
            allow_inf_nan=False,
            catch_duplicate_keys=True,
            cache_mode="keys",
        )
    except ValueError:
        return None
    return items, cut + between.index(",") + 1
