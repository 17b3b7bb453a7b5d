from app import slug, title


def test_title() -> None:
    assert title(" cart ") == "Cart | Shop"


def test_slug_keeps_words_apart() -> None:
    # Fails on purpose: the example's web service has a bug, so its gate fails.
    assert slug("Gift  Cards") == "gift--cards"
