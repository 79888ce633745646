"""Lists shown a page at a time, the newest first: page N is named by a query
parameter (``?past=2``), and one row more than shown is read to know whether
an older page exists, so no page counts the whole list."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

# A page number beyond this is read as this one: deep offsets cost the database.
LAST_PAGE = 1000


@dataclass(frozen=True)
class Page:
    """One page: its rows, its number (from 1), and the numbers of the older
    and newer pages, None where there is none."""

    rows: list
    number: int
    older: int | None
    newer: int | None


def page_of(request: HttpRequest, rows: QuerySet, *, param: str, per_page: int) -> Page:
    """The page of `rows` (already in order) that ``request.GET[param]`` names;
    a missing or malformed number means the first page."""
    try:
        number = max(1, min(int(request.GET.get(param, 1)), LAST_PAGE))
    except ValueError:
        number = 1
    offset = (number - 1) * per_page
    read = list(rows[offset : offset + per_page + 1])
    return Page(
        rows=read[:per_page],
        number=number,
        older=number + 1 if len(read) > per_page else None,
        newer=number - 1 if number > 1 else None,
    )
