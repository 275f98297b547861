"""Commands of this part of scomm (filled in by its owner)."""
