"""Synthetic persons: ten correlated fingers drawn from one (seed, person id)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scomm.biometrics.template import FingerPosition
from scomm.synth.master import Master, make_masters, make_masters_many
from scomm.synth.pattern import dominant_general_class
from scomm.synth.seeds import Stream, rng

FINGERS: tuple[FingerPosition, ...] = tuple(FingerPosition(i) for i in range(1, 11))


@dataclass(frozen=True)
class PersonSpec:
    """What identifies a synthetic person: the population seed and the person's number,
    plus the person-level trait shared by the fingers (the dominant pattern kind:
    0 arch, 1 tented arch, 2 loop, 3 whorl)."""

    seed: int
    person_id: int
    dominant: int


@dataclass(frozen=True, eq=False)
class Person:
    """A synthetic person: the spec and the ten masters, FingerPosition 1..10."""

    spec: PersonSpec
    masters: dict[FingerPosition, Master]

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def person_id(self) -> int:
        return self.spec.person_id

    def master(self, position: FingerPosition) -> Master:
        return self.masters[FingerPosition(int(position))]


def person_spec(seed: int, person_id: int) -> PersonSpec:
    g = rng(seed, person_id, 0, 0, Stream.PERSON)
    return PersonSpec(seed, person_id, dominant_general_class(g))


def make_person(seed: int, person_id: int) -> Person:
    """The person ``person_id`` of population ``seed``: the same on every machine."""
    spec = person_spec(seed, person_id)
    return Person(spec, dict(zip(FINGERS, make_masters(seed, person_id, FINGERS, spec.dominant), strict=True)))


def make_people(seed: int, person_ids: Sequence[int]) -> list[Person]:
    """make_person for many ids at once (the masters' geometry vectorised across them)."""
    specs = [person_spec(seed, int(pid)) for pid in person_ids]
    masters = make_masters_many([(seed, sp.person_id, f, sp.dominant) for sp in specs for f in FINGERS])
    return [Person(sp, dict(zip(FINGERS, masters[10 * i:10 * i + 10], strict=True))) for i, sp in enumerate(specs)]
