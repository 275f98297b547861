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
# Stored descriptor length after the fitted projection: 256 float16 = 512 bytes
# per finger on disk and 1 KB as float32 in memory, well under the 4 KB target.
# On synthetic tenprints 256 half-whitened components gave a per-finger d' of 4.1
# against 3.6 for 128 (bench/search_fit_descriptor.py prints both).
DESCRIPTOR_LENGTH = 256
# Whitening power of the projection: components scaled by variance**(-power/2).
# 0 (plain PCA) gave tenprint impostor/genuine separation z=6.1, 0.5 gave 11.9,
# 1.0 gave 14.1 but a worse single-finger tail (p99 rank 1275 vs 509 of 3,000).
WHITENING_POWER = 0.5
# Synthetic persons the model is fitted on: ids from FIT_FIRST_PERSON on, far
# from the ids the benchmark and tests enrol (0..N), so no search sees them.
FIT_PERSONS = 3000
FIT_FIRST_PERSON = 50_000_000
FIT_SEED = 7

# --- two-stage search ---------------------------------------------------------
# Identities kept by the first stage for the full matcher. On synthetic
# tenprints the fitted descriptor separates mates from non-mates by z=12 summed
# over ten fingers, so the mate is almost always first already; 32 leaves room
# for partial and poor probes while the second stage stays ~320 1:1
# comparisons (the matcher's template preparation dominates its cost).
FIRST_STAGE_CANDIDATES = 32
# The same for the MCC matcher: each candidate costs ten template preparations
# (49 ms each measured on the loaded 2-core machine, docs/search.md), so only a
# few; the first stage already ranks the mate first in all measured searches.
FIRST_STAGE_CANDIDATES_MCC = 4
# With the "descriptor" matcher a candidate's score is its fused descriptor
# score in standard deviations above the probe's other candidates (cohort
# normalisation). Fewer other candidates than this give no usable spread, and
# the raw fused score is reported instead (small galleries: use "mcc").
COHORT_MIN = 8
# Below this many identities the second stage simply compares every identity.
EXHAUSTIVE_BELOW = 16

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

# Probes with fewer fingers than this go through the MCC second stage even in a
# gallery configured for the descriptor matcher: at FPIR 0.1% (docs/search.md) the
# descriptor second stage misses 89% of mates with one finger, 49% with two, 3.7%
# with four and 0.7% with six (30,000 identities); MCC misses 22%, 1.0% and 0% with
# one, two and four (5,000 identities).
DESCRIPTOR_MIN_FINGERS = 5
