"""Synthetic counties: populations, galleries, bookings and outcomes for demos and tests."""
