from pathlib import Path

import numpy as np
import pytest
from search_simulated import tenprint

from scomm.biometrics import FingerPosition, Template, compare
from scomm.biometrics.search import Gallery, SearchConfig, SearchResult
from scomm.errors import GalleryError

N = 60


@pytest.fixture(scope="module")
def people():
    return {f"P{i:03d}": (tenprint(i, 0), tenprint(i, 1)) for i in range(N)}


FAST = SearchConfig(matcher="descriptor")


def _filled(directory, people, config=FAST):
    g = Gallery.create(directory, "test", config)
    g.enroll_many((pid, enrolled) for pid, (enrolled, _) in people.items())
    return g


def _ranking(result: SearchResult):
    return [(c.identity_id, round(c.score, 4)) for c in result.candidates]


def test_enrolled_identity_is_found_at_rank_one(people):
    g = _filled(None, people, SearchConfig(candidates=20, exhaustive_below=0, matcher="descriptor"))
    for pid in list(people)[:15]:
        r = g.search(people[pid][1], top_k=5)
        assert r.candidates[0].identity_id == pid
        assert r.touched == 20
        assert set(r.candidates[0].finger_scores) == set(range(1, 11))


def test_ranking_is_best_first_and_top_k_long(people):
    g = _filled(None, people)
    r = g.search(people["P007"][1], top_k=7)
    scores = [c.score for c in r.candidates]
    assert len(scores) == 7 and scores == sorted(scores, reverse=True)
    assert r.hit == (scores[0] >= r.threshold)


def test_partial_probe_with_three_fingers_still_finds_mate(people):
    g = _filled(None, people)
    probe = {p: t for p, t in people["P011"][1].items() if p in (2, 3, 7)}
    r = g.search(probe)
    assert r.candidates[0].identity_id == "P011"
    assert set(r.candidates[0].finger_scores) == {2, 3, 7}


def test_removed_identity_is_never_returned(people):
    g = _filled(None, people, SearchConfig(candidates=5, exhaustive_below=0, matcher="descriptor"))
    assert g.remove("P003") and "P003" not in g and len(g) == N - 1
    assert not g.remove("P003")
    r = g.search(people["P003"][1], top_k=N)
    assert "P003" not in [c.identity_id for c in r.candidates]


def test_re_enrolling_replaces_the_identity(people):
    g = _filled(None, people)
    g.enroll("P001", people["P002"][0])
    assert len(g) == N
    r = g.search(people["P002"][1], top_k=N)
    ids = [c.identity_id for c in r.candidates]
    assert ids.count("P001") == 1 and set(ids[:2]) == {"P001", "P002"}


def test_flush_and_reopen_gives_the_same_ranking(tmp_path: Path, people):
    d = tmp_path / "g"
    g = _filled(d, people)
    g.remove("P010")
    before = _ranking(g.search(people["P005"][1], top_k=10))
    g.flush()
    h = Gallery.open(d)
    assert len(h) == N - 1 and "P010" not in h and "P005" in h
    assert _ranking(h.search(people["P005"][1], top_k=10)) == before
    assert "P010" not in [c.identity_id for c in h.search(people["P010"][1], top_k=N).candidates]


def test_removal_after_reopen_is_durable_and_compaction_drops_rows(tmp_path: Path, people):
    d = tmp_path / "g"
    g = _filled(d, people)
    g.flush()
    g = Gallery.open(d)
    g.remove("P020")
    g.enroll("NEW", people["P021"][0])
    g.flush()
    g = Gallery.open(d)
    assert "P020" not in g and "NEW" in g and len(g) == N
    size_before = sum(f.stat().st_size for f in d.rglob("templates.bin"))
    g.remove("P021")
    g.compact()
    size_after = sum(f.stat().st_size for f in d.rglob("templates.bin"))
    assert size_after < size_before
    h = Gallery.open(d)
    assert len(h) == N - 1 and len([p for p in d.iterdir() if p.name.startswith("seg-")]) == 1
    r = h.search(people["P021"][1], top_k=3)
    assert r.candidates[0].identity_id == "NEW"
    for pid in ("P030", "P045"):
        assert h.search(people[pid][1], top_k=1).candidates[0].identity_id == pid


def test_compacted_templates_are_the_enrolled_ones(tmp_path: Path, people):
    g = _filled(tmp_path / "g", people)
    g.flush()
    for pid in ("P000", "P013", "P033"):
        g.remove(pid)
    g.compact()
    for pid in ("P001", "P014", "P059"):
        got = g.fingers(pid)
        want = people[pid][0]
        assert sorted(got) == list(range(1, 11))
        for p, t in got.items():
            assert np.allclose(t.x, want[FingerPosition(p)].x, atol=0.07)
            assert t.quality == want[FingerPosition(p)].quality


