from django.apps import AppConfig


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
