"""The public transparency dashboard (``/transparansi``), its CSV and its JSON API: thin views over
:mod:`ppid.publication.dashboard`. No sign-in: counts only, never personal data (UU 14/2008 Pasal 9-12)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from markupsafe import Markup

from ppid.i18n import N_, _
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.openapi import ErrorSchema, documented
from ppid.permohonan.views import CONFIG_KEY, FIRST_YEAR
from ppid.permohonan.workflow import Workflow
from ppid.publication import dashboard
from ppid.web import catalogue_reader, db_session, platform

blueprint = Blueprint("transparansi", __name__)
api = Blueprint("api", __name__, url_prefix="/api/transparansi")


def _workflow() -> Workflow:
    return Workflow(db_session(), current_app.extensions[CONFIG_KEY], platform().registry)


def _dashboard() -> dashboard.Dashboard:
    """The dashboard for the ``dinas`` and ``tahun`` asked for (the pemda, this year, when not); else not found."""
    workflow = _workflow()
    this_year = workflow.today().year
    year = request.args.get("tahun", str(this_year))
    slug = request.args.get("dinas") or None
    if not year.isdigit() or not FIRST_YEAR <= int(year) <= this_year:
        abort(404)
    if slug is not None and platform().registry.get(slug) is None:
        abort(404)
    return dashboard.build(workflow, catalogue_reader(), year=int(year), dinas=slug)


@blueprint.get("/transparansi")
def page() -> str:
    board = _dashboard()
    return render_template("publication/transparansi.html", board=board, charts=_charts(board),
                           format_day=format_day, percent=_percent,
                           years=range(board.today.year, FIRST_YEAR - 1, -1), dinas_list=platform().registry.dinas,
                           args={key: value for key, value in request.args.items() if key in ("dinas", "tahun")})


@blueprint.get("/transparansi/unduh.csv")
def csv() -> Response:
    board = _dashboard()
    name = f"dasbor-transparansi-{board.scope.slug or 'pemda'}-{board.year}.csv"
    return Response(dashboard.to_csv(board), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("")
@documented(_("Dasbor transparansi"), responses={200: dashboard.DasborTransparansiSchema, 404: ErrorSchema}, query={
    "dinas": N_("Slug perangkat daerah; tanpa ini, seluruh pemerintah daerah beserta rincian per dinas"),
    "tahun": N_("Tahun permohonan yang dihitung; tanpa ini, tahun berjalan"),
})
def api_dashboard() -> Response:
    """The dashboard's numbers as JSON, the same as the page and the CSV; 404 for a dinas or year it does not know."""
    return jsonify(dashboard.as_json(_dashboard()))


blueprint.register_blueprint(api)


def _charts(board: dashboard.Dashboard) -> list[tuple[str, Markup, list[tuple[str, str]]]]:
    """Each chart as inline SVG with its title and the rows of its text alternative (label, value as shown)."""
    from ppid.portal.charts import bars  # reportlab is loaded when a chart is first drawn

    scope = board.scope
    charts: list[tuple[str, list[tuple[str, float]], str]] = [
        (_("Kesegaran dataset dan dokumen"), [(row.label, row.count) for row in scope.freshness], "count"),
        (_("Waktu pemenuhan permohonan %(year)s", year=board.year),
         [(row.label, row.count) for row in scope.requests.timeliness], "count"),
        (_("Keputusan atas permohonan %(year)s", year=board.year),
         [(row.label, row.count) for row in scope.requests.outcomes], "count"),
    ]
    if scope.causes:
        charts.append((_("Penyebab tabel tidak valid"), [(row.label, row.count) for row in scope.causes], "count"))
    if board.dinas:
        short = {dinas.slug: dinas.short_name or dinas.name for dinas in platform().registry.dinas}
        charts += [
            (_("Dataset dan dokumen per dinas"),
             [(short[f.slug], f.datasets + f.documents) for f in board.dinas], "count"),
            (_("Tabel yang lolos validasi per dinas (%)"),
             [(short[f.slug], f.valid_share) for f in board.dinas if f.valid_share is not None], "percent"),
            (_("Informasi berkala tepat waktu per dinas (%)"),
             [(short[f.slug], f.berkala_share) for f in board.dinas if f.berkala_share is not None], "percent"),
        ]
    drawn = []
    for title, points, kind in charts:
        number = _percent if kind == "percent" else _count
        if not points:
            continue
        svg = bars(points, title, _("Grafik batang: %(title)s", title=title), number)
        drawn.append((title, svg, [(label, number(value)) for label, value in points]))
    return drawn


def _count(value: float) -> str:
    return f"{value:.0f}"


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " %"
