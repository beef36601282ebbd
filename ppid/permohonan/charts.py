"""Charts of the annual report, drawn once with reportlab.graphics: as SVG on the pages, as vector art in the PDF.

Each chart is a :class:`~reportlab.graphics.shapes.Drawing` built from the same :class:`Tally` rows the
tables show, so the page, the PDF and the public statistics page draw identical figures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from ppid.i18n import _
from ppid.permohonan.statistics import AnnualReport, Tally

BAR_COLOUR = colors.HexColor("#1f5f8b")
LABEL_SIZE = 8
_SVG_START = re.compile(r"<svg\b")


def report_sections(report: AnnualReport, width: float = 460, titled: bool = False
                    ) -> list[tuple[str, Drawing, Sequence[Tally]]]:
    """Every chart of the report with its title and the rows it draws, in the order the pages and PDFs show them.

    ``titled`` draws the title into the chart (the PDF); a page puts it in a heading instead.
    """
    sections = [
        (_("Permohonan per bulan"), report.by_month),
        (_("Waktu pemenuhan"), report.timeliness),
        (_("Keputusan"), report.outcomes),
        (_("Alasan penolakan (Pasal 17)"), report.refusal_grounds),
        (_("Saluran permohonan"), report.by_channel),
        (_("Permohonan per dinas"), report.by_dinas),
    ]
    return [(title, monthly(report, title if titled else "", width=width) if rows is report.by_month
             else breakdown(rows, title if titled else "", width=width), rows) for title, rows in sections]


def for_page(report: AnnualReport) -> list[tuple[str, Markup, Sequence[Tally]]]:
    """Every chart as inline SVG with its title and the rows it draws (shown as a table beside it on the page)."""
    return [(title, as_svg(drawing, _("Grafik: %(title)s", title=title)), rows)
            for title, drawing, rows in report_sections(report)]


def monthly(report: AnnualReport, title: str, width: float = 460, height: float = 200) -> Drawing:
    """Requests per month, as vertical bars."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 36, 36, width - 50, height - 66
    chart.data = [[row.count for row in report.by_month]]
    chart.categoryAxis.categoryNames = [row.label[:3] for row in report.by_month]
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    _style(chart, [row.count for row in report.by_month])
    drawing.add(chart)
    drawing.add(String(0, height - 14, title, fontName="Helvetica-Bold", fontSize=10))
    return drawing


def breakdown(rows: Sequence[Tally], title: str, width: float = 460) -> Drawing:
    """One horizontal bar per row, labelled; the height grows with the number of rows."""
    label_width = min(220, max((len(row.label) for row in rows), default=10) * 4.4 + 8)
    height = 40 + 18 * max(len(rows), 1)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 20
    chart.width, chart.height = width - label_width - 20, height - 44
    chart.data = [[row.count for row in reversed(rows)] or [0]]
    chart.categoryAxis.categoryNames = [_shorten(row.label) for row in reversed(rows)] or [""]
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    _style(chart, [row.count for row in rows])
    drawing.add(chart)
    drawing.add(String(0, height - 14, title, fontName="Helvetica-Bold", fontSize=10))
    return drawing


def as_svg(drawing: Drawing, description: str) -> Markup:
    """Inline SVG for a page, announced to screen readers as one image with ``description``.

    reportlab escapes the text it draws; the XML prolog is dropped so the SVG can sit inside HTML.
    """
    svg = renderSVG.drawToString(drawing)
    svg = svg[_SVG_START.search(svg).start():]
    label = Markup(' role="img" aria-label="{}"').format(description)
    return Markup(svg.replace("<svg", "<svg" + str(label), 1))


def _style(chart: VerticalBarChart | HorizontalBarChart, counts: list[int]) -> None:
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*counts, 1])
    chart.valueAxis.valueStep = max(1, -(-max([*counts, 1]) // 5))
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.nudge = 7


def _shorten(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
