"""Contextual (Gabor) enhancement: each pixel filtered along its own ridge orientation.

A bank of even Gabor filters tuned to the print's ridge period (Hong, Wan & Jain
1998) is applied in the Fourier domain, one inverse transform per orientation,
and each pixel takes the response of its orientation (linearly interpolated
between the two nearest filters). Ridges come out negative (dark), valleys positive.

Each pixel uses 2 of the bank's filters per period level, so the bank is run
for what the pixels need: the inverse transform is done pass by pass, on the
spectrum's columns where the filter is not negligible and the image rows
where some pixel uses the orientation, and the responses are gathered per
orientation instead of stacked. The result is the plain bank's to the bit
(every template of the shared sets identical; see bench/extraction_profile.py),
at about half its cost.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray
from scipy import fft as sfft
from scipy import ndimage

from scomm.biometrics import parameters as P


def _gabor_spectrum(theta: float, period: float, fy: NDArray[np.floating], fx: NDArray[np.floating]) -> NDArray[np.float64]:
    """Fourier transform of an even Gabor filter, evaluated on the FFT grid.

    The filter is a Gaussian envelope times a cosine across the ridges; its
    spectrum is two Gaussian blobs at plus and minus the ridge frequency along
    the ridge normal, so no kernel FFT is needed. The envelope may be longer
    along the ridges than across them (GABOR_ELONGATION), which bridges small
    breaks and averages noise along the flow. DC is removed so flat areas give
    no response.
    """
    s_across = P.GABOR_SIGMA_FACTOR * period
    s_along = s_across * P.GABOR_ELONGATION
    f0 = 1.0 / period
    cn, sn = -np.sin(theta), np.cos(theta)  # ridge normal (x, y), pixel coordinates
    if P.GABOR_ELONGATION == 1.0:
        k = 2 * (np.pi * s_across) ** 2
        nx, ny = cn * f0, sn * f0
        # isotropic: each blob is an outer product of two 1-D Gaussians
        g = np.exp(-k * (fy - ny) ** 2) * np.exp(-k * (fx - nx) ** 2) + np.exp(-k * (fy + ny) ** 2) * np.exp(
            -k * (fx + nx) ** 2)
    else:
        u = fx * cn + fy * sn  # frequency across the ridges
        v = fy * cn - fx * sn  # frequency along the ridges
        a_u = 2 * (np.pi * s_across) ** 2
        a_v = 2 * (np.pi * s_along) ** 2
        g = (np.exp(-a_u * (u - f0) ** 2) + np.exp(-a_u * (u + f0) ** 2)) * np.exp(-a_v * v * v)
    g[0, 0] = 0.0  # zero DC: flat areas give no response
    return np.asarray(g)


def _period_levels(period: float | NDArray[np.float32], mask: NDArray[np.bool_]) -> list[float]:
    """Periods of the filter banks: one for a scalar period, else geometric steps over the map's range."""
    if np.isscalar(period) or np.ndim(period) == 0:
        return [float(period)]
    p = np.asarray(period)[mask] if mask.any() else np.asarray(period).ravel()
    lo, hi = float(np.percentile(p, 2)), float(np.percentile(p, 98))
    steps = max(0, int(np.ceil(np.log(hi / lo) / np.log(P.PERIOD_LEVEL_RATIO) - 1e-6)))
    if steps == 0:
        return [float(np.sqrt(lo * hi))]
    return [float(v) for v in np.geomspace(lo, hi, min(steps + 1, P.MAX_PERIOD_LEVELS))]


