"""The dashboard's web map: folium objects built from the layers, served without internet.

* Every script and stylesheet the map loads (Leaflet, Leaflet.markercluster) is copied
  from installed ``xstatic`` packages into ``static/vendor/`` and served by Streamlit's
  static file serving; folium's CDN defaults (jQuery, Bootstrap, Font Awesome,
  awesome-markers) are dropped because only circle and CSS-diamond markers are used.
* Popups and tooltips are built here as escaped HTML and handed to Leaflet as JSON
  data. folium's own ``Popup``/``Tooltip`` are not used: they paste the text into a
  JavaScript template literal, where ``${…}`` in an article would run as code.
* The overlays are separate ``FeatureGroup``s so streamlit-folium can swap them
  (filters, uploads, layer choice) without reloading the map and losing the view.
* The incidents overlay brings its own time slider and precision circles (small scripts
  of our own on the vendored Leaflet, no plugin): they are added and removed with the
  overlay, so a swapped overlay never leaves a control behind.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.template import Template

from geo.cases import MapView

from layers.density import density_grid
from layers.incident_dates import day_numbers, incident_months
from layers.route import km_post_column

from . import basemap
from .rendering import RawLayer, RawScript
from .filters import CLAIM_LABELS, LAYER_LABELS, highest_killed
from .styles import (AREA_STYLES, ATTACK_COLOR, BEST_ESTIMATE_STYLE, CANDIDATE_STYLE, CLAIM_COLORS, DENSITY_BREAKS,
                     DENSITY_COLORS, KILLED_CLASSES, KIND_COLORS, PRECISION_STYLE, ROUTE_COLOR, ROUTE_STYLE,
                     UNCERTAINTY_STYLE, density_class, density_style, incident_style, kind_css, killed_class,
                     stop_style)

#: A case without a view of its own opens on its best-estimate site at this zoom.
SITE_ZOOM = 9
#: … and a case with neither a view nor a site on the whole world.
WORLD_VIEW: tuple[tuple[float, float], int] = ((20.0, 0.0), 2)
MAX_ZOOM = 14
TILE_MAX_ZOOM = 6
#: Above this many incidents the markers are clustered and drawn on a canvas.
CLUSTER_MIN = 200
#: Clustered markers are indexed in the browser in chunks of about this many ms of work …
CHUNK_MS = 100
#: … with this many ms between two chunks for the page (drawing, clicks, the map's tiles).
CHUNK_DELAY_MS = 15
#: How many overlays the browser keeps built (by digest) after they left the map.
KEEP_BUILT = 12
#: Above this many incidents the map gets a compact form (popups: date, place, toll, claim).
DETAIL_LIMIT = 2_000
MAX_QUOTES = 8
#: Overlays a map opens without unless asked (the density view is for many incidents).
OFF_BY_DEFAULT = ("density",)
#: The time slider steps one month this often while playing.
STEP_MS = 700
#: Precision circles are drawn from this zoom on (at zoom 9 a 5-km precision is about 20 px
#: across; further out they would only blur the markers) …
PRECISION_ZOOM = 9
#: … for at most this many incidents in view, so a dense view stays quick.
MAX_PRECISION_CIRCLES = 2_000
ONLINE_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def case_view(view: MapView | None, site: Mapping[str, Any] | None) -> tuple[tuple[float, float], int]:
    """Where the map opens for a case: its own view, else its best-estimate site, else the world."""
    if view is not None:
        return (view.lat, view.lon), view.zoom
    if site:
        return (float(site["lat"]), float(site["lon"])), SITE_ZOOM
    return WORLD_VIEW


# --- offline assets ---------------------------------------------------------------------

def _xstatic_dir(module: str) -> Path:
    # The xstatic packages say where their files are; importing them is cheap.
    package = __import__(f"xstatic.pkg.{module}", fromlist=["BASE_DIR"])
    return Path(package.BASE_DIR)


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size == source.stat().st_size:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".part-{target.name}")
    shutil.copyfile(source, temp)
    temp.replace(target)


def install_scripts(vendor_dir: Path) -> None:
    """Copy Leaflet and markercluster (scripts, styles, images) into ``vendor_dir``."""
    leaflet = _xstatic_dir("leaflet")
    cluster = _xstatic_dir("leaflet_markercluster")
    for name in ("leaflet.js", "leaflet.css"):
        _copy_if_changed(leaflet / name, vendor_dir / "leaflet" / name)
    for image in sorted((leaflet / "images").iterdir()):
        _copy_if_changed(image, vendor_dir / "leaflet" / "images" / image.name)
    for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"):
        _copy_if_changed(cluster / name, vendor_dir / "markercluster" / name)


def install_assets(vendor_dir: Path) -> dict[str, Any]:
    """Copy Leaflet, markercluster, the OSM tiles and the country outlines into ``vendor_dir``.

    Safe to call at every start-up: files already in place are kept. Returns what is
    available (the tiles and outlines come from optional data packages).
    """
    install_scripts(vendor_dir)
    status: dict[str, Any] = {"tiles": 0, "outlines": False}
    mbtiles = basemap.package_file(basemap.TILES_PACKAGE, basemap.TILES_FILE)
    if mbtiles is not None:
        status["tiles"] = basemap.extract_tiles(mbtiles, vendor_dir / "tiles", TILE_MAX_ZOOM)
    outlines = basemap.package_file(basemap.OUTLINES_PACKAGE, basemap.OUTLINES_ZIP)
    if outlines is not None:
        basemap.write_outlines(outlines, vendor_dir / basemap.OUTLINES_FILE)
        status["outlines"] = True
    return status


# --- escaping and popups ----------------------------------------------------------------

def _text(value: object) -> str:
    """A cell as text; missing values (None, NaN, pd.NA) become ''."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and arrays are never "missing"
        pass
    return str(value)


def escape(value: object) -> str:
    """HTML-escape any cell value, quotes included."""
    return html.escape(_text(value), quote=True)


#: An http(s) URL: a comma is part of it when no space follows ("…/wiki/Mir_Ali,_Pakistan"),
#: one followed by a space separates it from the next source.
_URL = re.compile(r"https?://(?:[^\s,;()<>\"']|,(?=[^\s,;()<>\"']))+[^\s,;()<>\"'.]")


def linkify(text: object) -> str:
    """Escaped ``text`` with every http(s) URL turned into a link that opens in a new tab."""
    raw = _text(text)
    parts, position = [], 0
    for match in _URL.finditer(raw):
        parts.append(html.escape(raw[position:match.start()]))
        url = html.escape(match.group(), quote=True)
        parts.append(f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>')
        position = match.end()
    parts.append(html.escape(raw[position:]))
    return "".join(parts)


def popup_html(title: object, fields: Sequence[tuple[str, object]], quotes: Sequence[object] = (),
               sources: object = "", more_quotes: int = 0) -> str:
    """A popup: escaped title, a table of non-empty fields, evidence quotes and source links."""
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>"
                   for label, value in fields if _text(value).strip())
    parts = [f'<div class="atlas-popup"><h4>{escape(title)}</h4>']
    if rows:
        parts.append(f"<table>{rows}</table>")
    if quotes:
        items = "".join(f"<li>{escape(quote)}</li>" for quote in quotes)
        extra = f"<p class=\"atlas-more\">… and {more_quotes} more</p>" if more_quotes else ""
        parts.append(f'<div class="atlas-quotes"><b>In the reports</b><ul>{items}</ul>{extra}</div>')
    if _text(sources).strip():
        parts.append(f'<div class="atlas-sources"><b>Sources</b><p>{linkify(sources)}</p></div>')
    parts.append("</div>")
    return "".join(parts)


def _number(value: object) -> str:
    text = _text(value)
    if not text:
        return ""
    number = float(text)
    return f"{number:g}" if math.isfinite(number) else ""


def casualty_range(low: object, high: object) -> str:
    """"7–10", "7" or "" for a low/high pair with missing values."""
    low_text, high_text = _number(low), _number(high)
    if low_text and high_text and low_text != high_text:
        return f"{low_text}–{high_text}"
    return low_text or high_text


