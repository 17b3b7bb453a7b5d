"""The patterns a bulk read takes XML attributes with, so that a match is well-formed.

A skimmed element must be one expat would accept: values of printable ASCII without
references, and no attribute named twice (the one rule a plain pattern cannot check, and
which `distinct_attributes` checks by comparing each name with those before it).
"""

from __future__ import annotations

import re

#: The characters of an attribute value a pattern may take: printable ASCII but `"&<>`.
VALUE_CHARS = rb"[ !#-%'-;=?-~]"
#: An attribute name, as a pattern takes it.
ATTRIBUTE_NAME = rb"[A-Za-z_:][-A-Za-z0-9_.:]*+"


def distinct_attributes(
    most: int,
    taken: tuple[bytes, ...] = (),
    guard: bytes = b"",
    common: tuple[tuple[bytes, ...], ...] = (),
) -> bytes:
    """A pattern for up to `most` attributes (` name="value"`), no name twice and none of
    `taken` (the names a pattern spells out before them) nor what `guard` (a pattern)
    matches, so that a match is well-formed. Its groups are named `a1`, `a2`, ... (all
    but the last attribute's: nothing after it compares with it).

    `common` lists the attribute names of the elements most reports write, in their
    order: those are tried first, spelt out, so that the usual element is taken without
    capturing its names (which costs a third of the bulk read of a large JUnit report)."""
    pattern = b""
    for number in range(most, 0, -1):  # built from the innermost, optional, attribute out
        earlier = [re.escape(name) for name in taken] + ([guard] if guard else [])
        earlier += [rb"(?P=a%d)" % before for before in range(1, number)]
        unlike = rb"(?!(?:" + b"|".join(earlier) + rb")=)" if earlier else b""
        # The last name is compared with those before it, never with a later one: no group.
        name = ATTRIBUTE_NAME if number == most else rb"(?P<a%d>" % number + ATTRIBUTE_NAME + rb")"
        attribute = rb" " + unlike + name + rb'="'
        pattern = rb"(?:" + attribute + VALUE_CHARS + rb'*+"' + pattern + rb")?+"
    shapes = [_spelt_out(names, taken) for names in common]
    return rb"(?:" + b"|".join([*shapes, pattern]) + rb")" if shapes else pattern


def _spelt_out(names: tuple[bytes, ...], taken: tuple[bytes, ...]) -> bytes:
    """The attributes `names`, in this order, each with any value a pattern may take."""
    if len(set(names)) != len(names) or set(names) & set(taken):
        raise ValueError(f"a common shape must name distinct attributes: {names!r}")
    return b"".join(rb" " + re.escape(name) + rb'="' + VALUE_CHARS + rb'*+"' for name in names)
