"""The stages a booking flows through, from intake to outcome."""