def normalize(image: NDArray[np.float32], mask: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Grey levels minus their local mean, over their local deviation (one block), zero outside ``mask``.

    This is what the Gabor bank filters, and what impression quality compares
    the filter's output with: local normalisation makes both independent of
    ink density, pressure and sensor gain.
    """
    norm = image - ndimage.uniform_filter(image, P.BLOCK)
    dev = np.sqrt(ndimage.uniform_filter(norm * norm, P.BLOCK)) + 1e-3
    return np.where(mask, norm / dev, 0.0).astype(np.float32)


def enhance(
    image: NDArray[np.float32],
    orientation: NDArray[np.float32],
    period: float | NDArray[np.float32],
    mask: NDArray[np.bool_],
    normalized: NDArray[np.float32] | None = None,
) -> NDArray[np.float32]:
    """Gabor-enhanced image (float, zero-mean; ridges < 0) of the same shape.

    ``period`` is one ridge period for the whole impression or a per-pixel
    map; with a map, banks are run at a few periods and each pixel blends the
    two whose periods bracket its own (linearly in log period), so the filter
    follows the ridge spacing from the finger's tip to its crease.
    ``normalized`` is :func:`normalize` of the image when the caller has it already.
    """
    norm = normalize(image, mask) if normalized is None else normalized
    h, w = norm.shape
    n = P.GABOR_ORIENTATIONS
    levels = _period_levels(period, mask)
    r = int(np.ceil(3 * P.GABOR_SIGMA_FACTOR * max(levels)))
    k0, t = _orientation_index(orientation, np.float32(n / np.pi), n)
    if len(levels) == 1:
        level_weights = [np.ones((h, w), np.float32)]
    else:
        lp = np.log(np.clip(np.asarray(period), levels[0], levels[-1]))
        x = (lp - np.log(levels[0])) / (np.log(levels[-1]) - np.log(levels[0])) * (len(levels) - 1)
        level_weights = [_level_weight(x, j) for j in range(len(levels))]
    out = np.zeros((h, w), np.float32)
    for p_level, lw in zip(levels, level_weights, strict=True):
        # Filter only the box where this level has weight, plus the filter's reach: the banks of
        # the extreme periods cover small parts of the print, which keeps the cost near 2 banks.
        support = (lw > 0) & mask
        if len(levels) > 1 and not support.any():
            continue
        ys, xs = (np.flatnonzero(support.any(axis=a)) for a in (1, 0))
        y0, y1 = (int(ys[0]), int(ys[-1]) + 1) if len(levels) > 1 else (0, h)
        x0, x1 = (int(xs[0]), int(xs[-1]) + 1) if len(levels) > 1 else (0, w)
        cy0, cy1, cx0, cx1 = max(0, y0 - r), min(h, y1 + r), max(0, x0 - r), min(w, x1 + r)
        _filter_box(norm[cy0:cy1, cx0:cx1], p_level, r, k0[y0:y1, x0:x1], support[y0:y1, x0:x1],
                    t[y0:y1, x0:x1], lw[y0:y1, x0:x1], (y0 - cy0, x0 - cx0), out[y0:y1, x0:x1])
    return np.where(mask, out, np.float32(0.0))


# The filter's spectrum (peak 1) is set to zero below this: those frequencies add far less than
# float32's resolution to the response, and leaving them out spares the inverse transform the columns
# far from the filter's two blobs (15% of them). Measured: at 1e-20 the enhanced images of all 160
# shared images are bit-identical to the unfloored bank's; at 1e-12 (5% faster) 8 of 40 differ by 1 ulp.
SPECTRUM_FLOOR = 1e-20


def _filter_box(crop: NDArray[np.float32], period: float, reach: int, k0: NDArray[np.intp],
                support: NDArray[np.bool_], t: NDArray[np.float32], weight: NDArray[np.float32], offset: tuple[int, int],
                out: NDArray[np.float32]) -> None:
    """Add ``weight`` x the oriented Gabor response at ``period`` to ``out`` (a view of the box).

    ``crop`` holds the box plus the filter's reach; it is zero-padded by the
    reach so the FFT's circular wrap brings in only zeros.

    The inverse 2-D transform is split into its two passes (the same float32
    operations as ``irfft2``, whose normalisation is one product at the end)
    so that each does only the work the box needs: the column pass skips the
    columns where the filter's spectrum is below ``SPECTRUM_FLOOR`` (far from
    its two blobs), the row pass runs only on the rows where some pixel uses
    the orientation (orientations change smoothly, so that is a band of the
    box). An orientation no pixel uses is not computed at all.
    Each pixel of ``support`` (where the box's weight and the mask are both
    non-zero; elsewhere the result is zero or masked out) keeps only its two
    orientations' responses (``r0``, ``r1``) instead of a stack of all of them.
    """
    n = P.GABOR_ORIENTATIONS
    ch, cw = crop.shape
    fh, fw = sfft.next_fast_len(ch + reach, real=True), sfft.next_fast_len(cw + reach, real=True)
    spectrum = sfft.rfft2(crop, s=(fh, fw), workers=1)
    fy = np.fft.fftfreq(fh)
    fx = np.fft.rfftfreq(fw)
    bh, bw = out.shape
    oy, ox = offset
    scale = np.float32(1.0 / (fh * fw))  # what irfft2's backward normalisation multiplies by
    r0 = np.zeros((bh, bw), np.float32)
    r1 = np.zeros((bh, bw), np.float32)
    rows, cols, starts = _bucket_by_orientation(k0, support, n)
    work = np.zeros((fh, fx.size), np.complex64)  # each orientation's product, then its column pass, in place
    live = (0, 0)  # the columns of ``work`` that hold values
    for k in range(n):
        first = slice(starts[k], starts[k + 1])  # pixels whose first filter is k ...
        second = slice(starts[(k - 1) % n], starts[(k - 1) % n + 1])  # ... and whose second is
        ends = [int(v) for group in (rows[first], rows[second]) if group.size for v in (group[0], group[-1])]
        if not ends:
            continue
        # the pixels are in raster order: the rows they span are those of their first and last
        y0, y1 = min(ends), max(ends) + 1
        live = _filtered_spectrum(spectrum, np.pi * k / n, period, fy, fx, work, live)
        columns = work[:, live[0] : live[1]]
        transformed = sfft.ifft(columns, axis=0, norm="forward", overwrite_x=True, workers=1)
        if not np.shares_memory(transformed, work):
            columns[...] = transformed  # scipy may return a new array instead of transforming in place
        response = sfft.irfft(work[oy + y0 : oy + y1], n=fw, axis=1, norm="forward", workers=1)
        _take_orientation(response, y0, ox, scale, rows[first], cols[first], r0)
        _take_orientation(response, y0, ox, scale, rows[second], cols[second], r1)
    # each pixel takes its own orientation's response, interpolated between the two nearest filters
    _blend(out, weight, t, r0, r1)


def _filtered_spectrum(spectrum: NDArray[np.complex64], theta: float, period: float, fy: NDArray[np.floating],
                       fx: NDArray[np.floating], work: NDArray[np.complex64],
                       live: tuple[int, int]) -> tuple[int, int]:
    """``spectrum`` times the float32 Gabor spectrum, written into ``work``; returns the columns written.

    The columns outside them are zero on return (``live``: those the last call wrote). The
    isotropic filter is a sum of two outer products of 1-D Gaussians, evaluated here element by
    element in float64 and rounded to float32, as :func:`_gabor_spectrum` does in full (without
    its full-size float64 temporaries); values below ``SPECTRUM_FLOOR`` are zero, and the columns
    where all are left out. The elongated filter is not separable: it takes the plain product.
    """
    if P.GABOR_ELONGATION != 1.0:
        work[...] = spectrum * _gabor_spectrum(theta, period, fy[:, None], fx[None, :]).astype(np.float32)
        return 0, work.shape[1]
    k = 2 * (np.pi * P.GABOR_SIGMA_FACTOR * period) ** 2
    f0 = 1.0 / period
    nx, ny = -np.sin(theta) * f0, np.cos(theta) * f0
    a, b = np.exp(-k * (fy - ny) ** 2), np.exp(-k * (fx - nx) ** 2)
    c, d = np.exp(-k * (fy + ny) ** 2), np.exp(-k * (fx + nx) ** 2)
    alive = np.flatnonzero(a.max() * b + c.max() * d >= SPECTRUM_FLOOR)
    c0, c1 = (int(alive[0]), int(alive[-1]) + 1) if alive.size else (0, 1)
    if live[0] < c0:
        work[:, live[0] : min(c0, live[1])] = 0
    if live[1] > c1:
        work[:, max(c1, live[0]) : live[1]] = 0
    _multiply_separable(spectrum, a, b, c, d, c0, np.float32(SPECTRUM_FLOOR), work[:, c0:c1])
    if c0 == 0:
        work[0, 0] = 0  # zero DC: flat areas give no response
    return c0, c1


@njit(cache=True)
def _multiply_separable(spectrum: NDArray[np.complex64], a: NDArray[np.float64], b: NDArray[np.float64],
                        c: NDArray[np.float64], d: NDArray[np.float64], c0: int, floor: np.float32,
                        out: NDArray[np.complex64]) -> None:
    """``out`` = ``spectrum`` x float32(a_i b_j + c_i d_j) on the columns from ``c0``, the filter floored to zero."""
    for i in range(out.shape[0]):
        ai, ci = a[i], c[i]
        for j in range(out.shape[1]):
            g = np.float32(ai * b[c0 + j] + ci * d[c0 + j])
            if g < floor:
                g = np.float32(0.0)
            out[i, j] = spectrum[i, c0 + j] * g


@njit(cache=True)
def _level_weight(x: NDArray[np.float64], j: int) -> NDArray[np.float32]:
    """float32(clip(1 - |x - j|, 0, 1)) in one pass: the hat weight of period level ``j``."""
    out = np.empty(x.shape, np.float32)
    for y in range(x.shape[0]):
        for i in range(x.shape[1]):
            out[y, i] = np.float32(min(max(1.0 - abs(x[y, i] - j), 0.0), 1.0))
    return out


@njit(cache=True)
def _blend(out: NDArray[np.float32], weight: NDArray[np.float32], t: NDArray[np.float32], r0: NDArray[np.float32],
           r1: NDArray[np.float32]) -> None:
    """``out += weight * ((1 - t) * r0 + t * r1)`` in float32, in one pass."""
    one = np.float32(1.0)
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] += weight[y, x] * ((one - t[y, x]) * r0[y, x] + t[y, x] * r1[y, x])


@njit(cache=True)
def _orientation_index(orientation: NDArray[np.float32], steps_per_radian: np.float32,
                       n: int) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    """Index of each pixel's first filter (the nearest orientation below its own) and its weight towards the next.

    The same float32 arithmetic as ``pos = orientation * (n / pi)``, ``floor(pos) % n``, ``pos - floor(pos)``
    in one pass.
    """
    k0 = np.empty(orientation.shape, np.intp)
    t = np.empty(orientation.shape, np.float32)
    for y in range(orientation.shape[0]):
        for x in range(orientation.shape[1]):
            pos = orientation[y, x] * steps_per_radian
            fl = np.floor(pos)
            k0[y, x] = int(fl) % n
            t[y, x] = pos - fl
    return k0, t


@njit(cache=True)
def _bucket_by_orientation(k0: NDArray[np.intp], support: NDArray[np.bool_],
                           n: int) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.intp]]:
    """Rows and columns of the ``support`` pixels grouped by first filter, each group in raster order:
    group k is ``rows[starts[k]:starts[k+1]]``, ``cols[...]``."""
    h, w = k0.shape
    starts = np.zeros(n + 1, np.intp)
    for y in range(h):
        for x in range(w):
            if support[y, x]:
                starts[k0[y, x] + 1] += 1
    for k in range(n):
        starts[k + 1] += starts[k]
    fill = starts[:n].copy()
    rows = np.empty(starts[n], np.int32)
    cols = np.empty(starts[n], np.int32)
    for y in range(h):
        for x in range(w):
            if support[y, x]:
                k = k0[y, x]
                rows[fill[k]] = y
                cols[fill[k]] = x
                fill[k] += 1
    return rows, cols, starts


@njit(cache=True)
def _take_orientation(response: NDArray[np.float32], oy: int, ox: int, scale: np.float32, rows: NDArray[np.int32],
                      cols: NDArray[np.int32], r: NDArray[np.float32]) -> None:
    """``r`` at the pixels (``rows``, ``cols``) of the box = the scaled response there.

    ``response`` starts at the box's row ``oy`` and ``ox`` columns left of the box.
    """
    for i in range(rows.size):
        y, x = rows[i], cols[i]
        r[y, x] = response[y - oy, x + ox] * scale
