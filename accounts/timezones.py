"""The time zones a person can pick: current IANA location names, no legacy aliases.

Source: the `tzdata` package (the IANA time zone database, the same data
zoneinfo falls back to). Its `zone.tab` lists one current name per country and
clock history ("Europe/Berlin", "Africa/Asmara", "Asia/Kolkata"); the names
kept only so old software keeps working ("US/Pacific", "Africa/Asmera",
"Asia/Calcutta") are Links in `tzdata.zi` and never appear in zone.tab. zone.tab
rather than zone1970.tab: the latter merges countries (no Europe/Amsterdam,
only Europe/Brussels), and people look for their own city. "UTC" is added for
those who keep their calendar in UTC.
"""

from functools import lru_cache
from importlib import resources

UTC = "UTC"
# Zones (and the links to them) that keep UTC's clock: offered as "UTC".
SAME_AS_UTC = {"Etc/UTC", "Etc/GMT"}


def _tzdata_lines(name: str) -> list[str]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def canonical_timezones() -> tuple[str, ...]:
    """Every zone the picker offers, sorted: zone.tab's third column plus "UTC"."""
    names = {line.split("\t")[2] for line in _tzdata_lines("zone.tab")}
    return tuple(sorted(names | {UTC}))


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    # tzdata.zi writes each Link as "L <target> <alias>".
    links = {}
    for line in _tzdata_lines("tzdata.zi"):
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def canonical_name(name: str) -> str | None:
    """The picker's name for `name`: itself when it is current, the current name an
    alias links to ("US/Pacific" → "America/Los_Angeles"; "UTC" for Etc/UTC, GMT and
    their aliases), or None when unknown or when the alias points at no zone the
    picker offers."""
    zones = canonical_timezones()
    if name in zones:
        return name
    target = _links().get(name, name)
    if target in SAME_AS_UTC:
        return UTC
    return target if target in zones else None
