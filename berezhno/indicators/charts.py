"""Bar charts drawn on the server as inline SVG: no script, no style attribute (strict CSP).

The geometry is computed here; ``indicators/_chart.html`` only places the numbers.
"""

from dataclasses import dataclass

from django.utils.formats import number_format

from .registry import DASH
from .selectors import Series

WIDTH = 260
HEIGHT = 170
MARGIN = 8
TOP = 22  # room for the value above the tallest bar
BOTTOM = 24  # room for the quarter labels
BAR_WIDTH = 38


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    centre: float
    value_y: float
    value_text: str
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    year: int
    width: int
    height: int
    baseline: float
    label_y: float
    bars: list[Bar]

    @property
    def has_pending(self) -> bool:
        """Some quarter has not begun yet (shown as a dash)."""
        return any(b.value_text == DASH for b in self.bars)

    @property
    def summary(self) -> str:
        """What the chart shows, for screen readers."""
        return "; ".join(f"{b.label}: {b.value_text}" for b in self.bars)


def bar_chart(series: Series) -> Chart:
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = (WIDTH - 2 * MARGIN) / max(len(series.points), 1)
    top_value = max([v for _p, v in series.points if v is not None] + [1])
    bars = []
    for i, (period, value) in enumerate(series.points):
        height = round(plot_height * (value or 0) / top_value, 1)
        x = round(MARGIN + i * slot + (slot - BAR_WIDTH) / 2, 1)
        centre = round(MARGIN + i * slot + slot / 2, 1)
        text = DASH if value is None else number_format(value, force_grouping=True)
        bars.append(Bar(x=x, y=round(baseline - height, 1), width=BAR_WIDTH, height=height,
                        centre=centre, value_y=round(baseline - height - 6, 1),
                        value_text=text, label=period.label))
    return Chart(title=str(series.indicator.name), year=series.year, width=WIDTH,
                 height=HEIGHT, baseline=baseline, label_y=HEIGHT - 8, bars=bars)
