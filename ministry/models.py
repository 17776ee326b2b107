"""Cross-association rollups: aggregates only, never a person's data. No tenant models live here."""
