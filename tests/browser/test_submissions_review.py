"""The whole review loop in the browser, both sides.

The employer uploads (tus, progress bar); the reviewer browses the tree, previews a
PDF, scores, leaves an actionable note and requests corrections; the employer answers
and uploads version 2; the reviewer sees the changes and accepts; the outcome shows on
both sides. Screenshots of the queue and the workspace (desktop and 390 px wide) are
written to $REVIEW_SCREENSHOTS when it is set.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from audits.models import Audit
from secor.models import Role
from secor.tenancy import activate

from ..conftest import member
from ..submissions.helpers import evaluation_zip, recent_audit
from ..submissions.review_helpers import pdf_document
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("REVIEW_SCREENSHOTS", "")


def _page_for(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = base_url
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    return page


def _shots(page, name):
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    check_page(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def _upload(page, data, name):
    page.get_by_label("Zip file", exact=True).set_input_files(
        {"name": name, "mimeType": "application/zip", "buffer": data}
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/submissions/\d+/$"))
    check_page(page)


def test_the_review_loop_from_upload_to_outcome_on_both_sides(page, browser, association):
    slug = association.slug
    employer_user = member(association, Role.EMPLOYER)
    reviewer = member(association, Role.REVIEWER)
    audit = recent_audit(association, employer_user.employer)

    # The employer uploads version 1 with the progress bar.
    log_in(page, employer_user)
    visit(page, f"/{slug}/submissions/audits/{audit.pk}/upload/")
    tool = {"Audit tool.pdf": pdf_document("Prairie Hauling - SECOR audit tool 2026")}
    _upload(page, evaluation_zip(tool=False, extra=tool), "evaluation.zip")
    expect(page.locator("#submission-status")).to_contain_text("waiting for a reviewer")
    employer_v1 = page.url

    # The reviewer finds it in the queue, oldest first, and opens it.
    rp = _page_for(browser, page.base_url)
    log_in(rp, reviewer)
    visit(rp, f"/{slug}/submissions/review/")
    row = rp.get_by_role("link", name=employer_user.employer.legal_name)
    expect(row).to_be_visible()
    _shots(rp, "review-queue")
    row.click()
    rp.wait_for_url(re.compile(r"/submissions/review/\d+/$"))
    check_page(rp)
    rp.get_by_role("button", name="Start review").click()
    expect(rp.get_by_role("status").filter(has_text="Review started")).to_be_visible()
    check_page(rp)

    # The tree by element; a PDF previewed inline in a frame, streamed out of the zip.
    expect(rp.locator(".file-tree")).to_contain_text("Element 1. Management leadership")
    rp.get_by_role("link", name=re.compile(r"^Preview Audit tool\.pdf")).click()
    rp.wait_for_url(re.compile(r"\?entry=\d+"))
    check_page(rp)
    frame = rp.locator("iframe.entry-frame")
    expect(frame).to_have_attribute("title", re.compile("Preview of Audit tool.pdf"))
    preview = rp.request.get(page.base_url + frame.get_attribute("src"))
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.headers["content-disposition"].startswith("inline")
    assert preview.body().startswith(b"%PDF")
    _shots(rp, "review-workspace")

    # Scores with running totals (htmx), a comment on an element.
    for n in range(1, 11):
        rp.locator(f"#id_element_{n}").fill("90")
    rp.locator("#id_element_2").fill("30")
    rp.locator("#id_comment_2").fill("Hazard assessments missing for the yard.")
    expect(rp.locator("#score-preview")).to_contain_text("84.0 %")
    rp.get_by_role("button", name="Save scores").click()
    expect(rp.get_by_role("status").filter(has_text="Scores saved")).to_be_visible()
    check_page(rp)

    # An actionable note, then corrections with the association's default due date.
    rp.get_by_text("Add a note").click()
    rp.get_by_label("About element").select_option("2")
    rp.locator("#id_note-text").fill("Add the yard's hazard assessment to element 2.")
    rp.get_by_role("button", name="Add the note").click()
    expect(rp.get_by_role("status").filter(has_text="Note added")).to_be_visible()
    expect(rp.get_by_label("Corrections due on")).not_to_have_value("")
    rp.get_by_role("button", name="Send back for corrections").click()
    expect(rp.get_by_role("status").filter(has_text="Sent back")).to_be_visible()
    check_page(rp)

    # The employer answers the note and uploads version 2.
    visit(page, employer_v1.replace(page.base_url, ""))
    expect(page.locator("#submission-status")).to_contain_text("waiting for your corrections")
    page.get_by_label("Your answer").fill("Added the yard assessment to element 2.")
    page.get_by_role("button", name="Save answer").click()
    expect(page.locator("#notes-h ~ article")).to_contain_text("Added the yard assessment")
    check_page(page)
    page.get_by_role("link", name="Upload version 2").click()
    page.wait_for_url("**/upload/**")
    check_page(page)
    corrected = evaluation_zip(
        tool=False,
        extra={
            **tool,
            "02 - Hazard identification and assessment/yard assessment.pdf": pdf_document("Yard"),
        },
    )
    _upload(page, corrected, "evaluation-v2.zip")
    expect(page.locator("h1")).to_contain_text("v2")
    employer_v2 = page.url

    # The reviewer sees what changed and which notes were answered, then accepts.
    visit(rp, f"/{slug}/submissions/review/")
    rp.get_by_role("link", name=employer_user.employer.legal_name).click()
    rp.wait_for_url(re.compile(r"/submissions/review/\d+/$"))
    check_page(rp)
    expect(rp.locator("h1")).to_contain_text("v2")
    rp.get_by_role("link", name="Changes since v1").click()
    check_page(rp)
    expect(rp.locator("#change-totals")).to_contain_text("1 added, 0 changed, 0 moved, 0 removed")
    expect(rp.get_by_role("main")).to_contain_text("yard assessment.pdf")
    expect(rp.get_by_role("main")).to_contain_text("Answered")
    _shots(rp, "review-changes")
    rp.go_back()
    # Element 2 now has its assessment: rescored, the totals pass.
    rp.locator("#id_element_2").fill("80")
    expect(rp.locator("#score-preview")).to_contain_text("89.0 %")
    rp.get_by_role("button", name="Save scores").click()
    expect(rp.get_by_role("status").filter(has_text="Scores saved")).to_be_visible()
    rp.get_by_role("button", name="Accept", exact=True).click()
    decision = rp.locator("#decision")
    expect(decision).to_contain_text("Accepted")
    check_page(rp)
    with activate(association):
        audit = Audit.objects.get(pk=audit.pk)
    expect(rp.locator("#audit-outcome")).to_contain_text(audit.get_status_display())
    from audits import services as audit_services

    if hasattr(audit_services, "audit_record_outcome"):
        assert audit.status == "passed"
        expect(rp.locator("#audit-outcome")).to_contain_text("Passed")
    expect(rp.locator(".timeline-list")).to_contain_text("Sent back for corrections")
    visit(rp, f"/{slug}/submissions/review/workload/")
    expect(rp.get_by_role("row", name=re.compile("Not assigned"))).to_be_visible()
    _shots(rp, "review-workload")

    # The employer sees the same outcome.
    visit(page, employer_v2.replace(page.base_url, ""))
    expect(page.locator("#submission-status")).to_contain_text("Accepted")
    expect(page.locator("#audit-outcome")).to_contain_text(audit.get_status_display())
    rp.context.close()
