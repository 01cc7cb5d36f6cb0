"""The claims table: every figure each article states, and the curated official figures."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from geo.claims import Claim

from ._frames import DATA_DIR, read_csv, to_number

CURATED_CLAIMS_CSV = DATA_DIR / "claims.csv"
#: Columns of the claims table, contract of ``incident-atlas claims``.
CLAIM_COLUMNS = ["article", "figure", "low", "high", "claimant", "incident", "subgroup",
                 "quote", "start", "end", "sentence"]


def claims_table(claims: list[Claim]) -> pd.DataFrame:
    """One row per claim, in article and text order; open bounds stay empty."""
    frame = pd.DataFrame([asdict(c) for c in claims], columns=CLAIM_COLUMNS)
    for column in ("low", "high", "start", "end"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["article", "start"], kind="stable").reset_index(drop=True)


def curated_claims(path: Path = CURATED_CLAIMS_CSV) -> pd.DataFrame:
    """Later official and group figures with their dates and sources (``data/claims.csv``)."""
    frame = read_csv(path)
    frame["low"] = to_number(frame["low"])
    frame["high"] = to_number(frame["high"])
    return frame.sort_values(["figure", "claim_date", "id"], kind="stable").reset_index(drop=True)
