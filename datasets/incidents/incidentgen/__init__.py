"""Helpers of datasets/incidents/generate.py (the incident data generator); not a public API."""
