"""factory_boy factories for every model the tests build."""

import datetime

import factory
from allauth.account.models import EmailAddress

from secor.models import Association, Invitation, Membership, Program, Role, Seed, User

PASSWORD = "correct-horse-battery-staple"


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Safety Association {n}")
    short_name = factory.Sequence(lambda n: f"SA{n}")
    slug = factory.Sequence(lambda n: f"assoc-{n}")
    jurisdiction = "AB"
    wcb_board = "WCB-Alberta"
    time_zone = "America/Edmonton"
    contact_email = "programs@example.com"
    # As the data migration stored it: the three seeded associations by slug.
    seed = factory.LazyAttribute(lambda o: o.slug if o.slug in Seed.values else "")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    association = factory.SubFactory(AssociationFactory)
    kind = "secor"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        # allauth's mandatory verification: test users have a verified address.
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    association = factory.SubFactory(AssociationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.PROGRAM_ADMIN


class InvitationFactory(factory.django.DjangoModelFactory):
    """Builds an invitation; the raw token is on ``.token`` (only its hash is stored)."""

    class Meta:
        model = Invitation

    association = factory.SubFactory(AssociationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.REVIEWER
    expires_at = factory.LazyFunction(Invitation.default_expiry)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token, token_hash = Invitation.new_token()
        invitation = super()._create(model_class, *args, token_hash=token_hash, **kwargs)
        invitation.token = token
        return invitation


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employers.Employer"

    association = factory.SubFactory(AssociationFactory)
    legal_name = factory.Sequence(lambda n: f"Prairie Hauling {n} Ltd.")
    province = "AB"
    contact_email = factory.Sequence(lambda n: f"office{n}@hauling.example")


class EmployerOwnedFactory(factory.django.DjangoModelFactory):
    """A row of one employer, in that employer's association (the database refuses
    anything else, ADR 0006): the association given, else the employer's."""

    class Meta:
        abstract = True

    association = factory.SubFactory(AssociationFactory)
    employer = factory.SubFactory(
        EmployerFactory, association=factory.SelfAttribute("..association")
    )

    @classmethod
    def _generate(cls, strategy, params):
        if "association" not in params and params.get("employer") is not None:
            params["association"] = params["employer"].association
        return super()._generate(strategy, params)


class WCBAccountFactory(EmployerOwnedFactory):
    class Meta:
        model = "employers.WCBAccount"

    board = "WCB-Alberta"
    account_number = factory.Sequence(lambda n: f"{1000000 + n}")


class WorkerFactory(EmployerOwnedFactory):
    class Meta:
        model = "employers.Worker"

    full_name = factory.Faker("name")
    role = "other"
    employment_status = "full_time_permanent"
    province = "AB"
    # Fixed, long before any date the tests use: a random start date made tests flaky.
    start_date = datetime.date(2015, 1, 1)


class EnrollmentFactory(EmployerOwnedFactory):
    class Meta:
        model = "employers.Enrollment"

    program = factory.LazyAttribute(
        lambda o: Program.objects.for_association(o.association).get_or_create(
            association=o.association, kind="secor"
        )[0]
    )
    registered_on = factory.Faker("date_between", start_date="-2y", end_date="-1d")


class HeadcountDeclarationFactory(EmployerOwnedFactory):
    class Meta:
        model = "employers.HeadcountDeclaration"

    period_start = factory.Faker("date_between", start_date="-11M", end_date="-6M")
    period_end = factory.LazyAttribute(lambda o: o.period_start)
    full_time_permanent = 3
    owner = 1
