"""Colours and symbol styles shared by the map, its legend and the article reader."""
from __future__ import annotations

#: Place kinds in legend order, with their colours (diamonds on the map, highlights in the reader).
KIND_COLORS: dict[str, str] = {
    "country": "#8c510a",
    "province": "#bf812d",
    "region": "#dfc27d",
    "district": "#80cdc1",
    "city": "#01665e",
    "town": "#35978f",
    "village": "#9ecae1",
    "station": "#542788",
    "landmark": "#c51b7d",
    "water": "#2166ac",
}
OTHER_KIND_COLOR = "#969696"

#: Claim status → colour of the incident circles; unclaimed stays visibly "no claimant" grey.
CLAIM_COLORS: dict[str, str] = {
    "claimed": "#d7191c",
    "unclaimed": "#636363",
    "disputed": "#fdae61",
    "state_action": "#2c7bb6",
}

ROUTE_COLOR = "#08306b"
ATTACK_COLOR = "#e7298a"

ROUTE_STYLE = {"color": ROUTE_COLOR, "weight": 3, "opacity": 0.8}
UNCERTAINTY_STYLE = {"color": ATTACK_COLOR, "weight": 2, "dashArray": "6 4", "fillColor": ATTACK_COLOR,
                     "fillOpacity": 0.15}
BEST_ESTIMATE_STYLE = {"radius": 9, "color": "#000000", "weight": 2, "fillColor": ATTACK_COLOR,
                       "fillOpacity": 1, "className": "atlas-attack-best"}
CANDIDATE_STYLE = {"radius": 5, "color": ATTACK_COLOR, "weight": 2, "fillColor": "#ffffff",
                   "fillOpacity": 1, "className": "atlas-attack-candidate"}

#: Outlines of the districts and provinces the reports name: drawn under everything else,
#: dashed and all but unfilled so the route, the site and the places stay readable. A
#: province is a long dash with no fill (hovering inside it must not raise its tooltip
#: over the whole map); a district a finer, shorter dash with a faint tint.
AREA_COLORS: dict[str, str] = {"province": "#8c510a", "district": "#01665e"}
AREA_STYLES: dict[str, dict] = {
    "province": {"color": AREA_COLORS["province"], "weight": 2.5, "opacity": 0.75, "dashArray": "10 6",
                 "fill": False, "className": "atlas-area atlas-area-province"},
    "district": {"color": AREA_COLORS["district"], "weight": 1.5, "opacity": 0.9, "dashArray": "4 4",
                 "fillColor": AREA_COLORS["district"], "fillOpacity": 0.06,
                 "className": "atlas-area atlas-area-district"},
}


def stop_style(principal: bool, estimate: bool) -> dict:
    """Principal stops are larger; a dashed ring means the position is an estimate."""
    style = {"radius": 5 if principal else 3.5, "color": ROUTE_COLOR, "weight": 2,
             "fillColor": "#ffffff", "fillOpacity": 1, "className": "atlas-stop"}
    if estimate:
        style["dashArray"] = "2 2"
    return style


#: Death-toll classes (lower bounds) and the circle radius of each, so 100,000 incidents
#: share a handful of styles instead of carrying one each.
KILLED_CLASSES: tuple[tuple[int, float], ...] = ((0, 4.0), (1, 6.0), (5, 8.0), (20, 11.0), (50, 14.0))


def killed_class(killed: float | None) -> int:
    """Index into :data:`KILLED_CLASSES` for a death toll (missing counts as 0)."""
    value = 0 if killed is None or killed != killed else killed  # NaN != NaN
    return max(i for i, (low, _) in enumerate(KILLED_CLASSES) if value >= low)


def incident_style(status: str, size_class: int) -> dict:
    """A circle coloured by claim status, sized by death-toll class."""
    return {"radius": KILLED_CLASSES[size_class][1], "color": "#ffffff", "weight": 1,
            "fillColor": CLAIM_COLORS.get(status, OTHER_KIND_COLOR), "fillOpacity": 0.85,
            "className": f"atlas-incident atlas-{status}"}


def kind_css(selector: str = ".atlas-kind-{kind}", prop: str = "background") -> str:
    """CSS rules giving every place kind its colour."""
    rules = [f"{selector.format(kind=kind)} {{ {prop}: {color}; }}" for kind, color in KIND_COLORS.items()]
    rules.append(f"{selector.format(kind='other')} {{ {prop}: {OTHER_KIND_COLOR}; }}")
    return "\n".join(rules)


#: Incident density: lower bounds of the count classes (incidents per hexagon) and a
#: sequential palette (ColorBrewer Purples, light to dark), clear of the claim colours
#: of the incident circles drawn on top. Fixed classes, not quantiles: the legend is drawn
#: once with the map, and one count means the same colour whatever the filters.
DENSITY_BREAKS: tuple[int, ...] = (1, 3, 10, 30, 100, 300, 1000)
DENSITY_COLORS: tuple[str, ...] = ("#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d")


def density_class(count: int) -> int:
    """Index into :data:`DENSITY_COLORS` for a cell's incident count."""
    return max(0, sum(count >= low for low in DENSITY_BREAKS) - 1)


def density_style(index: int) -> dict:
    """A hexagon filled by its count class, with a thin outline of the same hue."""
    return {"color": DENSITY_COLORS[-1], "weight": 0.5, "opacity": 0.35, "fillColor": DENSITY_COLORS[index],
            "fillOpacity": 0.6, "className": "atlas-density"}


#: The circle showing how far an incident's position may be off (its precision_km).
PRECISION_STYLE = {"weight": 1, "opacity": 0.8, "dashArray": "4 3", "fillOpacity": 0.08}
