"""Incident Atlas geography: place-name records, gazetteer and geocoders."""
