from __future__ import annotations

from decimal import Decimal

from audits.schedule import AuditType
from audits.scoring import (
    DEFAULT_PASS_MARKS,
    ElementSpec,
    PassMarks,
    display_percent,
    score_audit,
    validate_tool,
)

CERTIFICATION = DEFAULT_PASS_MARKS[AuditType.CERTIFICATION]
MAINTENANCE = DEFAULT_PASS_MARKS[AuditType.MAINTENANCE]

# Ten elements of 100 points, like Alberta's 2019 tools: points equal percent.
TOOL = tuple(ElementSpec(n, f"Element {n}", 100) for n in range(1, 11))


def points(default: int | str = 90, **overrides: int | str) -> dict[int, Decimal]:
    """Points for TOOL: `default` everywhere, `e7=45` for element 7."""
    scores = {n: Decimal(default) for n in range(1, 11)}
    scores.update({int(k[1:]): Decimal(v) for k, v in overrides.items()})
    return scores


def codes(result):
    return [(r.code, r.element_number) for r in result.reasons]


# --- Seed examples (docs/rules.md#amta-minimum-scores) ---


def test_seeded_pass_marks_are_80_50_for_certifying_audits_and_60_for_maintenance():
    for audit_type in ("certification", "baseline", "recertification", "re_audit"):
        assert DEFAULT_PASS_MARKS[AuditType(audit_type)] == PassMarks(80, 50)
    assert DEFAULT_PASS_MARKS[AuditType.MAINTENANCE] == PassMarks(60, None)


def test_79_9_percent_fails_certification():
    result = score_audit(
        TOOL,
        points(
            80,
            e1="79",
            e2="80",
            e3="80",
            e4="80",
            e5="80",
            e6="80",
            e7="80",
            e8="80",
            e9="80",
            e10="80",
        ),
        CERTIFICATION,
    )

    assert result.overall_percent == Decimal("79.9")
    assert not result.passed
    assert codes(result) == [("overall_below_minimum", None)]
    assert result.reasons[0].message == "Overall score 79.9 % is below the 80.0 % minimum."


def test_85_percent_with_element_7_at_45_fails_certification():
    result = score_audit(TOOL, points(90, e7=45, e10=85), CERTIFICATION)

    assert result.overall_percent == Decimal(85)
    assert not result.passed
    assert codes(result) == [("element_below_minimum", 7)]
    assert result.reasons[0].message == (
        "Element 7 (Element 7) scored 45.0 %, below its 50.0 % minimum."
    )


def test_61_percent_passes_maintenance_even_with_a_weak_element():
    result = score_audit(TOOL, points(65, e7=25), MAINTENANCE)

    assert result.overall_percent == Decimal(61)
    assert result.passed
    assert result.reasons == ()


def test_59_percent_fails_maintenance():
    result = score_audit(TOOL, points(59), MAINTENANCE)

    assert codes(result) == [("overall_below_minimum", None)]


def test_exactly_80_overall_and_50_per_element_passes_certification():
    result = score_audit(TOOL, points(85, e1=50, e2=70), CERTIFICATION)

    assert result.overall_percent == Decimal(80)
    assert result.passed


# --- Rounding ---


def test_79_95_percent_is_shown_as_79_95_not_80_and_fails_80():
    result = score_audit(TOOL, points(80, e1="79.5"), CERTIFICATION)

    assert result.overall_percent == Decimal("79.95")
    assert result.overall_display == Decimal("79.95")
    assert codes(result) == [("overall_below_minimum", None)]
    assert "79.95 %" in result.reasons[0].message


def test_55_of_60_is_rounded_to_91_7_not_cut_to_91_6():
    tool = (ElementSpec(1, "Policy", 60),)

    result = score_audit(tool, {1: 55}, CERTIFICATION)

    assert result.overall_display == Decimal("91.7")
    assert result.elements[0].percent_display == Decimal("91.7")
    assert result.passed


def test_element_below_minimum_by_a_hair_fails():
    tool = (ElementSpec(1, "Policy", 3), ElementSpec(2, "Hazards", 100))

    result = score_audit(tool, {1: Decimal("1.499"), 2: 100}, CERTIFICATION)

    # 49.966… % would round to 50.0 and seem to meet the 50 % minimum.
    assert result.elements[0].percent_display == Decimal("49.97")
    assert codes(result) == [("element_below_minimum", 1)]
    assert "49.97 %" in result.reasons[0].message


def test_display_percent_rounds_half_up_to_one_decimal():
    assert display_percent(Decimal(200) / 3) == Decimal("66.7")
    assert display_percent(Decimal("91.65")) == Decimal("91.7")
    assert display_percent(Decimal("91.64")) == Decimal("91.6")
    assert display_percent(Decimal(100)) == Decimal("100.0")


def test_display_percent_shows_more_decimals_only_where_rounding_would_cross_a_mark():
    assert display_percent(Decimal("79.95"), 80) == Decimal("79.95")
    assert display_percent(Decimal("79.995"), 80) == Decimal("79.995")
    assert display_percent(Decimal("79.94"), 80) == Decimal("79.9")
    assert display_percent(Decimal("80"), 80) == Decimal("80.0")  # met: nothing to add
    assert display_percent(Decimal("80.04"), Decimal("80.04")) == Decimal("80.04")
    # A value that never settles is cut towards zero at six decimals.
    assert display_percent(Decimal(80) - Decimal(1) / 3 * Decimal("1e-9"), 80) == Decimal(
        "79.999999"
    )
    assert display_percent(Decimal("79.95"), None) == Decimal("80.0")


