"""Every item of a list endpoint, page after page, following ``next_cursor``."""

from typing import Any, Callable, Iterator, Mapping, Optional


def paginate(fetch_page: Callable[[Optional[str]], Mapping[str, Any]]) -> Iterator[Any]:
    """Yields the items of each page as the loop asks for them; stopping the loop stops the paging."""
    cursor: Optional[str] = None
    while True:
        page = fetch_page(cursor)
        yield from page.get("items") or []
        cursor = page.get("next_cursor")
        if not cursor:
            return
