"""Actions people take on the platform core: one function per action.

Each runs in a transaction and writes an audit-trail row.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_scopes import scopes_disabled

from . import audit, hooks
from .models import Association, Invitation, Membership, Program, Role, User
from .tasks import send_invitation_email


@transaction.atomic
def association_create(
    *,
    name: str,
    short_name: str,
    slug: str,
    jurisdiction: str,
    wcb_board: str,
    time_zone: str,
    programs: list[str],
    admin_email: str,
    admin_name: str = "",
    actor=None,
    **details,
) -> tuple[Association, Invitation | None]:
    """A platform operator creates an association and invites its first program admin."""
    association = Association(
        name=name,
        short_name=short_name,
        slug=slug,
        jurisdiction=jurisdiction,
        wcb_board=wcb_board,
        time_zone=time_zone,
        **details,
    )
    association.full_clean()
    association.save()
    for kind in programs:
        Program.objects.create(association=association, kind=kind)
    # Each app seeds its rules from ``association.seed`` (none: the admin enters them).
    hooks.association_created.call(association)
    audit.record(
        association=association,
        actor=actor,
        action="association.create",
        obj=association,
        summary=f"Association {association} created",
    )
    _, invitation = invitation_create(
        association=association, email=admin_email, role=Role.PROGRAM_ADMIN, invited_by=actor
    )
    return association, invitation


@dataclass(frozen=True)
class InvitationProblem:
    code: str
    message: str


def invitation_lookup(token: str) -> tuple[Invitation | None, InvitationProblem | None]:
    """Find an invitation by the token in its link and say plainly what is wrong with it."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.by_token(token).select_related("association").first()
            if token
            else None
        )
    if invitation is None:
        return None, InvitationProblem(
            "unknown",
            "This invitation link is not valid. Check that you copied the whole link from "
            "the email, or ask the person who invited you to send a new invitation.",
        )
    problem = {
        "accepted": "This invitation has already been used. Sign in to continue.",
        "revoked": "This invitation was withdrawn. Ask the association for a new one.",
        "expired": "This invitation has expired. Ask the person who invited you for a new one.",
    }.get(invitation.status)
    return invitation, InvitationProblem(invitation.status, problem) if problem else None


@transaction.atomic
def invitation_create(
    *, association: Association, email: str, role: str, invited_by=None, employer=None
) -> tuple[str, Invitation]:
    """Invite someone by email; returns the raw token (only its hash is stored).

    An employer user is invited to one employer; staff to none.
    """
    if (role == Role.EMPLOYER) != (employer is not None):
        raise ValueError("Employer users are invited to one employer; staff to none.")
    email = User.objects.normalize_email(email).lower()
    with scopes_disabled():
        if Membership.objects.filter(
            association=association, user__email__iexact=email, is_active=True
        ).exists():
            raise ValidationError(
                {
                    "email": gettext("%(email)s is already a member of %(association)s.")
                    % {"email": email, "association": association}
                }
            )
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        association=association,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=invited_by,
        expires_at=Invitation.default_expiry(),
        employer=employer,
    )
    audit.record(
        association=association,
        actor=invited_by,
        action="invitation.create",
        obj=invitation,
        summary=f"Invited {email} as {invitation.get_role_display()}",
    )
    transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk, token))
    return token, invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """The invited person accepts: the membership is created, the link is spent.

    The row is locked so a double click or two tabs cannot create two memberships.
    """
    invitation, problem = invitation_lookup(token)
    if problem:
        raise ValidationError(problem.message, code=problem.code)
    with scopes_disabled():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise ValidationError(
                gettext("This invitation has already been used."), code="accepted"
            )
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(
                gettext(
                    "This invitation was sent to %(email)s, but you are signed "
                    "in as %(email2)s. Sign out, then open the link again and "
                    "sign in with the invited address."
                )
                % {"email": invitation.email, "email2": user.email},
                code="wrong_email",
            )
        membership, _ = Membership.objects.update_or_create(
            association=invitation.association,
            user=user,
            defaults={"role": invitation.role, "employer": invitation.employer, "is_active": True},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    # The link arrived in the invited mailbox, so the address is proven.
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )
    audit.record(
        association=invitation.association,
        actor=user,
        action="invitation.accept",
        obj=membership,
        summary=f"{user.email} joined as {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def user_create_from_invitation(*, token: str, full_name: str, password: str) -> Membership:
    """Someone without an account sets a password on the invitation page."""
    invitation, problem = invitation_lookup(token)
    if problem:
        raise ValidationError(problem.message, code=problem.code)
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    return invitation_accept(token=token, user=user)
