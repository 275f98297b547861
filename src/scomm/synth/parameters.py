"""Every tuned constant of the synthetic fingerprint generator, with where it comes from.

Lengths are pixels at 500 ppi (scomm's reference resolution); angles are radians.
"""

from __future__ import annotations

import math

# --- pattern classes --------------------------------------------------------
# Global frequencies of the five Henry/NIST classes: arch 3.7%, tented arch 2.9%,
# left loop 33.8%, right loop 31.7%, whorl 27.9% (Wilson, Candela & Watson, "Neural
# network fingerprint classification", 1994, as quoted in Maltoni et al., Handbook of
# Fingerprint Recognition, 2nd ed., 2009, section 5.1).
CLASS_FREQUENCY = {"arch": 0.037, "tented_arch": 0.029, "left_loop": 0.338,
                   "right_loop": 0.317, "whorl": 0.279}
# Probability that a finger repeats the person's dominant class instead of drawing its own:
# the ten fingers of one person are strongly correlated (classes cluster within a person;
# scomm's choice of 0.55 gives about the within-hand agreement reported in dermatoglyphics).
PERSON_CLASS_REPEAT = 0.55
# Per-finger multipliers on (arch, tented arch, loop, whorl), index 0 = thumb .. 4 = little:
# whorls are commonest on thumbs and ring fingers, arches on index fingers, ulnar loops on
# little fingers (standard dermatoglyphic observations; scomm's rounded factors).
FINGER_CLASS_FACTORS = (
    (0.5, 0.5, 0.85, 1.30),  # thumb
    (2.0, 2.0, 0.90, 1.05),  # index
    (1.0, 1.0, 1.10, 0.80),  # middle
    (0.6, 0.6, 0.85, 1.40),  # ring
    (0.5, 0.5, 1.25, 0.55),  # little
)
# Share of loops that open toward the little finger (ulnar); radial loops are mostly on
# index fingers. Scomm's choice, keeping left and right loops about equally frequent overall.
ULNAR_LOOP_SHARE = (0.97, 0.78, 0.96, 0.97, 0.99)

# --- finger geometry (master frame: finger centre at the origin, y up) -------
# Semi-axes of the fingertip ellipse: a rolled print is about 0.8-0.9 in wide
# (400-450 px at 500 ppi) and a little taller; thumbs larger, little fingers smaller.
FINGER_HALF_WIDTH = (165.0, 12.0)          # mean, sd
FINGER_ASPECT = 1.25                        # half-height / half-width
FINGER_SIZE_FACTOR = (1.12, 0.98, 1.0, 0.95, 0.85)
# Core placement relative to the finger centre (y up: positive is toward the tip).
CORE_OFFSET = ((0.0, 12.0), (25.0, 15.0))   # ((mean x, sd x), (mean y, sd y))
# Loop delta: below and to the side of the core (about 100 px = 11 ridges away, a typical
# core-delta ridge count of 10-15).
LOOP_DELTA_DX = (95.0, 15.0)
LOOP_DELTA_DY = (105.0, 18.0)
# Whorl: two cores a few ridges apart and two deltas, one each side.
WHORL_CORE_GAP = (28.0, 10.0)
WHORL_DELTA_DX = (105.0, 15.0)
WHORL_DELTA_DY = (95.0, 18.0)
# Tented arch: delta right below the core.
TENTED_DELTA_DY = (55.0, 10.0)
# Plain arch ridges: bump amplitude and width of the arch profile.
ARCH_AMPLITUDE = (80.0, 15.0)
ARCH_WIDTH = (95.0, 15.0)
# Low-order random perturbation of the zero-pole field (individuality of the flow; the
# zero-pole model alone is too regular, cf. Vizcaya & Gerhardt 1996 corrections), radians.
ORIENTATION_PERTURBATION = 0.10
ORIENTATION_PERTURBATION_SCALE = 220.0      # px, wavelength scale of the perturbation

# --- ridge frequency -------------------------------------------------------
# Mean ridge period of adult fingers is about 0.45-0.5 mm, 9-10 px at 500 ppi (FVC and
# SFinGe images measure about 9 px); wider above the top core and below the deltas
# (Cappelli, Maio & Maltoni, SFinGe, 2000-2004).
RIDGE_PERIOD = (9.2, 0.6)
RIDGE_PERIOD_LIMITS = (7.5, 12.0)
RIDGE_PERIOD_WIDENING = 0.12

