"""The claims table: every figure each article states, and the curated official figures."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from geo.claims import Claim

from ._frames import filled, numbers, read_csv

#: Columns of the claims table, contract of ``incident-atlas claims``.
CLAIM_COLUMNS = ["article", "figure", "low", "high", "claimant", "incident", "subgroup",
                 "quote", "start", "end", "sentence"]


def claims_table(claims: list[Claim]) -> pd.DataFrame:
    """One row per claim, in article and text order; open bounds stay empty."""
    frame = pd.DataFrame([asdict(c) for c in claims], columns=CLAIM_COLUMNS)
    for column in ("low", "high", "start", "end"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["article", "start"], kind="stable").reset_index(drop=True)


def curated_claims(path: Path) -> pd.DataFrame:
    """A case's official and group figures over time, with their dates and sources (its ``claims.csv``)."""
    frame = filled(read_csv(path, ("id", "incident", "figure", "low", "high", "claimant", "sources")),
                   ("claim_date", "claimant_detail", "value_text", "note"))
    frame["low"] = numbers(frame, "low", path, 0, kind="Int64")
    frame["high"] = numbers(frame, "high", path, 0, kind="Int64")
    return frame.sort_values(["figure", "claim_date", "id"], kind="stable").reset_index(drop=True)


#: Columns of the combined table behind the dashboard's "Figures" view.
FIGURE_COLUMNS = ["figure", "low", "high", "claimant", "claim_date", "incident", "origin",
                  "article", "start", "end", "quote", "sentence", "sources"]


def figures_table(article_claims: pd.DataFrame, curated: pd.DataFrame, incident: str) -> pd.DataFrame:
    """Every claim about ``incident``: those the articles state and the curated official record.

    Breakdowns of a larger figure ("31 women" of those rescued) are left out: they are
    parts, not versions, of a figure.
    """
    from_articles = article_claims[(article_claims["incident"] == incident)
                                   & (article_claims["subgroup"].fillna("") == "")].assign(
        origin="article", claim_date="", sources=lambda f: "article:" + f["article"])
    from_record = curated[curated["incident"] == incident].assign(
        origin="official and group statements", article="", start=pd.NA, end=pd.NA,
        quote=curated["value_text"], sentence=curated["claimant_detail"] + ": " + curated["note"])
    combined = pd.concat([from_articles.reindex(columns=FIGURE_COLUMNS),
                          from_record.reindex(columns=FIGURE_COLUMNS)], ignore_index=True)
    for column in ("low", "high", "start", "end"):
        combined[column] = combined[column].astype("Int64")
    return combined.sort_values(["figure", "origin", "claim_date", "article", "start"],
                                kind="stable", na_position="last").reset_index(drop=True)


def figure_ranges(table: pd.DataFrame) -> pd.DataFrame:
    """Per figure: the lowest and highest value any claim gives, how many claims, and who claims."""
    rows = []
    for figure, group in table.groupby("figure", sort=True):
        bounds = pd.concat([group["low"], group["high"]]).dropna()
        rows.append({
            "figure": figure,
            "lowest": int(bounds.min()) if len(bounds) else None,
            "highest": int(bounds.max()) if len(bounds) else None,
            "open_ended": bool(group["high"].isna().any()),
            "claims": len(group),
            "claimants": ", ".join(sorted({c or "unattributed" for c in group["claimant"]})),
        })
    return pd.DataFrame(rows, columns=["figure", "lowest", "highest", "open_ended", "claims", "claimants"])


def short_name(article: str) -> str:
    """"000" for the seed "000_75480677563b29d2.txt"; other names cut to fit an axis label."""
    stem = article.rsplit(".", 1)[0]
    head = stem.split("_", 1)[0]
    return head if head.isdigit() else stem[:24]


def figure_chart_frame(claims: pd.DataFrame) -> pd.DataFrame:
    """One chart row per claim: a label, the interval to draw, and whether it is open-ended.

    An open upper bound ("at least 27") is drawn to a little past the largest value.
    Rows are numbered so that two claims with the same date and claimant stay apart.
    """
    bounds = pd.concat([claims["low"], claims["high"]]).dropna()
    top = float(bounds.max()) if len(bounds) else 1.0
    return pd.DataFrame({
        "source": [f"{number}. {row.claim_date or 'report ' + short_name(row.article)} · "
                   f"{row.claimant or 'unattributed'}" for number, row in enumerate(claims.itertuples(), 1)],
        "low_end": claims["low"].astype("Float64").fillna(0).astype(float).to_numpy(),
        "high_end": claims["high"].astype("Float64").fillna(top * 1.1).astype(float).to_numpy(),
        "bound": ["open-ended" if pd.isna(high) else "bounded" for high in claims["high"]],
        "claimant": claims["claimant"].replace("", "unattributed").to_numpy(),
        "quote": claims["quote"].to_numpy(),
        "origin": claims["origin"].to_numpy(),
    })
