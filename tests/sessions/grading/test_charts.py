"""Each chart is drawn wide for desktops and narrow for phones, from the same data."""

import re
from datetime import UTC, datetime, timedelta

from sessions.grading.charts import NARROW, WIDE, Series, line_chart

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _chart(sessions: int = 8):
    points = [(START + timedelta(days=7 * i), 1 + i % 4) for i in range(sessions)]
    return line_chart(
        chart_id="chart-system_design",
        title="System design: scores over time",
        series=[Series(label="Communication", points=points)],
        y_min=1,
        y_max=4,
        y_ticks=[1, 2, 3, 4],
    )


def _drawings(svg: str) -> dict[str, str]:
    """The SVG of each drawing, by its variant ("wide", "narrow")."""
    pattern = re.compile(r'<svg class="chart chart-(\w+)".*?</svg>', re.S)
    return {m.group(1): m.group(0) for m in pattern.finditer(svg)}


def test_it_draws_a_wide_and_a_narrow_svg_of_the_same_points():
    drawings = _drawings(_chart().svg)
    assert set(drawings) == {"wide", "narrow"}
    assert f'viewBox="0 0 {WIDE["width"]} {WIDE["height"]}"' in drawings["wide"]
    assert f'viewBox="0 0 {NARROW["width"]} {NARROW["height"]}"' in drawings["narrow"]
    assert drawings["wide"].count("<circle") == drawings["narrow"].count("<circle") == 8


def test_each_drawing_is_named_by_its_own_title():
    ids = re.findall(r'<title id="([^"]+)">', _chart().svg)
    labelled_by = re.findall(r'aria-labelledby="([^"]+)"', _chart().svg)
    assert ids == labelled_by == ["chart-system_design-title", "chart-system_design-narrow-title"]


def test_the_narrow_drawing_labels_fewer_dates():
    drawings = _drawings(_chart().svg)

    def dates(svg: str) -> list[str]:
        return re.findall(
            r'<text class="chart-label" x="[\d.]+" y="\d+" text-anchor="\w+">(\d+ \w+)<', svg
        )

    assert len(dates(drawings["wide"])) == WIDE["dates"]
    assert len(dates(drawings["narrow"])) == NARROW["dates"]
    # The first and the last session are always labelled.
    assert dates(drawings["narrow"])[0] == dates(drawings["wide"])[0] == "2 Mar"
    assert dates(drawings["narrow"])[-1] == dates(drawings["wide"])[-1]
