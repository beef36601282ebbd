"""The explorer's chart, drawn on the server with reportlab as inline SVG, so it shows without JavaScript.

Drawn like the annual report's charts (:mod:`ppid.permohonan.charts`): one image with a text
alternative; the page gives its title in the figure's caption and the same numbers in a table below it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from ppid.permohonan.charts import BAR_COLOUR, LABEL_SIZE, as_svg

WIDTH = 460
Point = tuple[str, float]


def bars(points: Sequence[Point], title: str, description: str, number: Callable[[float], str]) -> Markup:
    """One horizontal bar per label (region names are long), in the order given."""
    label_width = min(180, max((len(label) for label, _ in points), default=10) * 4.4 + 8)
    height = 28 + 18 * max(len(points), 1)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 20
    chart.width, chart.height = WIDTH - label_width - 60, height - 28
    chart.data = [[value for _, value in reversed(points)]]
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(points)]
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = number
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    _value_axis(chart.valueAxis, [value for _, value in points], number)
    drawing.add(chart)
    return _svg(drawing, title, description)


def line(points: Sequence[Point], title: str, description: str, number: Callable[[float], str]) -> Markup:
    """A line through one value per label (years), left to right, each point labelled with its value."""
    height = 200
    drawing = Drawing(WIDTH, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 60, 30, WIDTH - 80, height - 45
    chart.data = [[value for _, value in points]]
    chart.categoryAxis.categoryNames = [label for label, _ in points]
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.lines[0].strokeColor = BAR_COLOUR
    chart.lines[0].strokeWidth = 2
    chart.joinedLines = 1
    chart.lineLabelFormat = number
    chart.lineLabels.fontSize = LABEL_SIZE
    chart.lineLabels.dy = 6
    chart.lineLabels.fillColor = colors.black
    _value_axis(chart.valueAxis, [value for _, value in points], number)
    drawing.add(chart)
    return _svg(drawing, title, description)


def _value_axis(axis, values: list[float], number: Callable[[float], str]) -> None:
    """From zero (bars and lines read as amounts), in steps the reader can count, labelled in the page's format."""
    top = max([*values, 0]) or 1
    axis.valueMin = min([*values, 0])
    axis.valueMax = top * 1.1
    axis.labels.fontSize = LABEL_SIZE
    axis.labelTextFormat = number


def _svg(drawing: Drawing, title: str, description: str) -> Markup:
    """Inline SVG whose ``<title>`` and ``<desc>`` say what reportlab leaves as ``...``, with its own clip path id."""
    svg = str(as_svg(drawing, description))
    # reportlab names every drawing's clip path "clip": several charts on one page need their own.
    clip = "clip-" + hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:12]
    svg = svg.replace('id="clip"', f'id="{clip}"').replace("url(#clip)", f"url(#{clip})")
    svg = svg.replace("<title>...</title>", f"<title>{escape(title)}</title>", 1)
    return Markup(svg.replace("<desc>...</desc>", f"<desc>{escape(description)}</desc>", 1))
