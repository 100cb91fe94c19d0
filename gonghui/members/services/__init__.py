"""Every write to members, households, joining and transfers."""

from .households import family_member_add, family_member_remove, household_ensure
from .identity import id_hmac, name_initials, seal_id_number
from .joining import join_request_approve, join_request_cancel, join_request_reject, join_request_submit
from .registry import (
    MemberProblems,
    clean_profile,
    member_create,
    member_find_by_id_number,
    member_leave,
    member_register,
    member_rejoin,
    member_reveal_id,
    member_update,
    member_update_own_contact,
    members_move_after_merge,
)
from .transfers import transfer_accept, transfer_cancel, transfer_reject, transfer_release, transfer_request_create

__all__ = [
    "MemberProblems",
    "clean_profile",
    "family_member_add",
    "family_member_remove",
    "household_ensure",
    "id_hmac",
    "join_request_approve",
    "join_request_cancel",
    "join_request_reject",
    "join_request_submit",
    "member_create",
    "member_find_by_id_number",
    "member_leave",
    "member_register",
    "member_rejoin",
    "member_reveal_id",
    "member_update",
    "member_update_own_contact",
    "members_move_after_merge",
    "name_initials",
    "seal_id_number",
    "transfer_accept",
    "transfer_cancel",
    "transfer_reject",
    "transfer_release",
    "transfer_request_create",
]
