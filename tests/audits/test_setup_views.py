"""A new association's setup screens: program rules and the audit-tool editor."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audits.models import AuditTool, Element, ProgramRules
from secor.models import Program, Role
from secor.tenancy import activate

from ..conftest import member
from .factories import seeded

pytestmark = pytest.mark.django_db


def url(name, association, **kwargs):
    return reverse(f"audits:{name}", kwargs={"association_slug": association.slug, **kwargs})


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def admin(client, association):
    client.force_login(member(association, Role.PROGRAM_ADMIN))
    return client


@pytest.fixture
def program(association):
    with activate(association):
        return Program.objects.create(association=association, kind="secor")


def rules_data(**overrides) -> dict:
    data = {
        "validity_years": "3",
        "maintenance_deadline_kind": "calendar_year_end",
        "maintenance_dated_by": "conducted",
        "data_gathering_max_days": "15",
        "submission_within_days": "21",
        "corrections_within_days": "15",
        "min_documentation_months": "3",
        "min_documentation_window_months": "12",
        "maintenance_notice_days": "",
        "reapply_wait_months": "0",
        "full_overall_min_percent": "80",
        "full_element_min_percent": "50",
        "maintenance_overall_min_percent": "60",
        "maintenance_element_min_percent": "",
        "certificate_number_pattern": "",
        "package-TOTAL_FORMS": "0",
        "package-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def field_error(html: str, field_id: str) -> str:
    """The error tied to a field: the input names it in aria-describedby."""
    tag = re.search(rf'<[^>]*id="{field_id}"[^>]*>', html).group()
    assert 'aria-invalid="true"' in tag, tag
    assert f"{field_id}_error" in tag, tag
    return re.search(rf'id="{field_id}_error">(.*?)</div>', html, re.S).group(1)


# --- Set up rules ---------------------------------------------------------------------------


def test_set_up_rules_shows_defaults_and_saves_nothing_until_the_admin_saves(
    admin, association, program
):
    listing = page(admin.get(url("rules_list", association)))
    new = url("rules_new", association, program_id=program.pk)
    assert f'href="{new}"' in listing

    html = page(admin.get(new))
    assert "default values, not saved yet" in html
    with activate(association):
        assert not ProgramRules.objects.exists()

    response = admin.post(new, rules_data())
    assert response.status_code == 302
    with activate(association):
        rules = ProgramRules.objects.get(program=program)
    assert rules.data_gathering_max_days == 15
    # Once they exist, the "new" address leads to them.
    assert admin.get(new).url == url("rules_edit", association, rules_id=rules.pk)


def test_rules_of_another_associations_program_are_404(admin, association, other_association):
    with activate(other_association):
        theirs = Program.objects.create(association=other_association, kind="secor")
    assert admin.get(url("rules_new", association, program_id=theirs.pk)).status_code == 404


def test_fixed_deadline_errors_are_on_their_fields_once_and_in_words(admin, association, program):
    new = url("rules_new", association, program_id=program.pk)
    response = admin.post(new, rules_data(maintenance_deadline_kind="fixed_month_day"))
    html = page(response)
    assert response.status_code == 200
    assert field_error(html, "id_maintenance_fixed_month") == (
        "Choose the month of the fixed deadline."
    )
    assert "fixed_month_day" not in html.replace('value="fixed_month_day"', "").replace(
        'data-shown-for-kind="fixed_month_day"', ""
    )
    assert html.count("Choose the month of the fixed deadline.") == 2  # field + summary
    assert 'href="#id_maintenance_fixed_month"' in html  # the summary links to the field

    response = admin.post(
        new,
        rules_data(
            maintenance_deadline_kind="fixed_month_day",
            maintenance_fixed_month="2",
            maintenance_fixed_day="30",
        ),
    )
    assert field_error(page(response), "id_maintenance_fixed_day").startswith(
        "That month has no such day"
    )


def test_fixed_deadline_fields_are_hidden_for_other_kinds_and_ignored(admin, association, program):
    new = url("rules_new", association, program_id=program.pk)
    html = page(admin.get(new))
    assert re.search(r'<fieldset[^>]*id="fixed-deadline"[^>]*hidden', html)
    # Values typed there before switching kind are not saved, nor errors.
    response = admin.post(new, rules_data(maintenance_fixed_month="2", maintenance_fixed_day="31"))
    assert response.status_code == 302
    with activate(association):
        rules = ProgramRules.objects.get(program=program)
    assert (rules.maintenance_fixed_month, rules.maintenance_fixed_day) == (None, None)
    html = page(admin.post(new, rules_data(maintenance_deadline_kind="fixed_month_day")))
    assert not re.search(r'<fieldset[^>]*id="fixed-deadline"[^>]*hidden', html)


def test_huge_rule_numbers_get_a_message_on_their_field(admin, association, program):
    new = url("rules_new", association, program_id=program.pk)
    response = admin.post(new, rules_data(maintenance_notice_days="99999999"))
    assert response.status_code == 200
    assert "730" in field_error(page(response), "id_maintenance_notice_days")
    response = admin.post(new, rules_data(validity_years="50"))
    assert "10" in field_error(page(response), "id_validity_years")


def test_package_and_milestones_are_rows_added_one_at_a_time(admin, association, program):
    new = url("rules_new", association, program_id=program.pk)
    html = page(admin.get(new))
    assert "<textarea" not in html
    assert "No rows yet." in html

    typed = rules_data(data_gathering_max_days="12", add="package")
    html = page(admin.post(new, typed))
    assert 'name="package-0-document"' in html
    assert 'name="package-1-document"' not in html
    assert 'value="12"' in html  # what was typed stays, unsaved
    assert "Please correct" not in html
    with activate(association):
        assert not ProgramRules.objects.exists()

    data = rules_data(
        **{
            "package-TOTAL_FORMS": "1",
            "package-0-document": "Safe Work Practices",
            "package-0-count": "2",
            "milestones-TOTAL_FORMS": "2",
            "milestones-0-code": "courses",
            "milestones-0-label": "Courses completed",
            "milestones-0-start_month": "1",
            "milestones-0-due_month": "6",
            "milestones-1-code": "manual",
            "milestones-1-label": "Manual submitted",
            "milestones-1-start_month": "9",
            "milestones-1-due_month": "10",
        }
    )
    assert admin.post(new, data).status_code == 302
    with activate(association):
        rules = ProgramRules.objects.get(program=program)
    assert rules.maintenance_package == [["Safe Work Practices", 2]]
    assert [m["code"] for m in rules.milestones] == ["courses", "manual"]

    # A row removed is gone; a row out of range is refused on its field.
    edit = url("rules_edit", association, rules_id=rules.pk)
    data.update({"package-INITIAL_FORMS": "1", "milestones-INITIAL_FORMS": "2"})
    data.update({"milestones-1-DELETE": "on", "package-0-count": "500"})
    html = page(admin.post(edit, data))
    assert "99" in field_error(html, "id_package-0-count")
    assert 'href="#id_package-0-count"' in html
    data["package-0-count"] = "3"
    assert admin.post(edit, data).status_code == 302
    rules.refresh_from_db()
    assert rules.maintenance_package == [["Safe Work Practices", 3]]
    assert [m["code"] for m in rules.milestones] == ["courses"]


def test_milestone_due_before_it_opens_and_duplicate_codes_are_refused(admin, association, program):
    new = url("rules_new", association, program_id=program.pk)
    row = {
        "milestones-TOTAL_FORMS": "2",
        "milestones-0-code": "manual",
        "milestones-0-label": "Manual",
        "milestones-0-start_month": "9",
        "milestones-0-due_month": "3",
        "milestones-1-code": "manual",
        "milestones-1-label": "Manual again",
        "milestones-1-start_month": "1",
        "milestones-1-due_month": "2",
    }
    html = page(admin.post(new, rules_data(**row)))
    assert "cannot be due before" in field_error(html, "id_milestones-0-due_month")
    row["milestones-0-due_month"] = "10"
    html = page(admin.post(new, rules_data(**row)))
    assert "Each milestone code may appear once." in html


def test_model_refuses_out_of_range_json_rules(association):
    from django.core.exceptions import ValidationError

    program = seeded(association)
    with activate(association):
        rules = ProgramRules.objects.get(program=program)
        rules.maintenance_package = [["Safe Work Practices", 10**9]]
        rules.milestones = [{"code": "x", "label": "X", "start_month": 1, "due_month": 10**6}]
        with pytest.raises(ValidationError) as caught:
            rules.full_clean()
    assert set(caught.value.message_dict) == {"maintenance_package", "milestones"}


def test_database_refuses_a_huge_notice_even_past_the_forms(association):
    from django.db import IntegrityError, transaction

    program = seeded(association)
    with activate(association), transaction.atomic(), pytest.raises(IntegrityError):
        ProgramRules.objects.filter(program=program).update(maintenance_notice_days=30000)


# --- Audit-tool editor ---------------------------------------------------------------------


@pytest.fixture
def draft(admin, association):
    program = seeded(association)
    admin.post(url("tools_list", association), {"program": program.pk})
    with activate(association):
        return AuditTool.objects.get(program=program, status="draft")


def elements_post(tool, rows, **extra) -> dict:
    data = {"name": tool.name, "el-TOTAL_FORMS": str(len(rows)), "el-INITIAL_FORMS": "0"}
    for i, (number, name, points) in enumerate(rows):
        data.update({f"el-{i}-number": number, f"el-{i}-name": name, f"el-{i}-max_points": points})
    data.update(extra)
    return data


def test_editor_has_no_blank_rows_until_add_element(admin, association, draft):
    detail = url("tool_detail", association, tool_id=draft.pk)
    with activate(association):
        count = Element.objects.filter(tool=draft).count()
    html = page(admin.get(detail))
    assert html.count('name="el-') - html.count("TOTAL_FORMS") > 0
    assert f'name="el-{count}-number"' not in html  # no spare empty rows
    assert ">Add element</button>" in html

    data = elements_post(draft, [("1", "Policy", "10"), ("2", "Hazards", "")], action="add")
    html = page(admin.post(detail, data))
    assert 'value="Policy"' in html and 'value="Hazards"' in html
    assert 'name="el-2-number"' in html and 'name="el-3-number"' not in html
    assert "Please correct" not in html  # typing is not yet an error
    with activate(association):
        assert Element.objects.filter(tool=draft).count() == count  # nothing saved


def test_publish_saves_typed_rows_then_asks_to_confirm(admin, association, draft):
    detail = url("tool_detail", association, tool_id=draft.pk)
    rows = [("1", "Policy", "10"), ("2", "Hazards", "20"), ("3", "Inspections", "30")]
    response = admin.post(detail, elements_post(draft, rows, action="publish"))
    assert response.url == f"{detail}?confirm=publish"
    with activate(association):
        draft.refresh_from_db()
        assert draft.status == "draft"  # not yet
        assert draft.elements.count() == 3
    html = page(admin.get(response.url))
    assert "cannot be undone" in html
    assert 'value="confirm_publish"' in html

    assert admin.post(detail, {"action": "confirm_publish"}).status_code == 302
    with activate(association):
        draft.refresh_from_db()
    assert draft.status == "published"


def test_publish_with_a_bad_typed_row_refuses_and_publishes_nothing(admin, association, draft):
    detail = url("tool_detail", association, tool_id=draft.pk)
    data = elements_post(draft, [("1", "Policy", "10"), ("2", "", "-5")], action="publish")
    response = admin.post(detail, data)
    html = page(response)
    assert response.status_code == 200
    assert field_error(html, "id_el-1-name")
    assert field_error(html, "id_el-1-max_points")
    assert 'href="#id_el-1-name"' in html
    with activate(association):
        draft.refresh_from_db()
    assert draft.status == "draft"


def test_milestone_menu_only_where_the_rules_have_milestones(admin, association, program):
    board = url("milestone_board", association)
    home = f"/{association.slug}/"
    assert f'href="{board}"' not in page(admin.get(home))

    data = rules_data(
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-0-code": "manual",
            "milestones-0-label": "Manual submitted",
            "milestones-0-start_month": "9",
            "milestones-0-due_month": "10",
        }
    )
    admin.post(url("rules_new", association, program_id=program.pk), data)
    assert f'href="{board}"' in page(admin.get(home))
