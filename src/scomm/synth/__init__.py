"""Synthetic fingerprints: persons, masters, impressions, templates and images.

Two fidelities from one seed: minutiae templates (fast, no image, for galleries of
millions of fingers) and 500 ppi images of the same impressions. See docs/synth.md.
"""

from scomm.synth.fidelity import image_matched_person
from scomm.synth.impression import ImpressionParams
from scomm.synth.master import Master
from scomm.synth.pattern import PatternClass
from scomm.synth.person import FINGERS, Person, PersonSpec, make_people, make_person, person_spec
from scomm.synth.rendering import master_image, render_impression
from scomm.synth.templates import (
    impression_of,
    impression_template,
    tenprint_templates,
    tenprint_templates_batch,
)

__all__ = [
    "FINGERS",
    "ImpressionParams",
    "Master",
    "PatternClass",
    "Person",
    "PersonSpec",
    "image_matched_person",
    "impression_of",
    "impression_template",
    "make_people",
    "make_person",
    "master_image",
    "person_spec",
    "render_impression",
    "tenprint_templates",
    "tenprint_templates_batch",
]