def test_in_memory_compaction_keeps_search_working(people):
    g = _filled(None, people)
    for pid in ("P001", "P002"):
        g.remove(pid)
    g.compact()
    assert len(g) == N - 2
    assert g.search(people["P004"][1]).candidates[0].identity_id == "P004"
    g.enroll("LATE", people["P001"][0])
    assert g.search(people["P001"][1]).candidates[0].identity_id == "LATE"


def test_bad_inputs_are_refused_with_reasons(tmp_path: Path, people):
    g = Gallery.create(None, "x", FAST)
    enrolled = people["P000"][0]
    with pytest.raises(GalleryError, match="single-line"):
        g.enroll("a\nb", enrolled)
    with pytest.raises(GalleryError, match="no fingers"):
        g.enroll("a", {})
    t = Template.from_minutiae(np.array([[1.0, 2.0, 0.5]]), 10, 10)
    with pytest.raises(GalleryError, match="position 0"):
        g.search({FingerPosition.UNKNOWN: t})
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(GalleryError, match="not empty"):
        Gallery.create(tmp_path / "full", "x")
    with pytest.raises(GalleryError, match="manifest"):
        Gallery.open(tmp_path / "missing")


def test_search_of_empty_gallery_returns_no_candidates():
    g = Gallery.create(None, "empty", FAST)
    r = g.search(tenprint(1, 1))
    assert r.candidates == [] and not r.hit and r.touched == 0


def test_full_matcher_confirms_the_mate_and_decides_hit_at_its_calibration(people):
    g = Gallery.create(None, "mcc", SearchConfig(candidates=3, exhaustive_below=0, matcher="mcc"))
    four = (1, 2, 6, 7)
    g.enroll_many((pid, {p: t for p, t in e.items() if p in four}) for pid, (e, _) in list(people.items())[:12])
    for pid in ("P004", "P009"):
        probe = {p: t for p, t in people[pid][1].items() if p in four}
        r = g.search(probe, top_k=3)
        assert r.candidates[0].identity_id == pid and r.touched == 3
        assert set(r.candidates[0].finger_scores) == set(four)
        assert r.fpir == g.calibration.fpir and r.hit == (r.candidates[0].score >= r.threshold)


def test_calibration_from_non_mated_searches_is_kept_with_its_fpir(tmp_path: Path, people):
    g = _filled(tmp_path / "g", dict(list(people.items())[:30]))
    strangers = [people[f"P{i:03d}"][1] for i in range(30, N)]
    cal = g.calibrate(strangers, fpir=0.05)
    assert cal.fpir == 0.05 and cal.searches == N - 30 and cal.gallery_size == 30
    best = [r.candidates[0].score for r in g.search_many(strangers, top_k=1)]
    assert sum(b >= cal.threshold for b in best) <= 0.05 * len(best)
    g.flush()
    h = Gallery.open(tmp_path / "g")
    assert h.calibration == cal
    r = h.search(people["P003"][1])
    assert r.threshold == cal.threshold and r.fpir == 0.05 and r.hit


def test_probes_too_small_for_the_descriptor_matcher_get_the_full_matcher(people):
    """A two-finger probe in a descriptor gallery is scored by MCC at MCC's own two-finger threshold."""
    from scomm.biometrics.search.calibration import default_calibration

    g = _filled(None, people, SearchConfig(candidates=8, exhaustive_below=0, matcher="descriptor"))
    two = {p: t for p, t in people["P009"][1].items() if p in (1, 7)}
    small = g.search(two, top_k=3)
    assert small.candidates[0].identity_id == "P009"
    # an MCC similarity, not a descriptor dot product: the 1:1 score of the probe finger and the enrolled one
    mcc = compare(two[FingerPosition(1)], g.fingers("P009")[1])
    assert small.candidates[0].finger_scores[1] == pytest.approx(mcc, rel=1e-6)
    assert small.threshold == default_calibration("mcc").threshold_for(2)
    assert small.hit  # fused ~0.05 against MCC's two-finger threshold ~0.011 (session 7's calibration)
    tenprint_result = g.search(people["P009"][1], top_k=3)
    assert tenprint_result.threshold == g.calibration.threshold_for(10)  # still the descriptor matcher
    assert tenprint_result.candidates[0].score != small.candidates[0].score
