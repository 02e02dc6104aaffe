import pytest
from django_scopes import scopes_disabled

from employers import demo
from employers.models import EligibilityStatus, Employer, EnrollmentStatus
from secor import demo as secor_demo

pytestmark = pytest.mark.django_db


def test_demo_employers_cover_the_states_and_a_second_run_adds_nothing():
    with scopes_disabled():
        associations = secor_demo.build_core()
        demo.build(associations)
        count = Employer.objects.count()
        demo.build(associations)
        assert Employer.objects.count() == count == 3 * len(demo.DEMO_EMPLOYERS)
        amta = Employer.objects.filter(association__slug="amta")
        statuses = set(amta.values_list("eligibility_status", flat=True))
        assert {EligibilityStatus.ELIGIBLE, EligibilityStatus.NOT_ELIGIBLE} <= statuses
        assert amta.filter(enrollments__status=EnrollmentStatus.CERTIFIED).exists()
        assert amta.filter(enrollments__status=EnrollmentStatus.REGISTERED).exists()
        # The demo employer user's company has realistic data.
        linked = Employer.objects.get(legal_name="AMTA Demo Contracting Ltd.")
        assert linked.users.exists() and linked.workers.count() >= 5
        assert linked.wcb_accounts.count() == 1
        # SCSA: a general contractor expecting 14 workers does not qualify.
        builder = Employer.objects.get(legal_name="SCSA General Builders Ltd.")
        assert builder.eligibility_status == EligibilityStatus.NOT_ELIGIBLE