# --- master minutiae ---------------------------------------------------------
# About one true minutia per 1,070 px^2 of finger at 500 ppi: 80-110 on a rolled finger and
# 35-50 on a plain impression, the counts NBIS mindtct and commercial extractors report
# on good-quality FVC/NIST images.
MINUTIA_CELL = 24.0                         # jittered-grid cell (px)
MINUTIA_KEEP = 0.54                         # share of cells holding a minutia
MINUTIA_SINGULAR_CLEARANCE = 14.0           # none closer than this to a core or delta
# Share of ridge endings among ending+bifurcation (ridge endings are the more frequent
# minutia; scomm uses 0.58, between the frequencies reported by Champod et al. 2004 and
# Gutierrez-Redomero et al. 2011 for endings vs bifurcations).
ENDING_SHARE = 0.58

# --- impressions -------------------------------------------------------------
# Frame of an impression (width, height) when none is given: FBI plain/rolled boxes are
# 0.8-1.6 in; 400x400 is a single-finger livescan capture at 500 ppi.
DEFAULT_SIZE = (400, 400)
# Placement: rotation sd (radians) and translation sd (px), plain vs rolled. Livescan plain
# captures rotate by up to about +-20 degrees; rolled prints are guided by the operator.
PLAIN_ROTATION_SD = math.radians(9.5)
ROLLED_ROTATION_SD = math.radians(4.0)
ROTATION_LIMIT = math.radians(25.0)
PLAIN_TRANSLATION_SD = 18.0
ROLLED_TRANSLATION_SD = 8.0
# Contact area: plain impressions touch 52-79% of the finger's half-axes around the pad
# (centred near the core); rolled ones nail to nail.
PLAIN_CONTACT_SCALE = (0.52, 0.79)
PLAIN_CONTACT_CENTRE_SD = 26.0
ROLLED_CONTACT_SCALE = (0.92, 1.02)
# Plastic distortion (Cappelli, Maio & Maltoni, "Modelling plastic distortion in
# fingerprint images", ICAPR 2001): an undistorted close-contact core, a transition band,
# and an outer region displaced rigidly. Sizes relative to the contact ellipse.
DISTORTION_CORE_SCALE = 0.35
DISTORTION_BAND = 0.45
DISTORTION_ROTATION_SD = math.radians(3.5)
DISTORTION_SHIFT_SD = 5.5
# Skin condition: 0 = very dry, 1 = very wet, drawn from Beta(2, 2).
SKIN_BETA = (2.0, 2.0)

# --- extractor noise (what a real minutiae extractor adds) --------------------
# Position and angle jitter of a detected minutia (FVC ground-truth studies report a
# few pixels and about 5-10 degrees).
POSITION_JITTER = 2.0
ANGLE_JITTER = math.radians(6.0)
MISSING_RATE = 0.08                         # base share of true minutiae not detected
MISSING_RATE_BAD_SKIN = 0.15                # added at the dry or wet extreme
BORDER_BAND = 12.0                          # px inside the contact edge, where
BORDER_MISSING_RATE = 0.4                   # extractors drop about 40% of the minutiae there
SPURIOUS_RATE = 0.12                        # spurious minutiae per true one
SPURIOUS_RATE_BAD_SKIN = 0.12
TYPE_FLIP_RATE = 0.08                       # ending <-> bifurcation confusions
FRAME_MARGIN = 6.0                          # minutiae this close to the frame are dropped

# --- ridge rendering (image fidelity) -----------------------------------------
# The filter bank holds 2 x GABOR_ORIENTATIONS orientations (5.6 degree steps, finer than
# the few degrees a ridge turns over the filter) and 10 periods across RIDGE_PERIOD_LIMITS.
GABOR_ORIENTATIONS = 16
GABOR_SIGMA = 3.6                           # Gaussian envelope sd (px): about 0.4 period
# Growth iterations: seeds every ~30 px fill the finger in a few; 12 also let the
# ridges settle (measured: more free iterations let seeded minutiae drift and vanish).
GABOR_ITERATIONS = 12
SEED_RADIUS = 1.6                           # painted minutia radius, in ridge periods
MASTER_CACHE_SIZE = 200                     # grown masters kept in memory (~0.7 MB each)
# Phase synchronisation of the master minutiae (scomm's own method, see master._phases):
# neighbours per minutia, the farthest neighbour considered (about 5 ridges), iterations.
PHASE_NEIGHBOURS = 6
PHASE_NEIGHBOUR_RADIUS = 48.0
PHASE_ITERATIONS = 20
# Flexion creases and scars crossing the ridges (white lines in prints): about one per
# fingertip on average, mostly below the core (scomm's choice, from looking at NIST SD4).
CREASES_PER_FINGER = 1.2
CREASE_VARIANT = 99                         # random-stream variant reserved for creases
# Reading minutiae back from grown ridges (fidelity.image_matched_person): stay this far
# inside the finger, drop minutiae closer than this to another (thinning spurs and
# holes), probe the ridge field this far along the flow to orient each minutia.
RIDGE_MINUTIA_MARGIN = 8
RIDGE_MINUTIA_MIN_GAP = 4.0
RIDGE_MINUTIA_PROBE = 5.0