def safe_json(data: object) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>``, ``&`` and ``'`` are escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


# --- map elements -----------------------------------------------------------------------

class AtlasLayer(RawLayer, folium.FeatureGroup):
    """One switchable overlay: GeoJSON shapes and/or point rows, with pre-escaped popups.

    ``rows`` are ``[lat, lon, style_index, tooltip_html, popup_html]``, an incident's
    followed by its month (``"YYYY-MM"``, ``""`` unknown) and precision in km (the time
    slider and precision circles read them from the markers); ``shapes`` is a
    FeatureCollection whose features carry ``s`` (style index), ``t`` and ``p``, drawn in
    the map pane ``pane`` when one is given (see :class:`AtlasPanes`), taking no pointer
    events when not ``interactive``.
    ``compact`` is the form for very many points (see :func:`compact_incidents`): integer
    rows and a table of escaped place names, popups assembled only when one is opened.
    The ``_url``/``wmsParams`` tags let streamlit-folium report the overlay when it is
    switched in the layer control (it reports only layers that look like WMS layers).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        // An overlay the browser has built before (same digest: same content) is used again,
        // markers indexed and all: a rerun that re-sends 100,000 incidents (the sidebar's
        // switch, a filter undone) does not rebuild them. Its children see atlasFresh false.
        var {{ this.get_name() }} = (function (cache, digest) {
            if (!digest) { var own = L.featureGroup(); own.atlasFresh = true; return own; }
            var kept = cache.groups[digest];
            cache.evals += 1;
            if (kept) { kept.atlasFresh = false; cache.order = cache.order.filter(function (d) { return d !== digest; }); }
            cache.order.push(digest);
            while (cache.order.length > {{ this.keep_built|tojson }}) { delete cache.groups[cache.order.shift()]; }
            if (kept) { cache.groups[digest] = kept; return kept; }
            var fresh = L.featureGroup();
            fresh.atlasFresh = true;
            cache.groups[digest] = fresh;
            return fresh;
        })(window.__atlasBuilt = window.__atlasBuilt || {groups: {}, order: [], evals: 0},
           {{ (this.digest if this.count >= this.reuse_min else "")|tojson }});
        if ({{ this.get_name() }}.atlasFresh) (function (group) {
            var styles = {{ this.styles_json }};
            function bind(layer, tip, pop) {
                if (tip) { layer.bindTooltip(tip, {sticky: true}); }
                if (pop) { layer.bindPopup(pop, {maxWidth: 380, maxHeight: 320}); }
            }
            {%- if this.shapes %}
            L.geoJSON({{ this.shapes_json }}, {
                {%- if this.pane %}
                pane: {{ this.pane|tojson }},
                {%- endif %}
                interactive: {{ this.interactive|tojson }},
                style: function (f) { return styles[f.properties.s]; },
                onEachFeature: function (f, layer) { bind(layer, f.properties.t, f.properties.p); }
            }).addTo(group);
            {%- endif %}
            var target = group;
            var renderer = null;
            var loaded = true, loading = false, markers, home = null;
            {%- if this.cluster %}
            // The markers go into the cluster group only once it is on the map (see feed()):
            // markercluster then indexes them in chunks of chunkInterval ms with chunkDelay ms
            // for the page in between. Fed before, it indexes them in one task at onAdd and,
            // worse, checks each new point against every one before it (seconds at 100,000).
            loaded = false;
            target = L.markerClusterGroup({chunkedLoading: true, chunkInterval: {{ this.chunk_ms|tojson }},
                                           chunkDelay: {{ this.chunk_delay_ms|tojson }},
                                           chunkProgress: function (done, total) {
                                               if (loading && done === total && total === markers.length) {
                                                   loading = false;
                                                   loaded = true;
                                                   if (!target._map) {
                                                       // Switched off while loading: markercluster's last step
                                                       // (drawing the clusters) needs a map too; what it draws is
                                                       // dropped right after, and drawn again when switched on.
                                                       target._map = home;
                                                       setTimeout(function () {
                                                           if (target._map === home && !home.hasLayer(target)) {
                                                               target._map = null;
                                                               target._featureGroup.clearLayers();
                                                           }
                                                       }, 0);
                                                   }
                                                   group.fire("atlas:loaded");
                                               }
                                           },
                                           maxClusterRadius: 60, spiderfyOnMaxZoom: true, showCoverageOnHover: false});
            group.addLayer(target);
            renderer = L.canvas({padding: 0.5});
            // Switched off while its chunks still run, markercluster goes on indexing without a
            // map: lend it the map it was loading on (it only projects the points with it).
            var indexOne = target._addLayer;
            target._addLayer = function (layer, zoom) {
                if (this._map || !home) { return indexOne.call(this, layer, zoom); }
                this._map = home;
                try { return indexOne.call(this, layer, zoom); } finally { this._map = null; }
            };
            {%- endif %}
            function circle(lat, lon, s) {
                return L.circleMarker([lat, lon], renderer ? Object.assign({renderer: renderer}, s) : s);
            }
            {%- if this.rows %}
            var rows = {{ this.rows_json }};
            markers = rows.map(function (r) {
                var s = styles[r[2]], marker;
                if (s.diamond) {
                    // Leaflet positions marker icons with a CSS transform, so the
                    // 45-degree turn goes on an inner element.
                    marker = L.marker([r[0], r[1]], {pane: {{ this.places_pane|tojson }}, icon: L.divIcon({
                        className: "atlas-place", iconSize: [s.size, s.size],
                        html: '<span class="atlas-diamond ' + s.diamond + '"></span>'})});
                } else {
                    marker = circle(r[0], r[1], s);
                }
                bind(marker, r[3], r[4]);
                if (r.length > 5) { marker.atlasMonth = r[5]; marker.atlasKm = r[6]; }
                return marker;
            });
            {%- elif this.compact %}
            // [lat*1e4, lon*1e4, style, place, day (since 1970), killed low, killed high,
            // precision]; the place names are escaped in Python, the rest are numbers or
            // indexes into the table of precisions (km). A month is its day's ("YYYY-MM").
            // Read with JSON.parse from a string: a literal of a few MB is compiled as code,
            // in one task of half a second at 100,000 incidents.
            var compact = JSON.parse({{ this.compact_text }});
            var places = compact.places, monthOfDay = {};
            function month(day) {
                if (day < 0) { return ""; }
                if (!(day in monthOfDay)) { monthOfDay[day] = new Date(day * 864e5).toISOString().slice(0, 7); }
                return monthOfDay[day];
            }
            function line(r) {
                var day = r[4] < 0 ? "date unknown" : new Date(r[4] * 864e5).toISOString().slice(0, 10);
                var toll = r[5] < 0 ? "toll unknown" : (r[6] > r[5] ? r[5] + "\u2013" + r[6] : r[5]) + " killed";
                var km = r[7] < 0 ? "" : " \u00b7 position within " + compact.precisions[r[7]] + " km";
                return day + " \u00b7 " + places[r[3]] + " \u00b7 " + toll + " \u00b7 " + styles[r[2]].label + km;
            }
            markers = compact.rows.map(function (r) {
                var marker = circle(r[0] / 1e4, r[1] / 1e4, styles[r[2]]);
                marker.atlasRow = r;
                marker.atlasMonth = month(r[4]);
                marker.atlasKm = r[7] < 0 ? 0 : compact.precisions[r[7]];
                return marker;
            });
            // One popup handler for the whole layer instead of one per marker.
            target.on("click", function (e) {
                var r = e.layer && e.layer.atlasRow;
                if (!r) { return; }
                L.popup({maxWidth: 380}).setLatLng(e.latlng)
                    .setContent('<div class="atlas-popup"><h4>' + places[r[3]] + '</h4><p>' + line(r) +
                                '</p><p class="atlas-more">' + compact.note + '</p></div>')
                    .openOn(target._map);
            });
            {%- else %}
            markers = [];
            {%- endif %}
            function feed() {  // the first time the cluster group is on the map
                if (loaded || loading || !target._map) { return; }
                loading = true;
                home = target._map;
                target.addLayers(markers);
            }
            // Fed at once when added (the first chunk runs in the task that adds the overlay):
            // deferring it to a task of its own delayed the first clusters in the dashboard's
            // frame by seconds (benchmarks/map_scale.py).
            if (target === group) { markers.forEach(function (m) { target.addLayer(m); }); }
            else { group.on("add", feed); feed(); }
            // The time slider and the precision circles wait for the markers: fn() once loaded.
            group.atlasReady = function (fn) { if (loaded) { fn(); } else { group.once("atlas:loaded", fn); } };
            group._url = "atlas";
            group.wmsParams = {layers: {{ this.key|tojson }}};
            group.atlasCount = {{ this.count }};
            // For the time slider and the precision circles (children of this overlay).
            group.atlasMarkers = markers;
            group.atlasTarget = target;
        })({{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, key: str, name: str, *, styles: Sequence[dict] = (),
                 rows: Sequence[Sequence[Any]] = (), shapes: dict | None = None,
                 compact: CompactIncidents | None = None, cluster: bool = False, show: bool = True,
                 pane: str | None = None, interactive: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self.key = key
        self.pane = pane
        self.interactive = interactive  # False: the shapes take no pointer events (see PointerTips)
        self.places_pane = PLACES_PANE
        self.styles = list(styles)
        self.rows = list(rows)
        self.shapes = shapes
        self.compact = compact.data if compact else None
        self.cluster = cluster
        self.count = (len(self.rows) + (len(shapes["features"]) if shapes else 0)
                      + (len(compact.data["rows"]) if compact else 0))
        # Serialised once: streamlit-folium renders each element twice.
        self.styles_json = safe_json(self.styles)
        self.rows_json = safe_json(self.rows) if self.rows else "[]"
        self.shapes_json = safe_json(shapes) if shapes else "null"
        self.compact_text = compact.text if compact else json.dumps("null")  # a JavaScript string
        self.chunk_ms = CHUNK_MS
        self.chunk_delay_ms = CHUNK_DELAY_MS
        self.keep_built = KEEP_BUILT
        self.reuse_min = CLUSTER_MIN  # smaller overlays are built anew: quick, and as the layer control left them

    @property
    def digest(self) -> str:
        """A digest of everything the browser builds for this overlay, children included
        (the browser's key for an overlay it has built before)."""
        digest = hashlib.blake2b(digest_size=16)
        for value in self.content():
            text = value if isinstance(value, str) else repr(value)
            digest.update(f"{len(text)}:".encode())
            digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def content(self) -> list[object]:
        """What the overlay is made of: its data, options and children's settings."""
        values: list[object] = [type(self).__name__, self.key, self.layer_name, self.show, self.cluster, self.pane,
                                self.interactive, self.styles_json, self.rows_json, self.shapes_json,
                                self.compact_text]
        for child in self._children.values():
            if isinstance(child, ElementAddToElement):
                continue  # folium's own, added when rendered
            values.append((type(child).__name__, sorted((key, value) for key, value in vars(child).items()
                                                        if not key.startswith("_"))))
        return values


class CountryOutlines(RawLayer, folium.FeatureGroup):
    """Natural Earth country borders, fetched from the app's own static files."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        fetch({{ this.url|tojson }})
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
                if (data) {
                    L.geoJSON(data, {style: {{ this.style|tojson }}, interactive: false})
                        .addTo({{ this.get_name() }});
                }
            })
            .catch(function () {});
        {% endmacro %}
    """)

    def __init__(self, url: str, name: str = "Country outlines (Natural Earth)") -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self.url = url
        self.style = {"color": "#4d4d4d", "weight": 1, "opacity": 0.7, "fill": False}


