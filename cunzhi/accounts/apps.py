from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cunzhi.accounts"

    def ready(self) -> None:
        # core scopes every read by the posts this app keeps; it imports nothing above it, so
        # the answers are handed in here (core.scoping.provide_scopes).
        from cunzhi.accounts import scopes
        from cunzhi.core.scoping import ScopeSource, provide_scopes

        provide_scopes(
            ScopeSource(
                prefixes=scopes.scope_prefixes,
                permitted_at=scopes.has_permission_at,
                permitted_anywhere=scopes.has_permission_anywhere,
            )
        )

        from cunzhi.accounts import deadlines, signals  # noqa: F401  (connects the receivers)
        from cunzhi.audit.labels import register

        register(ACTION_LABELS)


# What a person reads in a history or the audit log for each of the app's actions.
ACTION_LABELS = {
    "accounts.post_assign": _("Post assigned"),
    "accounts.post_end": _("Post ended"),
    "accounts.dispatched_post_assign": _("Post given with the dispatch"),
    "accounts.dispatched_post_end": _("Post ended with the dispatch"),
    "accounts.user_create": _("User created"),
    "accounts.sending_unit_create": _("Sending unit created"),
    "accounts.system_admin_create": _("System administrator created"),
    "accounts.api_token_create": _("API token created"),
    "accounts.api_token_revoke": _("API token revoked"),
    "accounts.sign_in": _("Signed in"),
    "accounts.sign_in_failure": _("Failed sign-in"),
    "accounts.sign_out": _("Signed out"),
    "accounts.sign_in_lock": _("Sign-in locked"),
    "accounts.sign_in_unlock": _("Sign-in unlocked"),
    "accounts.password_change": _("Password changed"),
    "accounts.two_factor_enrol": _("Two-factor sign-in set up"),
    "accounts.two_factor_reset": _("Two-factor sign-in reset"),
    # Written before actions were named after their service.
    "accounts.sendingunit_create": _("Sending unit created"),
    "accounts.sign_in_fail": _("Failed sign-in"),
}
