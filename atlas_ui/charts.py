"""The dashboard's charts: past incidents over time, and the claims on one figure."""
from __future__ import annotations

import altair as alt
import pandas as pd

from layers.claims import figure_chart_frame

from . import filters


def timeline_chart(timeline: pd.DataFrame, colors: dict[str, str]) -> alt.Chart:
    """Incidents per month, stacked by claim status in the map's colours."""
    labels = [filters.CLAIM_LABELS[status] for status in colors]
    return alt.Chart(timeline).mark_bar().encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("sum(incidents):Q", title="incidents per month"),
        color=alt.Color("claim_status:N", title="claim", scale=alt.Scale(domain=labels, range=list(colors.values()))),
        tooltip=[alt.Tooltip("month:T", format="%B %Y"), "claim_status:N",
                 alt.Tooltip("sum(incidents):Q", title="incidents"),
                 alt.Tooltip("sum(killed):Q", title="killed (highest figures)")],
    ).properties(height=170)


def figure_chart(claims: pd.DataFrame) -> alt.Chart:
    """Every claim on one figure as a point or an interval, one row per source."""
    data = figure_chart_frame(claims)
    base = alt.Chart(data).encode(
        y=alt.Y("source:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("claimant:N", title="claimant"),
        tooltip=["source:N", "quote:N", "origin:N",
                 alt.Tooltip("low_end:Q", title="low"), alt.Tooltip("high_end:Q", title="high")])
    bars = base.mark_rule(strokeWidth=4).encode(
        x=alt.X("low_end:Q", title="people", scale=alt.Scale(zero=False)), x2="high_end:Q",
        strokeDash=alt.StrokeDash("bound:N", title="upper bound",
                                  scale=alt.Scale(domain=["bounded", "open-ended"], range=[[1, 0], [4, 3]])))
    ticks = base.mark_point(filled=True, size=60).encode(x="low_end:Q")
    return (bars + ticks).properties(height=max(120, 28 * len(data)))
