"""An employer uploads the evaluation with the progress bar, sees the structure problems
of a disorganised zip before it reaches anyone, then sends a corrected one."""

import re

import pytest
from playwright.sync_api import expect

from secor.models import Role

from ..conftest import member
from ..submissions.helpers import evaluation_zip, recent_audit
from .conftest import check_page, log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_employer_uploads_sees_structure_problems_then_sends_a_corrected_zip(page, association):
    employer_user = member(association, Role.EMPLOYER)
    audit = recent_audit(association, employer_user.employer)
    log_in(page, employer_user)

    visit(page, f"/{association.slug}/submissions/")
    page.get_by_role("link", name=re.compile("Upload the Certification evaluation")).click()
    page.wait_for_url(f"**/audits/{audit.pk}/upload/")
    check_page(page)
    expect(page.locator("#deadline")).to_contain_text("must receive the evaluation by")

    disorganised = evaluation_zip(elements=["Management leadership", "Hazard identification"])
    page.get_by_label("Zip file", exact=True).set_input_files(
        {"name": "evaluation.zip", "mimeType": "application/zip", "buffer": disorganised}
    )
    # Keyboard: the Upload button is reached and pressed without a mouse.
    page.get_by_role("button", name="Upload").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/submissions/\d+/$"))
    problems = page.locator("#problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("This version will not be reviewed")
    expect(problems).to_contain_text("Hazard control")
    check_page(page)

    page.get_by_role("link", name="Upload a corrected file").click()
    page.wait_for_url(f"**/audits/{audit.pk}/upload/**")
    page.get_by_label("Zip file", exact=True).set_input_files(
        {"name": "evaluation-v2.zip", "mimeType": "application/zip", "buffer": evaluation_zip()}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("progressbar", name="Upload progress")).to_have_attribute(
        "aria-valuenow", "100"
    )
    page.wait_for_url(re.compile(r"/submissions/\d+/$"))
    expect(page.locator("#submission-status")).to_contain_text("waiting for a reviewer")
    expect(page.locator("h1")).to_contain_text("v2")
    check_page(page)
