"""From geocoded places and curated data to map layers (GeoDataFrames) and exports."""