def test_overall_weighs_elements_by_their_points_not_by_their_percent():
    tool = (ElementSpec(1, "Small", 10), ElementSpec(2, "Large", 90))

    result = score_audit(tool, {1: 10, 2: 72}, CERTIFICATION)

    assert [e.percent for e in result.elements] == [Decimal(100), Decimal(80)]
    assert result.overall_percent == Decimal(82)  # the mean of percents would be 90


# --- Every failing reason at once ---


def test_every_failing_reason_is_listed():
    result = score_audit(TOOL, points(80, e3=40, e7=45), CERTIFICATION)

    assert result.overall_percent == Decimal("72.5")
    assert codes(result) == [
        ("overall_below_minimum", None),
        ("element_below_minimum", 3),
        ("element_below_minimum", 7),
    ]


# --- Supplemental sections and element minimums (SCSA-style tool) ---

SCSA_LIKE = (
    *(ElementSpec(n, f"Section {n}", 10) for n in range(1, 14)),
    ElementSpec(14, "Supplemental A", 10, min_percent=60, supplemental=True),
    ElementSpec(15, "Supplemental B", 10, supplemental=True),
)


def test_supplemental_sections_are_left_out_of_the_overall():
    core = dict.fromkeys(range(1, 14), 9)

    low = score_audit(SCSA_LIKE, {**core, 14: 6, 15: 0}, CERTIFICATION)
    high = score_audit(SCSA_LIKE, {**core, 14: 10, 15: 10}, CERTIFICATION)

    assert low.overall_percent == high.overall_percent == Decimal(90)
    assert low.passed  # section 15 has no minimum of its own; 50 % applies to core only


def test_supplemental_section_below_its_minimum_fails():
    scores = {**dict.fromkeys(range(1, 14), 9), 14: 5, 15: 10}

    result = score_audit(SCSA_LIKE, scores, CERTIFICATION)

    assert codes(result) == [("element_below_minimum", 14)]
    assert result.reasons[0].message.startswith("Supplemental section 14 (Supplemental A)")
    assert result.elements[13].supplemental


def test_element_own_minimum_overrides_the_general_one_in_every_audit_type():
    tool = (ElementSpec(1, "Mandatory", 100, min_percent=70), ElementSpec(2, "Other", 100))

    for marks in (CERTIFICATION, MAINTENANCE):
        result = score_audit(tool, {1: 65, 2: 100}, marks)
        assert codes(result) == [("element_below_minimum", 1)]


# --- Input problems: the audit is not graded ---


def test_missing_negative_excessive_and_unknown_scores_are_reported_and_not_graded():
    scores = points(90, e2=-1, e5=101)
    del scores[4]
    scores[99] = Decimal(5)

    result = score_audit(TOOL, scores, CERTIFICATION)

    assert not result.passed
    assert result.overall_percent is None
    assert codes(result) == [
        ("negative_score", 2),
        ("element_missing_score", 4),
        ("score_above_maximum", 5),
        ("unknown_element", 99),
    ]
    assert result.elements[0].percent == Decimal(90)
    assert result.elements[3].percent is None


def test_zero_points_is_a_score_not_a_missing_one():
    result = score_audit(TOOL, points(90, e4=0), CERTIFICATION)

    assert codes(result) == [("element_below_minimum", 4)]
    assert result.elements[3].percent == Decimal(0)


def test_half_points_and_floats_are_scored_exactly():
    tool = (ElementSpec(1, "Policy", Decimal("2.5")),)

    result = score_audit(tool, {1: 0.1}, MAINTENANCE)

    assert result.elements[0].points == Decimal("0.1")
    assert result.overall_percent == Decimal(4)


# --- The audit tool ---


def test_valid_tool_has_no_problems():
    assert validate_tool(TOOL) == []
    assert validate_tool(SCSA_LIKE) == []


def test_tool_problems_are_reported_and_stop_scoring():
    tool = (
        ElementSpec(1, "Policy", 0),
        ElementSpec(2, "Hazards", -5, min_percent=120),
        ElementSpec(2, "Hazards again", 10),
    )

    assert [(r.code, r.element_number) for r in validate_tool(tool)] == [
        ("duplicate_element_number", 2),
        ("non_positive_max_points", 1),
        ("non_positive_max_points", 2),
        ("minimum_out_of_range", 2),
    ]
    result = score_audit(tool, {1: 0, 2: 5}, CERTIFICATION)
    assert (result.passed, result.overall_percent, result.elements) == (False, None, ())
    assert len(result.reasons) == 4


def test_tool_with_only_supplemental_sections_is_empty():
    tool = (ElementSpec(14, "Supplemental A", 10, supplemental=True),)

    assert [r.code for r in validate_tool(tool)] == ["empty_tool"]
    assert [r.code for r in validate_tool(())] == ["empty_tool"]
