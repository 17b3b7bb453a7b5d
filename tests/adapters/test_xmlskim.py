"""The bulk reader of simple elements: it must give exactly what expat alone would give.

Every test reads a document two ways, with the skimmer (`skim_parse`: matched elements in
bulk, the rest through a handler) and with ElementTree, and the values must be the same
(as a multiset, in any chunk size), and malformed documents must fail the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitygates.adapters._xml import hardened_parser
from qualitygates.adapters._xmlskim import Columns, Skim, skim_parse
from qualitygates.errors import AdapterError

ITEM = re.compile(rb'<item value="([0-9]+)"/>')


def read_skimmed(
    path: Path, chunk_bytes: int, max_tag_bytes: int = 1 << 20
) -> tuple[Counter[str], int]:
    """(values of every <item>, how many came in bulk)."""
    values: Counter[str] = Counter()
    bulk = [0]

    def take(columns: Columns) -> None:
        values.update(value.decode() for value in columns[0] if value is not None)
        bulk[0] += len(columns[0])

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "item":
            values[attrs["value"]] += 1

    parser = hardened_parser()
    parser.StartElementHandler = start
    skim_parse(path, parser, Skim(ITEM, take), chunk_bytes, max_tag_bytes)
    return values, bulk[0]


def read_tree(path: Path) -> Counter[str]:
    root = ElementTree.parse(path).getroot()
    return Counter(item.get("value", "") for item in root.iter("item"))


# Pieces of a document's body: plain items (skimmed), items the pattern does not match
# (read by the handler), and items inside comments, CDATA and PIs (never counted).
PIECES = st.sampled_from(
    [
        '<item value="1"/>',
        '<item value="22"/>\n',
        "<item value='3'/>",
        '<item  value="4"/>',
        '<item value="&#53;"/>',
        '<item value="6" other="x"/>',
        '<item value="7"></item>',
        '<!-- <item value="8"/> -->',
        '<![CDATA[ <item value="9"/> ]]>',
        '<?note <item value="10"/> ?>',
        '<items><item value="11"/></items>',
        "text &amp; more",
        "\n  ",
        '<other value="12"/>',
        "<!-- words, 1 < 2, no markup - inside -->",
        '<![CDATA[ --> ?> <item value="13"/> ]]>',
        "text --> ]] ?> more",
    ]
)


@given(body=st.lists(PIECES, max_size=30), chunk_bytes=st.integers(1, 64))
def test_skimmed_values_equal_elementtree(
    tmp_path_factory: pytest.TempPathFactory, body: list[str], chunk_bytes: int
) -> None:
    path = tmp_path_factory.mktemp("skim") / "doc.xml"
    path.write_text('<?xml version="1.0"?>\n<root>' + "".join(body) + "</root>\n")
    values, _ = read_skimmed(path, chunk_bytes)
    assert values == read_tree(path)


def test_plain_items_are_read_in_bulk(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    path.write_text("<root>" + '<item value="1"/>' * 1000 + "</root>")
    values, bulk = read_skimmed(path, 4096)
    assert values == Counter({"1": 1000})
    assert bulk == 1000


def test_skimming_goes_on_after_comments_cdata_and_instructions(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- by a tool --><root><!-- <item value="0"/> -->'
        '<![CDATA[<item value="0"/>]]><?pi <item value="0"/>?><item value="1"/></root>'
    )
    assert read_skimmed(path, 1 << 20) == (Counter({"1": 1}), 1)


@pytest.mark.parametrize("chunk_bytes", range(1, 12))
def test_a_comment_end_split_between_chunks_is_seen(tmp_path: Path, chunk_bytes: int) -> None:
    # Were the end of the comment missed, the `-->` inside the CDATA would look like it,
    # and the item inside the CDATA would be counted.
    path = tmp_path / "doc.xml"
    path.write_text(
        "<root><!-- a long comment - with no markup -->"
        '<![CDATA[ --> <item value="0"/> ]]><item value="1"/></root>'
    )
    assert read_skimmed(path, chunk_bytes)[0] == Counter({"1": 1})


def test_the_root_element_is_never_skimmed(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    path.write_text('<item value="1"/>')
    assert read_skimmed(path, 7) == (Counter({"1": 1}), 0)


@pytest.mark.parametrize(
    "text",
    [
        '<root></root><item value="1"/>',  # after the root
        '<root/><item value="1"/>',
        '<item value="1"/><root></root>',  # before the root (a second root)
    ],
)
def test_an_item_outside_the_root_is_still_malformed(tmp_path: Path, text: str) -> None:
    path = tmp_path / "doc.xml"
    path.write_text(text)
    with pytest.raises(ElementTree.ParseError):
        ElementTree.parse(path)
    with pytest.raises(AdapterError, match="is not well-formed XML"):
        read_skimmed(path, 5)


@pytest.mark.parametrize("between", ["", " ", "\n\t", "x", "<!-- c -->"])
def test_items_inside_an_attribute_value_are_still_malformed(tmp_path: Path, between: str) -> None:
    path = tmp_path / "doc.xml"
    items = f'{between}<item value="1"/>{between}<item value="2"/>'
    path.write_text(f"<root><x a='{items}'/></root>")
    with pytest.raises(ElementTree.ParseError):
        ElementTree.parse(path)
    with pytest.raises(AdapterError, match="is not well-formed XML"):
        read_skimmed(path, 1 << 20)


def test_an_item_inside_an_attribute_after_an_item_in_content_is_malformed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "doc.xml"
    path.write_text('<root><item value="1"/><x a=\'<item value="2"/>\'/></root>')
    with pytest.raises(AdapterError, match="is not well-formed XML"):
        read_skimmed(path, 1 << 20)


def test_utf16_goes_the_slow_way_with_the_same_values(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    text = '<?xml version="1.0" encoding="UTF-16"?><root>' + '<item value="1"/>' * 3 + "</root>"
    path.write_bytes(text.encode("utf-16"))
    assert read_skimmed(path, 16) == (Counter({"1": 3}), 0)


def test_a_doctype_without_a_subset_is_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE root SYSTEM "http://example.invalid/a.dtd">\n'
        '<root><item value="1"/></root>'
    )
    assert read_skimmed(path, 1 << 20) == (Counter({"1": 1}), 1)


def test_a_tag_longer_than_the_limit_stops_skimming_but_not_reading(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    long_value = "x" * 5000
    path.write_text(
        f'<root><item value="1"/><other a="{long_value}"/><item value="2"/><item value="3"/></root>'
    )
    values, bulk = read_skimmed(path, 64, max_tag_bytes=1000)
    assert values == Counter({"1": 1, "2": 1, "3": 1})
    assert bulk == 1  # only the item before the long tag


def test_an_entity_declaration_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "doc.xml"
    path.write_text('<!DOCTYPE root [<!ENTITY a "1">]><root><item value="1"/></root>')
    with pytest.raises(AdapterError, match="declares XML entities"):
        read_skimmed(path, 1 << 20)
