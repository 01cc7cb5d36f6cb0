"""The incidents overlay for more incidents than a browser can hold as markers: the server's
counts per grid cell (:mod:`layers.incident_cells`) for the zoom and view the map shows.

Drawn like markercluster's bubbles (its stylesheet is on every map); a click zooms in on
the cell. The map reports each move and zoom back (streamlit-folium's ``bounds`` and
``zoom``), and the next run sends the cells of the new view, or the incidents themselves
once the view holds few enough (:data:`VIEW_MARKERS`).
"""
from __future__ import annotations

from folium.template import Template

import geopandas as gpd

from layers.incident_cells import Bounds, Cells, IncidentGrid

from .filters import LAYER_LABELS
from .webmap import MAX_ZOOM, AtlasLayer, incidents_overlay, safe_json

#: Above this many incidents shown, the map gets cells from the server, not markers.
SERVER_CELLS_MIN = 200_000
#: A view holding at most this many incidents gets them as markers (clustered in the browser).
VIEW_MARKERS = 10_000
#: Cells and markers are sent for the view grown by this share on every side.
VIEW_PAD = 0.5


class IncidentCells(AtlasLayer):
    """Cells as count bubbles: ``[lat, lon, incidents, killed]`` each; one overlay key, so the
    layer control, the sidebar and the link treat it as the incidents overlay it stands for."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        (function (group) {
            window.__atlasCellEvals = (window.__atlasCellEvals || 0) + 1;
            var cells = {{ this.cells_json }}, maxZoom = {{ this.max_zoom|tojson }};
            cells.forEach(function (c) {
                var n = c[2], size = n < 100 ? "small" : (n < 1000 ? "medium" : "large");
                var label = n >= 10000 ? Math.round(n / 1000) + "k" : String(n);
                var marker = L.marker([c[0], c[1]], {icon: L.divIcon({
                    html: "<div><span>" + label + "</span></div>", iconSize: L.point(40, 40),
                    className: "marker-cluster marker-cluster-" + size + " atlas-cell"})});
                marker.bindTooltip(n.toLocaleString("en") + (n === 1 ? " incident" : " incidents") + " \\u00b7 " +
                                   c[3].toLocaleString("en") + " killed \\u00b7 click to zoom in");
                marker.on("click", function () {
                    if (group._map) { group._map.setView([c[0], c[1]], Math.min(maxZoom, group._map.getZoom() + 2)); }
                });
                group.addLayer(marker);
            });
            group._url = "atlas";
            group.wmsParams = {layers: {{ this.key|tojson }}};
            group.atlasCount = {{ this.count }};
        })({{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, name: str, cells: Cells, max_zoom: int) -> None:
        super().__init__("incidents", name)
        rows = [[round(float(lat), 5), round(float(lon), 5), int(count), int(killed)]
                for lat, lon, count, killed in zip(cells.lat, cells.lon, cells.count, cells.killed)]
        self.cells_json = safe_json(rows)
        self.count = int(cells.count.sum())
        self.max_zoom = max_zoom

    def content(self) -> list[object]:
        return [*super().content(), self.cells_json]


def view_overlay(incidents: gpd.GeoDataFrame, total: int, grid: IncidentGrid, bounds: Bounds, zoom: int,
                 show: bool = True) -> AtlasLayer:
    """The incidents overlay for the view ``bounds`` at ``zoom``: the incidents themselves when
    the (padded) view holds at most :data:`VIEW_MARKERS`, else the cells of that zoom in it.

    ``incidents`` is the filtered frame without the case's own incident, ``grid`` made from it.
    """
    name = f"{LAYER_LABELS['incidents']} ({len(incidents):,} of {total:,})"
    if not show:
        return AtlasLayer("incidents", name, show=False)
    window = bounds.padded(VIEW_PAD)
    inside = grid.in_view(window)
    if len(inside) <= VIEW_MARKERS:
        return incidents_overlay(incidents.iloc[inside], total, name=name)
    return IncidentCells(name, grid.cells(zoom).within(window), MAX_ZOOM)