class Attribution(RawScript, MacroElement):
    """Adds the data credits (GeoNames, Natural Earth) to the map's attribution line."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}
    """)

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.text = text


#: Map panes below Leaflet's overlay pane (z-index 400, the circles and lines): the
#: precision circles just below it (under the incidents they belong to), the place
#: diamonds below them, so a place never covers the attack site or an incident drawn at
#: the same spot, the density hexagons below the diamonds, and the district and province
#: outlines lowest, so an outline (or a district's faint fill) never covers, or takes the
#: clicks of, anything else.
AREAS_PANE, DENSITY_PANE, PLACES_PANE, PRECISION_PANE = "atlasAreas", "atlasDensity", "atlasPlaces", "atlasPrecision"
PANE_ORDER: dict[str, int] = {AREAS_PANE: 380, DENSITY_PANE: 385, PLACES_PANE: 390, PRECISION_PANE: 395}


class AtlasPanes(RawScript, MacroElement):
    """Creates the map panes of :data:`PANE_ORDER`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {%- for name, z in this.panes.items() %}
        {{ this._parent.get_name() }}.createPane({{ name|tojson }}).style.zIndex = {{ z }};
        {%- endfor %}
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "AtlasPanes"
        self.panes = PANE_ORDER


class TimeSlider(RawScript, MacroElement):
    """A control on the map that shows the incidents month by month; a child of the incidents overlay.

    A range input over ``months`` (sorted ``YYYY-MM``), a Play/Pause button that steps one
    month every ``delay_ms``, the month shown, and a "cumulative" checkbox: ticked (the
    default) the map shows the incidents of every month up to the one shown, unticked
    only that month's. It opens on the last month, so nothing is hidden until it is used.
    The markers are filtered in the browser (taken out of and put back into their layer),
    so nothing is sent back to the server. Incidents without a month are always shown.
    Native elements with labels: Tab reaches the button, the slider and the checkbox, and
    the arrow keys move the slider.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            if (!group.atlasFresh) { return; }  // built before, with this child
            var months = {{ this.months|tojson }}, delay = {{ this.delay_ms|tojson }};
            var target = group.atlasTarget, byMonth = {}, undated = [], shown = {};
            group.atlasMarkers.forEach(function (m) {
                if (m.atlasMonth) { (byMonth[m.atlasMonth] = byMonth[m.atlasMonth] || []).push(m); }
                else { undated.push(m); }
            });
            months.forEach(function (m) { shown[m] = true; });
            var index = months.length - 1, cumulative = true, timer = null, ui = {}, map = null;
            var clustered = typeof target.addLayers === "function", ready = false;
            group.atlasReady(function () { ready = true; });
            function markersOf(list) {
                var out = [];
                list.forEach(function (m) { var ms = byMonth[m] || []; for (var i = 0; i < ms.length; i++) { out.push(ms[i]); } });
                return out;
            }
            function update() {
                if (!ui.range) { return; }
                ui.range.value = index;
                ui.range.setAttribute("aria-valuetext", months[index]);
                ui.month.textContent = months[index];
                ui.play.textContent = timer ? "\u275a\u275a Pause" : "\u25b6 Play";
                ui.play.setAttribute("aria-pressed", timer ? "true" : "false");
            }
            var waiting = false;
            function show(next) {
                index = Math.max(0, Math.min(months.length - 1, next));
                if (!ready) {  // the markers are still being loaded: filter them once they are
                    update();
                    if (!waiting) {
                        waiting = true;
                        group.atlasReady(function () { ready = true; show(index); });
                    }
                    return;
                }
                var month = months[index], add = [], drop = [];
                months.forEach(function (m) {
                    var want = cumulative ? m <= month : m === month;
                    if (want !== shown[m]) { (want ? add : drop).push(m); shown[m] = want; }
                });
                var adding = markersOf(add), dropping = markersOf(drop);
                if (clustered && dropping.length > 1000) {
                    // markercluster takes markers out one by one: starting over is quicker.
                    target.clearLayers();
                    target.addLayers(markersOf(months.filter(function (m) { return shown[m]; })).concat(undated));
                } else if (clustered) {
                    target.removeLayers(dropping);
                    target.addLayers(adding);
                } else {
                    dropping.forEach(function (m) { target.removeLayer(m); });
                    adding.forEach(function (m) { target.addLayer(m); });
                }
                update();
                group.fire("atlas:filtered");
            }
            function stop() { if (timer) { clearInterval(timer); timer = null; } update(); }
            function play() {
                if (timer) { stop(); return; }
                if (index >= months.length - 1) { show(0); }
                timer = setInterval(function () {
                    if (index >= months.length - 1) { stop(); } else { show(index + 1); }
                }, delay);
                update();
            }
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "atlas-time leaflet-bar");
                var id = "atlas-time-" + L.Util.stamp(control);
                div.innerHTML = '<b class="atlas-time-title">Incidents by month</b>' +
                    '<button type="button" class="atlas-time-play"></button>' +
                    '<label for="' + id + '" class="atlas-time-label">Month</label>' +
                    '<input type="range" class="atlas-time-range" id="' + id + '" min="0" step="1">' +
                    '<output class="atlas-time-month" for="' + id + '"></output>' +
                    '<label class="atlas-time-mode" title="Ticked: every incident up to the month shown; ' +
                    'unticked: only that month\u2019s"><input type="checkbox" class="atlas-time-cumulative"> cumulative</label>';
                ui.play = div.querySelector(".atlas-time-play");
                ui.range = div.querySelector(".atlas-time-range");
                ui.month = div.querySelector(".atlas-time-month");
                ui.mode = div.querySelector(".atlas-time-cumulative");
                ui.range.max = months.length - 1;
                ui.mode.checked = cumulative;
                L.DomEvent.on(ui.play, "click", play);
                L.DomEvent.on(ui.range, "input", function () { show(parseInt(ui.range.value, 10)); });
                L.DomEvent.on(ui.mode, "change", function () { cumulative = ui.mode.checked; show(index); });
                // Clicks, drags, wheel turns and arrow keys in the control stay out of the map.
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                L.DomEvent.on(div, "keydown pointerdown", L.DomEvent.stopPropagation);
                update();
                return div;
            };
            group.on("add", function (e) { map = e.target._map; control.addTo(map); });
            group.on("remove", function () { stop(); control.remove(); });
            if (group._map) { map = group._map; control.addTo(map); }
            group.atlasTime = {show: show, play: play, months: months};
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, months: Sequence[str], delay_ms: int = STEP_MS) -> None:
        super().__init__()
        self._name = "TimeSlider"
        self.months = list(months)
        self.delay_ms = delay_ms


