"""secor.reasons: one Reason for every rule module, rendered in the user's language at the edge."""

from django.utils.translation import gettext

from secor import reasons
from secor.reasons import Reason


def test_a_templated_reason_keeps_its_english_message_and_the_values_it_used():
    reason = Reason.from_template(
        "expired",
        "{course} of {who} expired on {until}.",
        {"course": "SAT", "who": "Ann", "until": "2025-01-10", "unused": "x"},
        person_id=3,
    )
    assert reason.message == "SAT of Ann expired on 2025-01-10."
    assert dict(reason.params) == {"course": "SAT", "who": "Ann", "until": "2025-01-10"}
    assert reason.person_id == 3


def test_localized_translates_the_template_then_fills_it():
    reason = Reason.from_template("x", "{who} must repeat it.", {"who": "Ann"})
    try:
        reasons.set_translator(
            lambda template: template.replace("must repeat it", "doit le refaire")
        )
        assert reason.localized == "Ann doit le refaire."
    finally:
        reasons.set_translator(gettext)
    assert reason.localized == "Ann must repeat it."


def test_a_reason_without_a_template_shows_its_message():
    assert Reason("over_limit", "Too many people.", blocking=True).localized == "Too many people."


def test_the_django_layer_installs_gettext():
    assert reasons._translate is gettext
