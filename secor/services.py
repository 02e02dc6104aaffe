"""Actions people take on the platform core: one function per action.

Each runs in a transaction and writes an audit-trail row.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_scopes import scopes_disabled

from . import audit, hooks, ratelimit
from .audit import actor_or_none
from .models import Association, Invitation, Membership, Program, Role, User
from .permissions import STAFF
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
    pending = Invitation.objects.for_association(association).filter(
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ValidationError(
            {
                "email": f"{email} already has an invitation waiting to be accepted. Withdraw it "
                "first to send a new one."
            }
        )
    _invitation_rate_limit(association=association, invited_by=invited_by)
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


def _wait_words(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def _invitation_rate_limit(*, association: Association, invited_by) -> None:
    """Refuse an invitation past the hourly limits (per person, per association).

    Platform operators creating an association are not limited.
    """
    if invited_by is not None and invited_by.is_superuser:
        return
    if invited_by is not None:
        mine = ratelimit.hit(
            f"invite:user:{invited_by.pk}",
            limit=settings.SECOR_INVITATIONS_PER_USER_PER_HOUR,
            seconds=3600,
        )
        if not mine.allowed:
            raise ValidationError(
                gettext(
                    "You have sent %(count)s invitations in the last hour, the most one person "
                    "may send. Try again in %(wait)s."
                )
                % {
                    "count": settings.SECOR_INVITATIONS_PER_USER_PER_HOUR,
                    "wait": _wait_words(mine.retry_after_seconds),
                },
                code="rate_limited",
            )
    everyone = ratelimit.hit(
        f"invite:association:{association.pk}",
        limit=settings.SECOR_INVITATIONS_PER_ASSOCIATION_PER_HOUR,
        seconds=3600,
    )
    if not everyone.allowed:
        raise ValidationError(
            gettext(
                "%(association)s has sent %(count)s invitations in the last hour, the most "
                "allowed. Try again in %(wait)s."
            )
            % {
                "association": association,
                "count": settings.SECOR_INVITATIONS_PER_ASSOCIATION_PER_HOUR,
                "wait": _wait_words(everyone.retry_after_seconds),
            },
            code="rate_limited",
        )


def inviter_email(invitation: Invitation) -> str:
    """The inviter's verified email address, or "" — what invitation emails name.

    Never the display name: that is free text anyone can set to a phishing line.
    """
    if invitation.invited_by_id is None:
        return ""
    address = (
        EmailAddress.objects.filter(user_id=invitation.invited_by_id, verified=True)
        .order_by("-primary", "id")
        .values_list("email", flat=True)
        .first()
    )
    return address or ""


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    """Withdraw a pending invitation: its link stops working at once."""
    invitation = (
        Invitation.objects.for_association(invitation.association)
        .select_for_update()
        .get(pk=invitation.pk)
    )
    if invitation.status != "pending":
        raise ValidationError(
            gettext("The invitation for %(email)s is already %(status)s.")
            % {"email": invitation.email, "status": invitation.status},
            code=invitation.status,
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        association=invitation.association,
        actor=actor,
        action="invitation.revoke",
        obj=invitation,
        summary=f"Invitation for {invitation.email} withdrawn",
        email=invitation.email,
        role=invitation.role,
    )
    return invitation


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
        # The first user of an employer manages its other users (permissions.py).
        first_of_employer = (
            invitation.employer_id is not None
            and not Membership.objects.filter(
                employer_id=invitation.employer_id, is_active=True, is_employer_admin=True
            ).exists()
        )
        membership, _ = Membership.objects.update_or_create(
            association=invitation.association,
            user=user,
            defaults={
                "role": invitation.role,
                "employer": invitation.employer,
                "is_active": True,
                "is_employer_admin": first_of_employer,
            },
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


# --- Membership management ------------------------------------------------------------

# What a program admin (or, for their company, an employer admin) may set a
# membership's role to. Employer users stay employer users (they belong to one
# employer); "employer_admin" is an employer user who manages the others.
EMPLOYER_ADMIN = "employer_admin"


def _locked_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.for_association(membership.association)
        .select_for_update()
        .select_related("user", "association")
        .get(pk=membership.pk)
    )


def _check_not_self(membership: Membership, actor) -> None:
    if actor is not None and membership.user_id == actor.pk:
        raise ValidationError(
            gettext("You cannot change your own membership. Ask another admin to do it."),
            code="self",
        )


def _check_keeps_a_program_admin(membership: Membership) -> None:
    others = (
        Membership.objects.for_association(membership.association)
        .filter(role=Role.PROGRAM_ADMIN, is_active=True)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.PROGRAM_ADMIN and not others.exists():
        raise ValidationError(
            gettext(
                "%(email)s is the only program admin of %(association)s. Invite or promote "
                "another program admin first."
            )
            % {"email": membership.user.email, "association": membership.association},
            code="last_admin",
        )


def _role_label(membership: Membership) -> str:
    if membership.role == Role.EMPLOYER and membership.is_employer_admin:
        return "Employer admin"
    return membership.get_role_display()


def _save_membership(membership: Membership, *, actor, reason: str) -> None:
    membership.full_clean()
    membership._history_user = actor_or_none(actor)
    membership._change_reason = reason
    membership.save()


@transaction.atomic
def membership_change_role(*, membership: Membership, actor, role: str) -> Membership:
    """Change what a member may do: between staff roles, or employer user ↔ employer admin.

    Takes effect on the member's next request (the membership is read per request).
    """
    membership = _locked_membership(membership)
    _check_not_self(membership, actor)
    before = _role_label(membership)
    if membership.role == Role.EMPLOYER:
        if role not in (Role.EMPLOYER, EMPLOYER_ADMIN):
            raise ValidationError(
                {
                    "role": "An employer user can be an employer user or an employer admin. "
                    "To make them staff, invite them as staff."
                },
                code="invalid_role",
            )
        membership.is_employer_admin = role == EMPLOYER_ADMIN
    else:
        if role not in STAFF:
            raise ValidationError(
                {
                    "role": "Staff can be program admins, reviewers or program auditors. "
                    "Employer users are invited from their employer's page."
                },
                code="invalid_role",
            )
        if role != Role.PROGRAM_ADMIN:
            _check_keeps_a_program_admin(membership)
        membership.role = role
    after = _role_label(membership)
    if after == before:
        return membership
    _save_membership(membership, actor=actor, reason="Role changed")
    audit.record(
        association=membership.association,
        actor=actor,
        action="membership.change_role",
        obj=membership,
        summary=f"{membership.user.email}: {before} → {after}",
        before=before,
        after=after,
    )
    return membership


@transaction.atomic
def membership_set_active(*, membership: Membership, actor, active: bool) -> Membership:
    """Deactivate (or reactivate) a membership.

    A deactivated member loses access at once: every association page reads the
    membership on each request, and nothing about it is kept in their session.
    """
    membership = _locked_membership(membership)
    if membership.is_active == active:
        return membership
    _check_not_self(membership, actor)
    if not active:
        _check_keeps_a_program_admin(membership)
    membership.is_active = active
    if not active:
        membership.is_employer_admin = False
    _save_membership(membership, actor=actor, reason="Reactivated" if active else "Deactivated")
    audit.record(
        association=membership.association,
        actor=actor,
        action="membership.reactivate" if active else "membership.deactivate",
        obj=membership,
        summary=f"{membership.user.email} {'reactivated' if active else 'deactivated'} "
        f"({membership.get_role_display()})",
    )
    return membership
