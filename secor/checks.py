from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
@register()
def staff_mfa_enforced(app_configs, **kwargs):
    """Staff MFA may be off only for the local demo."""
    if not settings.SECOR_REQUIRE_STAFF_MFA and not settings.DEBUG:
        return [
            Warning(
                "Staff MFA is switched off while DEBUG is off.",
                hint="Unset SECOR_REQUIRE_STAFF_MFA (it defaults to on) in production.",
                id="secor.W001",
            )
        ]
    return []
