"""Writes of the accounts app (DESIGN rule 3), one module per subject, all importable from here."""

from cunzhi.accounts.services.people import (
    dispatched_post_assign,
    dispatched_post_end,
    post_assign,
    post_end,
    sending_unit_create,
    system_admin_create,
    user_create,
)
from cunzhi.accounts.services.signin import (
    password_change,
    sign_in_unlock,
    two_factor_enrol,
    two_factor_reset,
)
from cunzhi.accounts.services.tokens import (
    TOKEN_PREFIX,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    api_tokens_end,
)

__all__ = [
    "TOKEN_PREFIX",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "api_tokens_end",
    "dispatched_post_assign",
    "dispatched_post_end",
    "password_change",
    "post_assign",
    "post_end",
    "sending_unit_create",
    "sign_in_unlock",
    "system_admin_create",
    "two_factor_enrol",
    "two_factor_reset",
    "user_create",
]