class PointerTips(RawScript, MacroElement):
    """The tooltips of an overlay's shapes, found from the pointer's position on the map; a
    child of an overlay drawn with ``interactive=False``.

    Shapes in a pane below the overlay pane never see the pointer once the clustered
    incidents' canvas (the size of the map) lies over them, so the map's own mousemove
    is hit-tested against the shapes instead (bounding box, then the ring). Anything
    interactive under the pointer (a marker, a cluster, an outline) keeps its own tooltip.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            if (!group.atlasFresh) { return; }  // built before, with this child
            var shapes = [], map = null;
            var tip = L.tooltip({direction: "top", offset: [0, -6], className: "atlas-pointer-tip"});
            group.eachLayer(function (layer) {
                if (!layer.eachLayer) { return; }
                layer.eachLayer(function (shape) {
                    if (shape.feature && shape.feature.properties.t) {
                        shapes.push({bounds: shape.getBounds(), ring: shape.getLatLngs()[0],
                                     text: shape.feature.properties.t});
                    }
                });
            });
            function inside(ring, point) {  // ray casting
                var hit = false;
                for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
                    var a = ring[i], b = ring[j];
                    if ((a.lat > point.lat) !== (b.lat > point.lat) &&
                        point.lng < (b.lng - a.lng) * (point.lat - a.lat) / (b.lat - a.lat) + a.lng) { hit = !hit; }
                }
                return hit;
            }
            function hide() { if (map && map.hasLayer(tip)) { map.closeTooltip(tip); } }
            function move(e) {
                var over = e.originalEvent && e.originalEvent.target;
                if (over && over.classList && over.classList.contains("leaflet-interactive")) { hide(); return; }
                for (var k = 0; k < shapes.length; k++) {
                    if (shapes[k].bounds.contains(e.latlng) && inside(shapes[k].ring, e.latlng)) {
                        tip.setContent(shapes[k].text).setLatLng(e.latlng);
                        if (!map.hasLayer(tip)) { tip.openOn(map); }
                        return;
                    }
                }
                hide();
            }
            function attach(to) { map = to; map.on("mousemove", move); map.on("mouseout", hide); }
            group.on("add", function (e) { attach(e.target._map); });
            group.on("remove", function () {
                hide();
                if (map) { map.off("mousemove", move); map.off("mouseout", hide); }
                map = null;
            });
            if (group._map) { attach(group._map); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "PointerTips"


class PrecisionCircles(RawScript, MacroElement):
    """Draws each shown incident's precision (``precision_km``) as a dashed circle around it,
    from zoom ``min_zoom`` on; a child of the incidents overlay.

    Only the incidents in view and drawn on their own (not inside a cluster, not hidden
    by the time slider) get one, at most ``limit``, redrawn after every move and zoom:
    100,000 circles would never be built at once.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            if (!group.atlasFresh) { return; }  // built before, with this child
            var minZoom = {{ this.min_zoom|tojson }}, limit = {{ this.limit|tojson }};
            var style = {{ this.style|tojson }};
            var target = group.atlasTarget, circles = L.layerGroup(), map = null;
            function draw() {
                circles.clearLayers();
                if (!map || map.getZoom() < minZoom) { return; }
                var view = map.getBounds().pad(0.2), count = 0;
                group.atlasMarkers.some(function (m) {
                    if (!(m.atlasKm > 0) || !map.hasLayer(m) || !view.contains(m.getLatLng())) { return false; }
                    circles.addLayer(L.circle(m.getLatLng(), Object.assign({radius: m.atlasKm * 1000,
                        color: m.options.fillColor, fillColor: m.options.fillColor}, style)));
                    return ++count >= limit;
                });
            }
            function attach(to) {
                map = to;
                circles.addTo(map);
                map.on("zoomend moveend", draw);
                draw();
            }
            group.on("add", function (e) { attach(e.target._map); });
            group.on("remove", function () {
                if (map) { map.off("zoomend moveend", draw); }
                circles.remove();
                map = null;
            });
            group.on("atlas:filtered atlas:loaded", draw);
            if (target !== group) { target.on("animationend", draw); }  // clusters opened or closed
            if (group._map) { attach(group._map); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, min_zoom: int = PRECISION_ZOOM, limit: int = MAX_PRECISION_CIRCLES) -> None:
        super().__init__()
        self._name = "PrecisionCircles"
        self.min_zoom = min_zoom
        self.limit = limit
        self.style = PRECISION_STYLE | {"pane": PRECISION_PANE, "interactive": False, "className": "atlas-precision"}


