"""Every tuned constant of 1:N search, with where its value comes from.

Distances are pixels at 500 ppi (the template convention); angles radians.
"""

from __future__ import annotations

# --- first-stage descriptor (pair histogram) ---------------------------------
# Pairs of minutiae further apart than this are left out: beyond ~200 px (10 mm)
# skin distortion between impressions moves distances by more than a bin width
# (Cappelli et al., MCC, use a 70 px local radius; longer pairs add the global
# layout a tenprint search needs). Chosen on simulated mates, 120..240 tried.
PAIR_MAX_DISTANCE = 200.0
# Distance bins over [0, PAIR_MAX_DISTANCE]: 25 px each, a little more than the
# 3 to 8 px position jitter of a re-taken impression plus distortion at 150 px.
DISTANCE_BINS = 8
# Angle bins for each minutia's direction relative to the pair's line: 45 degrees
# each, wide against the ~0.1 to 0.2 rad direction noise of extractors.
ANGLE_BINS = 8
# Raw histogram length: DISTANCE_BINS * ANGLE_BINS * ANGLE_BINS.
RAW_DESCRIPTOR_LENGTH = DISTANCE_BINS * ANGLE_BINS * ANGLE_BINS
# Stored descriptor length after the fixed projection: 256 float16 = 512 bytes
# per finger on disk and 1 KB as float32 in memory, well under the 4 KB target.
DESCRIPTOR_LENGTH = 256
# Seed of the fixed random orthogonal projection (any seed; fixed so galleries
# written by one version of scomm read with the next).
PROJECTION_SEED = 20261123

# --- two-stage search ---------------------------------------------------------
# Identities kept by the first stage for the full matcher. Chosen so that on
# simulated tenprints the mate survives the first stage in >99.9% of searches
# while the second stage stays a few thousand 1:1 comparisons.
FIRST_STAGE_CANDIDATES = 200
# Below this many identities the second stage simply compares every identity.
EXHAUSTIVE_BELOW = 200

# --- decision -----------------------------------------------------------------
# FPIR the default decision threshold is calibrated for (0.1%, the brief's target).
DEFAULT_FPIR = 0.001

# --- fusion -------------------------------------------------------------------
# Weight of a finger whose poorer impression has quality 0: a quarter of a
# quality-100 finger. NFIQ 2 scores are noisy at the low end, so a bad quality
# value should discount a finger, not silence it.
MIN_FINGER_WEIGHT = 0.25

# --- storage ------------------------------------------------------------------
# Finger positions stored per identity (ANSI/NIST-ITL FGP 1..10).
FINGERS = 10
# Quality byte meaning "no impression of this finger enrolled".
ABSENT_QUALITY = 255
# A flush that leaves more segments than this merges them (compaction), so a
# gallery fed one booking at a time does not end up searching thousands of tiny files.
MAX_SEGMENTS = 32
# Rows converted from float16 to float32 at a time when a segment is searched
# without a float32 copy in memory (bounds the scratch memory to ~256 MB).
SEARCH_CHUNK_ROWS = 1 << 16
