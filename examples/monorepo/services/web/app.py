"""The web service: page titles."""


def title(page: str) -> str:
    return f"{page.strip().title()} | Shop"


def slug(page: str) -> str:
    return "-".join(page.lower().split())