class Legend(RawScript, MacroElement):
    """A collapsible legend control; its HTML is fixed text built in :func:`legend_html`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var legend = L.control({position: "topleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "atlas-legend leaflet-bar");
                div.innerHTML = {{ this.html|tojson }};
                // A section of an overlay the map opens without (the density) only while it is shown.
                map.on("layeradd layerremove", function (e) {
                    var key = e.layer && e.layer.wmsParams && e.layer.wmsParams.layers;
                    if (!key) { return; }
                    div.querySelectorAll("[data-atlas-layer]").forEach(function (section) {
                        if (section.getAttribute("data-atlas-layer") === key) { section.hidden = e.type === "layerremove"; }
                    });
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text


class AtlasLayerControl(folium.LayerControl):
    """folium's layer control, plus: overlays switched off stay listed (unticked), and
    the shown overlays are recorded where streamlit-folium reports them back to Python
    (``selected_layers``), with an ``@generation`` entry so stale reports can be ignored."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_layers = {
            base_layers : {
                {%- for key, val in this.base_layers.items() %}
                {{ key|tojson }} : {{ val }},
                {%- endfor %}
            },
            overlays : {
                {%- for key, val in this.overlays.items() %}
                {{ key|tojson }} : {{ val }},
                {%- endfor %}
            },
        };
        let {{ this.get_name() }} = L.control.layers(
            {{ this.get_name() }}_layers.base_layers,
            {{ this.get_name() }}_layers.overlays,
            {{ this.options|tojavascript }}
        ).addTo({{ this._parent.get_name() }});
        (function (map) {
            {%- for name in this.hidden %}
            map.removeLayer({{ name }});
            {%- endfor %}
            // streamlit-folium lists every overlay it ever evaluated: only this map's are kept,
            // so the overlays of earlier runs (100,000 markers each) can be freed.
            if (window.feature_group) { window.feature_group = window.feature_group.slice(-{{ this.overlay_count }}); }
            var data = window.__GLOBAL_DATA__;
            if (data && data.selected_layers) {
                Object.keys(data.selected_layers).forEach(function (k) {
                    if (k.indexOf("atlas,") === 0) { delete data.selected_layers[k]; }
                });
                {{ this.reported|tojson }}.forEach(function (key) {
                    data.selected_layers["atlas," + key] = {name: key, url: "atlas"};
                });
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, generation: int = 0, **kwargs: Any) -> None:
        # Bottom right lies over India, away from the case and the route's northern end.
        super().__init__(position="bottomright", collapsed=False, **kwargs)
        self.generation = generation
        self.hidden: list[str] = []
        self.reported: list[str] = []
        self.overlay_count = 0

    def render(self, **kwargs: Any) -> None:
        """Collect the overlays (via folium) and which of them are switched off."""
        atlas = [item for item in self._parent._children.values() if isinstance(item, AtlasLayer)]
        self.hidden = [item.get_name() for item in atlas if not item.show]
        self.reported = [item.key for item in atlas if item.show] + [f"@{self.generation}"]
        self.overlay_count = len(atlas)
        super().render(**kwargs)


# --- layers -> map elements -------------------------------------------------------------

def _point(geometry: Any, digits: int = 5) -> tuple[float, float]:
    return round(float(geometry.y), digits), round(float(geometry.x), digits)


def _shape_feature(geometry: Any, style: int, tooltip: str, popup: str) -> dict:
    return {"type": "Feature", "geometry": geometry.__geo_interface__,
            "properties": {"s": style, "t": tooltip, "p": popup}}


def _area_style(kind: object) -> str:
    """The key of :data:`AREA_STYLES` for an area's kind (a region is drawn as a province)."""
    return "province" if _text(kind) in ("province", "region") else "district"


def areas_overlay(areas: gpd.GeoDataFrame, show: bool = True) -> AtlasLayer:
    """The outline of each district and province the reports name, under every other overlay.

    Provinces come first in the layer, so a district is drawn over the province that holds
    it. The popup names the area, its kind and province, the reports that name it and
    where both the place and its outline come from.
    """
    name = f"{LAYER_LABELS['areas']} ({len(areas)})"
    if not show:
        return AtlasLayer("areas", name, show=False)
    style_keys = list(AREA_STYLES)
    features = []
    for area in areas.itertuples():
        kind = _text(area.kind)
        province = _text(area.admin1)
        articles = [_text(article) for article in area.articles]
        popup = popup_html(area.name, [
            ("Kind", kind),
            ("Province", province if province != _text(area.name) else ""),
            ("Country", area.country),
            ("Named in", f"{area.article_count} report(s): {', '.join(articles)}"),
            ("Mentions", area.mention_count)],
            sources=f"Place: {_text(area.source)} · Outline: {_text(area.outline)}")
        tooltip = escape(f"{area.name} · {kind}")
        features.append(_shape_feature(area.geometry, style_keys.index(_area_style(kind)), tooltip, popup))
    return AtlasLayer("areas", name, styles=[AREA_STYLES[key] for key in style_keys], pane=AREAS_PANE,
                      shapes={"type": "FeatureCollection", "features": features})


def route_overlay(route: gpd.GeoDataFrame, stops: gpd.GeoDataFrame, show: bool = True) -> AtlasLayer:
    """The route line and its stops (dashed rings: positions estimated from km posts)."""
    name = LAYER_LABELS["route"]
    if not show:
        return AtlasLayer("route", name, show=False)
    styles = [ROUTE_STYLE] + [stop_style(p, e) for p in (True, False) for e in (False, True)]
    features = []
    for row in route.itertuples():
        popup = popup_html(row.name, [
            ("From", row.from_stop), ("To", row.to_stop),
            ("Stops", f"{row.stop_count} ({row.principal_stop_count} principal, "
                      f"{row.estimated_stop_count} placed by estimate)"),
            ("Length", f"{row.length_km:g} km stop to stop (the track is longer)"),
            ("Note", row.note)], sources=row.sources)
        features.append(_shape_feature(row.geometry, 0, escape(row.name), popup))
    rows = []
    km_post = km_post_column(stops)  # "km_from_sukkur": km posts from the line's zero point
    km_label = "km from " + km_post.removeprefix("km_from_").replace("_", " ").title() if km_post else ""
    for stop in stops.itertuples():
        style = 1 + (0 if stop.principal else 2) + (1 if stop.estimate else 0)
        position = f"estimated: {_text(stop.method)}" if stop.estimate else "published coordinate"
        popup = popup_html(stop.name, [
            ("Stop", f"no. {stop.seq} of {len(stops)}" + (" (principal stop)" if stop.principal else "")),
            ("Also called", ", ".join(stop.alternate_names)),
            *([(km_label, _number(getattr(stop, km_post)))] if km_post else []),
            ("Precision", f"± {stop.precision_km:g} km"),
            ("Position", position)], sources=stop.source)
        rows.append([*_point(stop.geometry), style, escape(f"{stop.name} (stop {stop.seq})"), popup])
    return AtlasLayer("route", name, styles=styles, rows=rows,
                      shapes={"type": "FeatureCollection", "features": features})


def attack_site_overlay(attack_site: gpd.GeoDataFrame, show: bool = True) -> AtlasLayer:
    """Best estimate, the uncertainty area the specific candidates span, and every candidate."""
    name = LAYER_LABELS["attack_site"]
    if not show:
        return AtlasLayer("attack_site", name, show=False)
    styles = [UNCERTAINTY_STYLE, CANDIDATE_STYLE, BEST_ESTIMATE_STYLE]
    features, rows = [], []
    role_names = {"best_estimate": "Best estimate", "candidate": "Candidate position",
                  "uncertainty_area": "Uncertainty area"}
    for site in attack_site.itertuples():
        precision = f"± {site.precision_km:g} km" if _number(site.precision_km) else ""
        popup = popup_html(site.label, [
            ("What", role_names.get(site.role, site.role)), ("Precision", precision),
            ("Basis", site.basis), ("Supported by", site.supported_by)], sources=site.sources)
        tooltip = escape(f"{role_names.get(site.role, site.role)}: {site.label}")
        if site.role == "uncertainty_area":
            features.append(_shape_feature(site.geometry, 0, tooltip, popup))
        else:
            rows.append([*_point(site.geometry), 2 if site.role == "best_estimate" else 1, tooltip, popup])
    # The best estimate is drawn last so it sits on top of the candidate it repeats.
    rows.sort(key=lambda row: row[2])
    return AtlasLayer("attack_site", name, styles=styles, rows=rows,
                      shapes={"type": "FeatureCollection", "features": features})


def quote_order(sentences: Sequence[str]) -> list[str]:
    """``[article] sentence`` quotes with each article's first quote up front, so a popup
    that shows only the first few still has every report's voice (an added report too)."""
    seen: set[str] = set()
    first, rest = [], []
    for sentence in sentences:
        article = sentence.split("]", 1)[0] if sentence.startswith("[") else ""
        (rest if article in seen else first).append(sentence)
        seen.add(article)
    return first + rest


def places_overlay(places: gpd.GeoDataFrame, show: bool = True) -> AtlasLayer:
    """Every place the reports name (one diamond per place), coloured by kind."""
    name = f"{LAYER_LABELS['places']} ({len(places)})"
    if not show:
        return AtlasLayer("places", name, show=False)
    kinds = list(KIND_COLORS) + ["other"]
    styles = [{"diamond": f"atlas-kind-{kind}", "size": 12} for kind in kinds]
    rows = []
    for place in places.itertuples():
        kind = place.kind if place.kind in KIND_COLORS else "other"
        where = ", ".join(part for part in (_text(place.admin1), _text(place.country)) if part)
        position = f"estimated: {_text(place.method)}" if place.estimate else "gazetteer coordinate"
        sentences = quote_order(list(place.sentences))
        popup = popup_html(place.name, [
            ("Kind", place.kind), ("Where", where), ("Precision", f"± {place.precision_km:g} km"),
            ("Position", position),
            ("Named in", f"{place.article_count} report(s): {', '.join(place.articles)}"),
            ("Written as", ", ".join(place.mentions)), ("Mentions", place.mention_count)],
            quotes=sentences[:MAX_QUOTES], more_quotes=max(0, len(sentences) - MAX_QUOTES),
            sources=place.source)
        tooltip = escape(f"{place.name} · {place.kind} · {place.article_count} report(s)")
        rows.append([*_point(place.geometry), kinds.index(kind), tooltip, popup])
    return AtlasLayer("places", name, styles=styles, rows=rows)


def incident_label(incident: Any) -> str:
    """One line for a tooltip: date, place, toll, claim status (escaped)."""
    killed = casualty_range(incident.killed_low, incident.killed_high)
    toll = f"{killed} killed" if killed else "toll unknown"
    status = CLAIM_LABELS.get(incident.claim_status, incident.claim_status)
    return escape(f"{incident.date_start} · {incident.place} · {toll} · {status}")


def incident_popup(incident: Any) -> str:
    """The incident's figures as every source gives them, its claim status and sources."""
    dates = incident.date_start if _text(incident.date_end) in ("", incident.date_start) \
        else f"{incident.date_start} to {incident.date_end}"
    claim = CLAIM_LABELS.get(incident.claim_status, incident.claim_status)
    if _text(incident.claimed_by):
        claim = f"{claim} ({_text(incident.claimed_by)})"
    fields = [("Date", dates), ("Where", ", ".join(p for p in (_text(incident.place), _text(incident.admin1)) if p)),
              ("Killed", casualty_range(incident.killed_low, incident.killed_high) or "not reported"),
              ("Injured", casualty_range(incident.injured_low, incident.injured_high)),
              ("Claim", claim), ("Target", incident.target)]
    km = _number(incident.precision_km)
    fields += [("What happened", incident.summary), ("Figures", incident.casualty_notes),
               ("Position", f"within {km} km" if km else "")]
    return popup_html(incident.place, fields, sources=incident.sources)


@dataclass(frozen=True)
class CompactIncidents:
    """The compact form of many incidents (:func:`compact_incidents`) and its text as the
    page reads it: a JavaScript string for ``JSON.parse``. Made once, it can serve every
    session showing the same incidents."""

    data: dict
    text: str


def compact_form(incidents: gpd.GeoDataFrame) -> CompactIncidents:
    """``incidents`` in the compact form the map reads (the case's own left in: see :func:`not_the_case`)."""
    data = compact_incidents(incidents, list(CLAIM_COLORS))
    return CompactIncidents(data, json.dumps(safe_json(data)))


def compact_incidents(incidents: gpd.GeoDataFrame, statuses: Sequence[str]) -> dict:
    """Incidents as integer rows plus tables of escaped place names, months and precisions
    (a few MB for 100,000).

    Rows are ``[lat*1e4, lon*1e4, style, place, day, killed_low, killed_high, precision]``;
    style is ``status * len(KILLED_CLASSES) + toll class``, day counts from 1970-01-01 (the
    browser reads the month from it: 350 KB less for 100,000), precision indexes
    ``precisions`` (km), and missing values are -1. ``months`` lists the months for the
    time slider.
    """
    codes, names = pd.factorize(incidents["place"].astype(str), sort=False)
    status = incidents["claim_status"].where(incidents["claim_status"].isin(statuses), "unclaimed")
    status_index = status.map({name: number for number, name in enumerate(statuses)}).to_numpy()
    toll = highest_killed(incidents).astype("Float64").fillna(0).to_numpy(dtype=float)
    lows = [low for low, _ in KILLED_CLASSES]
    size = sum((toll >= low).astype(int) for low in lows[1:])
    months = sorted(set(incident_months(incidents)) - {""})
    km = pd.to_numeric(incidents["precision_km"], errors="coerce").astype(float)
    km_codes, precisions = pd.factorize(km.where(km > 0), sort=True)
    columns = [
        (incidents.geometry.y * 1e4).round().astype(int), (incidents.geometry.x * 1e4).round().astype(int),
        pd.Series(status_index * len(KILLED_CLASSES) + size, index=incidents.index), pd.Series(codes, index=incidents.index),
        day_numbers(incidents), incidents["killed_low"].fillna(-1).astype(int), incidents["killed_high"].fillna(-1).astype(int),
        pd.Series(km_codes, index=incidents.index),
    ]
    rows = pd.concat(columns, axis=1).to_numpy().tolist()
    return {"rows": rows, "places": [escape(name) for name in names], "months": list(months),
            "precisions": [float(f"{value:g}") for value in precisions],
            "note": "Too many incidents for full details here: the Incidents table and the "
                    "incidents download have every figure and source."}


def not_the_case(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``incidents`` without the case's own (``is_case``), which the map shows as the attack site."""
    if "is_case" not in incidents or not incidents["is_case"].any():
        return incidents
    return incidents[~incidents["is_case"].astype(bool)]


def incidents_overlay(incidents: gpd.GeoDataFrame, total: int, show: bool = True,
                      cluster_min: int = CLUSTER_MIN, detail_limit: int = DETAIL_LIMIT,
                      name: str | None = None, compact: CompactIncidents | None = None) -> AtlasLayer:
    """Past incidents as circles (colour: claim status, size: deaths); clustered when many.

    The case's own incident (``is_case``) is left out: the attack site already shows it.
    Up to ``detail_limit`` incidents carry full popups; beyond that the compact form keeps
    the map a few MB even for 100,000 incidents (``compact``: that form, made before, of
    these incidents without the case's own).
    """
    incidents = not_the_case(incidents)
    name = name or f"{LAYER_LABELS['incidents']} ({len(incidents):,} of {total:,})"
    if not show:
        return AtlasLayer("incidents", name, show=False)
    statuses = list(CLAIM_COLORS)
    styles = [incident_style(status, size) | {"label": escape(CLAIM_LABELS[status])}
              for status in statuses for size in range(len(KILLED_CLASSES))]
    cluster = len(incidents) >= cluster_min
    if len(incidents) > detail_limit:
        layer = AtlasLayer("incidents", name, styles=styles, compact=compact or compact_form(incidents),
                           cluster=cluster)
        months = layer.compact["months"]
    else:
        killed = highest_killed(incidents)
        rows = []
        for incident, toll, month in zip(incidents.itertuples(), killed, incident_months(incidents)):
            status = incident.claim_status if incident.claim_status in CLAIM_COLORS else "unclaimed"
            style = statuses.index(status) * len(KILLED_CLASSES) + killed_class(None if pd.isna(toll) else float(toll))
            km = _number(incident.precision_km)
            rows.append([*_point(incident.geometry), style, incident_label(incident), incident_popup(incident),
                         month, float(km) if km else 0])
        layer = AtlasLayer("incidents", name, styles=styles, rows=rows, cluster=cluster)
        months = sorted({row[5] for row in rows} - {""})
    if len(months) >= 2:  # one month has nothing to play
        layer.add_child(TimeSlider(months))
    layer.add_child(PrecisionCircles())
    return layer


def density_label(cell: Any) -> str:
    """A hexagon's tooltip: incidents, deaths (and how many gave no figure), first and last day (escaped)."""
    unreported = f" ({cell.unreported:,} with no figure)" if cell.unreported else ""
    days = cell.first_date if cell.first_date == cell.last_date else f"{cell.first_date} to {cell.last_date}"
    return escape(f"{cell.count:,} incident{'s' if cell.count != 1 else ''} · {cell.killed:,} killed{unreported}"
                  f" · {days}")


def _ring(geometry: Any, digits: int = 5) -> dict:
    """A polygon as GeoJSON with rounded coordinates (1 m; a hexagon needs no more)."""
    return {"type": "Polygon", "coordinates": [[[round(x, digits), round(y, digits)]
                                                for x, y in geometry.exterior.coords]]}


def density_overlay(incidents: gpd.GeoDataFrame, show: bool = False, cell_km: float | None = None) -> AtlasLayer:
    """The incidents counted in hexagons (:func:`layers.density.density_grid`), coloured by
    count, in a pane under every marker; tooltips give the count, the deaths and the dates.

    The case's own incident is left out, as on the incidents overlay. Off by default
    (:data:`OFF_BY_DEFAULT`); when off, the grid is not even computed. The density shows
    the incidents the sidebar's filters keep, all months together: the time slider
    filters only the markers. Tooltips come from :class:`PointerTips`.
    """
    incidents = not_the_case(incidents)
    if not show:
        return AtlasLayer("density", LAYER_LABELS["density"], show=False)
    grid = density_grid(incidents, cell_km)
    size = f", hexagons {grid.attrs['cell_km']:.3g} km across" if len(grid) else ""
    name = f"{LAYER_LABELS['density']} ({len(grid):,} cells{size})"
    features = [{"type": "Feature", "geometry": _ring(cell.geometry),
                 "properties": {"s": density_class(cell.count), "t": density_label(cell)}}
                for cell in grid.itertuples()]
    layer = AtlasLayer("density", name, styles=[density_style(index) for index in range(len(DENSITY_COLORS))],
                       shapes={"type": "FeatureCollection", "features": features}, pane=DENSITY_PANE,
                       interactive=False)
    layer.add_child(PointerTips())
    return layer


# --- the legend -------------------------------------------------------------------------

def _circle(fill: str, stroke: str, radius: float = 5, dash: str = "") -> str:
    size = int(radius * 2 + 4)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="{size}" height="{size}"><circle cx="{size / 2}" cy="{size / 2}" r="{radius}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="2"{dash_attr}/></svg>')


def _outline(style: dict) -> str:
    """A legend key for a district or province outline: a small dashed rectangle in its style."""
    fill = style.get("fillColor", "none") if style.get("fill", True) else "none"
    return (f'<svg width="22" height="14"><rect x="1.5" y="1.5" width="19" height="11" fill="{fill}" '
            f'fill-opacity="{min(1.0, style.get("fillOpacity", 0) * 3):g}" stroke="{style["color"]}" '
            f'stroke-width="{style["weight"]:g}" stroke-dasharray="{style["dashArray"]}"/></svg>')


def _density_ramp() -> str:
    """The density palette as one row of swatches, each labelled with its class's lowest count."""
    def label(low: int) -> str:
        return f"{low // 1000}k" if low >= 1000 else str(low)
    swatches = "".join(
        f'<span style="background:{color};color:{"#fff" if index >= 3 else "#333"}">{label(low)}'
        f'{"+" if index == len(DENSITY_BREAKS) - 1 else ""}</span>'
        for index, (low, color) in enumerate(zip(DENSITY_BREAKS, DENSITY_COLORS)))
    return f'<span class="atlas-ramp">{swatches}</span>'


#: Legend sections shown only while their overlay is on the map: title → overlay key.
LAYER_SECTIONS = {"Incident density": "density"}


def legend_html(route_legend: str | None = None, areas: bool = True) -> str:
    """The legend: every symbol the map draws; the route section only for a case with a
    route (``route_legend`` names its line, from the case's settings; escaped), the
    outlines' section only when the map draws district or province outlines (``areas``)."""
    line = f'<svg width="22" height="10"><line x1="0" y1="5" x2="22" y2="5" stroke="{ROUTE_COLOR}" stroke-width="3"/></svg>'
    area = (f'<svg width="22" height="14"><rect x="1" y="1" width="20" height="12" fill="{ATTACK_COLOR}" '
            f'fill-opacity="0.15" stroke="{ATTACK_COLOR}" stroke-width="2" stroke-dasharray="4 3"/></svg>')
    item = '<div class="atlas-item">{symbol}<span>{label}</span></div>'
    route = [("Route", [(line, route_legend),
                        (_circle("#fff", ROUTE_COLOR, 5), "principal stop"),
                        (_circle("#fff", ROUTE_COLOR, 3.5), "other station"),
                        (_circle("#fff", ROUTE_COLOR, 5, "2 2"), "dashed: position estimated")])]
    sections = [
        *(route if route_legend else []),
        ("Attack site", [(_circle(ATTACK_COLOR, "#000", 6), "best estimate"),
                         (area, "uncertainty area"),
                         (_circle("#fff", ATTACK_COLOR, 4), "candidate position")]),
        ("Past incidents", [(_circle(color, "#fff", 5), CLAIM_LABELS[status])
                            for status, color in CLAIM_COLORS.items()]
         + [(_circle("#bbb", "#fff", 3) + _circle("#bbb", "#fff", 7), "larger: more killed"),
            ('<span class="atlas-cluster-key">12</span>', "group of nearby incidents"),
            (_circle("none", "#636363", 6, "3 2"), f"position within (zoom {PRECISION_ZOOM}+)")]),
        ("Incident density", [(_density_ramp(), "per hexagon")]),
        ("Places mentioned", [(f'<span class="atlas-key"><span class="atlas-diamond atlas-kind-{kind}"></span></span>', kind)
                              for kind in KIND_COLORS]),
        *([("Districts and provinces named", [(_outline(AREA_STYLES["province"]), "province outline"),
                                              (_outline(AREA_STYLES["district"]), "district outline")])]
          if areas else []),
    ]
    def section(title: str, items: list[tuple[str, str]]) -> str:
        # Place kinds are many and short: two columns keep the legend low.
        inner = "".join(item.format(symbol=symbol, label=html.escape(label)) for symbol, label in items)
        if title == "Places mentioned":
            inner = f'<div class="atlas-kinds">{inner}</div>'
        if title in LAYER_SECTIONS:  # shown by the legend's script while its overlay is on the map
            return (f'<div class="atlas-section" data-atlas-layer="{LAYER_SECTIONS[title]}" hidden>'
                    f'<b>{html.escape(title)}</b>{inner}</div>')
        return f'<div class="atlas-section"><b>{html.escape(title)}</b>{inner}</div>'

    body = "".join(section(title, items) for title, items in sections)
    return f'<details open><summary>Legend</summary><div class="atlas-legend-body">{body}</div></details>'


MAP_CSS = """
<style>
.atlas-place { background: none; border: none; }
.atlas-diamond { display: block; width: 70%; height: 70%; margin: 15%; transform: rotate(45deg);
                 border: 1px solid #222; box-sizing: border-box; }
.atlas-key { display: inline-block; width: 12px; height: 12px; margin: 0 3px 0 2px; }
.atlas-legend { background: rgba(255,255,255,0.92); padding: 3px 7px; font: 10.5px/1.3 sans-serif;
                max-height: 480px; overflow-y: auto; }
.atlas-legend summary { cursor: pointer; font-weight: bold; }
/* One narrow column on the left: over Iran, clear of the case and of Karachi. */
.atlas-legend-body { display: block; }
.atlas-section b { display: block; margin-top: 2px; }
.atlas-kinds { display: grid; grid-template-columns: auto auto; column-gap: 8px; }
.atlas-item { display: flex; align-items: center; gap: 3px; white-space: nowrap; }
.atlas-item svg { flex: none; }
.atlas-cluster-key { display: inline-block; min-width: 16px; height: 16px; border-radius: 8px;
                     background: rgba(110,204,57,0.8); text-align: center; font-size: 9px; line-height: 16px; }
.atlas-ramp { display: inline-flex; }
.atlas-ramp span { min-width: 17px; padding: 0 2px; text-align: center; font-size: 9px; line-height: 13px; }
/* The time slider: one row at the bottom left, native controls. */
.atlas-time { background: rgba(255,255,255,0.94); padding: 4px 8px; font: 12px/1.4 sans-serif;
              display: flex; align-items: center; gap: 6px; }
.atlas-time-title { font-weight: bold; }
.atlas-time-play { font: inherit; min-width: 70px; cursor: pointer; }
.atlas-time-range { width: 220px; }
.atlas-time-month { font-variant-numeric: tabular-nums; font-weight: bold; min-width: 56px; }
.atlas-time-label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.atlas-time button:focus-visible, .atlas-time input:focus-visible { outline: 2px solid #1c7ed6; outline-offset: 1px; }
.atlas-popup h4 { margin: 0 0 4px; font-size: 14px; }
.atlas-popup table { border-collapse: collapse; font-size: 12px; }
.atlas-popup th { text-align: left; vertical-align: top; padding: 1px 6px 1px 0; color: #555; font-weight: 600; }
.atlas-popup td { padding: 1px 0; }
.atlas-popup ul { margin: 2px 0; padding-left: 16px; font-size: 12px; }
.atlas-popup .atlas-sources p { margin: 2px 0; font-size: 11px; word-break: break-all; }
.atlas-popup .atlas-more { margin: 0; font-size: 11px; color: #555; }
/* District and province outlines: the one under the pointer (its tooltip's) stands out. */
.atlas-area:hover { stroke-opacity: 1; }
.atlas-area-district:hover { fill-opacity: 0.18; }
""" + kind_css() + "\n</style>"


# --- the whole map ----------------------------------------------------------------------

@dataclass
class MapParts:
    """What streamlit-folium needs: the fixed base map, the swappable overlays, the control."""

    base: folium.Map
    overlays: list[AtlasLayer] = field(default_factory=list)
    control: AtlasLayerControl = field(default_factory=AtlasLayerControl)
    #: What the base map was made from (:func:`base_map`'s arguments), for :meth:`fingerprint`.
    base_key: tuple = ()

    def rendered_layers(self) -> dict[str, int]:
        """Overlays that are switched on, with their feature counts (for tests and the UI)."""
        return {layer.key: layer.count for layer in self.overlays if layer.show}

    def fingerprint(self) -> str:
        """A digest of everything streamlit-folium would send for this map: the base map's
        arguments, each overlay's content, whether it is shown, its children (time slider,
        precision circles) and the control's generation. Two maps with the same
        fingerprint give streamlit-folium the same scripts (it numbers the overlays
        itself), so the browser redraws nothing."""
        digest = hashlib.blake2b(digest_size=16)

        def add(value: object) -> None:
            text = value if isinstance(value, str) else repr(value)
            digest.update(f"{len(text)}:".encode())
            digest.update(text.encode("utf-8", "surrogatepass"))

        add(self.base_key)
        add(self.control.generation)
        for layer in self.overlays:
            add(layer.digest)
        return digest.hexdigest()


def base_map(asset_base: str, online_tiles: bool = False, center: tuple[float, float] = WORLD_VIEW[0],
             zoom: int = WORLD_VIEW[1], route_legend: str | None = None, areas: bool = True) -> folium.Map:
    """The map without overlays: local tiles (optionally online OSM), outlines, legend, credits.

    ``asset_base`` is the URL of ``static/vendor`` as the browser sees it; ``center`` and
    ``zoom`` come from the case (:func:`case_view`), ``route_legend`` from its route;
    ``areas``: whether the legend explains the district and province outlines.
    """
    fmap = folium.Map(location=list(center), zoom_start=zoom, tiles=None, min_zoom=2, max_zoom=MAX_ZOOM,
                      control_scale=True, font_size="12px")
    # Instance attributes shadow folium's CDN lists; streamlit-folium reads them from here.
    fmap.default_js = [("leaflet", f"{asset_base}/leaflet/leaflet.js"),
                       ("markercluster", f"{asset_base}/markercluster/leaflet.markercluster.js")]
    fmap.default_css = [("leaflet_css", f"{asset_base}/leaflet/leaflet.css"),
                        ("markercluster_css", f"{asset_base}/markercluster/MarkerCluster.css"),
                        ("markercluster_default_css", f"{asset_base}/markercluster/MarkerCluster.Default.css")]
    folium.TileLayer(f"{asset_base}/tiles/{{z}}/{{x}}/{{y}}.png", attr=basemap.OSM_ATTRIBUTION,
                     name="OpenStreetMap, offline (zoom 0–6)", max_native_zoom=TILE_MAX_ZOOM,
                     max_zoom=MAX_ZOOM, no_wrap=True, show=not online_tiles).add_to(fmap)
    if online_tiles:
        folium.TileLayer(ONLINE_TILES, attr=basemap.OSM_ATTRIBUTION, name="OpenStreetMap, online",
                         max_zoom=MAX_ZOOM).add_to(fmap)
    CountryOutlines(f"{asset_base}/{basemap.OUTLINES_FILE}").add_to(fmap)
    credits = [basemap.GEONAMES_ATTRIBUTION, basemap.NATURAL_EARTH_ATTRIBUTION, *([basemap.WOF_ATTRIBUTION] if areas else [])]
    fmap.add_child(Attribution(" · ".join(credits)))
    fmap.add_child(AtlasPanes())
    fmap.add_child(Legend(legend_html(route_legend, areas)))
    fmap.get_root().header.add_child(Element(MAP_CSS), name="atlas_css")
    return fmap


def build_map(layers: Mapping[str, gpd.GeoDataFrame], incidents: gpd.GeoDataFrame,
              visible: Mapping[str, bool], *, asset_base: str, online_tiles: bool = False,
              generation: int = 0, view: tuple[tuple[float, float], int] = WORLD_VIEW,
              route_legend: str | None = None,
              incident_overlay: Callable[[bool], AtlasLayer] | None = None) -> MapParts:
    """The base map plus one overlay per switchable layer (empty when switched off).

    ``incidents`` is the filtered incident frame; ``layers["incidents"]`` gives the total
    (the case's own incident is counted in neither: the attack site shows it).
    ``incident_overlay(show)`` makes the incidents overlay instead of :func:`incidents_overlay`
    (the cells of a view, for very many incidents: :mod:`atlas_ui.cell_layer`).
    """
    # Drawn in this order: the district and province outlines first, under everything (in a
    # pane of their own below the rest, too), the attack site last, on top of the incident
    # recorded at the same spot. A case without a route, or whose reports name no district
    # or province with an outline, gets no such overlay: the layer control offers none.
    has_route = not (layers["route"].empty and layers["stops"].empty)
    areas = layers.get("areas")
    has_areas = areas is not None and not areas.empty
    overlays = [
        *([areas_overlay(areas, visible.get("areas", True))] if has_areas else []),
        *([route_overlay(layers["route"], layers["stops"], visible.get("route", True))] if has_route else []),
        places_overlay(layers["places_merged"], visible.get("places", True)),
        density_overlay(incidents, visible.get("density", "density" not in OFF_BY_DEFAULT)),
        (incident_overlay(visible.get("incidents", True)) if incident_overlay is not None else
         incidents_overlay(incidents, len(not_the_case(layers["incidents"])), visible.get("incidents", True))),
        attack_site_overlay(layers["attack_site"], visible.get("attack_site", True)),
    ]
    center, zoom = view
    return MapParts(base_map(asset_base, online_tiles, center, zoom, route_legend, has_areas), overlays,
                    AtlasLayerControl(generation), (asset_base, online_tiles, center, zoom, route_legend, has_areas))


def standalone_html(parts: MapParts) -> str:
    """The whole map as one HTML page (what the benchmark measures as the map's payload)."""
    for overlay in parts.overlays:
        parts.base.add_child(overlay)
    parts.base.add_child(parts.control)
    return parts.base.get_root().render()
