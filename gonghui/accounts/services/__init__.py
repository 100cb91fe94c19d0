"""Every write to accounts: users, roles, API tokens (users.py), account management (management.py),
rate limits and one-time codes (codes.py)."""

from .codes import code_check, code_issue, throttle_clear, throttle_hit, throttle_wait
from .management import (
    NewWorkerAccount,
    account_create,
    account_disable,
    account_enable,
    account_password_reset,
    account_role_grant,
    account_role_revoke,
    one_time_password,
    worker_account_activate,
    worker_accounts_bulk_create,
)
from .users import (
    password_change,
    role_grant,
    role_revoke,
    token_authenticate,
    token_create,
    token_revoke,
    tokens_revoke_all,
    user_create,
)

__all__ = [
    "NewWorkerAccount",
    "account_create",
    "account_disable",
    "account_enable",
    "account_password_reset",
    "account_role_grant",
    "account_role_revoke",
    "code_check",
    "code_issue",
    "one_time_password",
    "password_change",
    "role_grant",
    "role_revoke",
    "throttle_clear",
    "throttle_hit",
    "throttle_wait",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "tokens_revoke_all",
    "user_create",
    "worker_account_activate",
    "worker_accounts_bulk_create",
]
