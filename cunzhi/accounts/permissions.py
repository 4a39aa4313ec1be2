"""The role → permission matrix, in one place.

A permission is ``<app>.<action>_<model>`` (Django's naming), granted to a role *at the region of
its post*: a township leader's ``regions.change_villageprofile`` reaches every village of that
township, a village secretary's only that village. Later domains add their rows here.
"""

from __future__ import annotations

from collections.abc import Mapping

from cunzhi.accounts.models import Role

# Building blocks, so that each role's row reads as a sentence.
SEE_REGIONS = {
    "regions.view_region",
    "regions.view_villageprofile",
    "regions.view_clan",
    "regions.view_facility",
}
KEEP_PROFILE = {
    "regions.change_villageprofile",
    "regions.add_clan",
    "regions.change_clan",
    "regions.delete_clan",
    "regions.add_facility",
    "regions.change_facility",
    "regions.delete_facility",
}
SEE_CONTACTS = {"regions.view_contact"}
KEEP_CONTACTS = {"regions.add_contact", "regions.change_contact", "regions.delete_contact"}
SEE_PEOPLE = {"accounts.view_user", "accounts.view_post", "accounts.view_sendingunit"}
MANAGE_PEOPLE = {
    "accounts.add_user",
    "accounts.change_user",
    "accounts.add_post",
    "accounts.change_post",
    "accounts.add_sendingunit",
}
SEE_AUDIT = {"audit.view_event"}
SEE_REGISTER = {
    "registry.view_household",
    "registry.view_resident",
    "registry.view_residenttag",
    "registry.view_tenhouseholdgroup",
    "registry.view_groupleader",
}
KEEP_REGISTER = {
    "registry.add_household",
    "registry.change_household",
    "registry.add_resident",
    "registry.change_resident",
    "registry.change_tenhouseholdgroup",
    "registry.add_tenhouseholdgroup",
    "registry.add_groupleader",
    "registry.change_groupleader",
}
# Seeing ID and phone numbers unmasked and sensitive tags: a permission, and each use is audited.
REVEAL_PERSONAL = {"registry.reveal_resident"}
SET_POLICY = {"core.change_policyparameter"}
VILLAGE_CADRE = (
    SEE_REGIONS
    | KEEP_PROFILE
    | SEE_CONTACTS
    | KEEP_CONTACTS
    | SEE_AUDIT
    | SEE_REGISTER
    | KEEP_REGISTER
    | REVEAL_PERSONAL
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset(VILLAGE_CADRE | SEE_PEOPLE | MANAGE_PEOPLE | SET_POLICY),
    Role.COUNTY_ORG_DEPT: frozenset(SEE_REGIONS | SEE_CONTACTS | SEE_PEOPLE | SEE_AUDIT),
    # Civil affairs and the rural bureau work on assistance and monitoring: they need the register.
    Role.COUNTY_CIVIL_AFFAIRS: frozenset(
        SEE_REGIONS | SEE_CONTACTS | SEE_AUDIT | SEE_REGISTER | REVEAL_PERSONAL
    ),
    Role.COUNTY_RURAL_BUREAU: frozenset(
        SEE_REGIONS | SEE_CONTACTS | SEE_AUDIT | SEE_REGISTER | REVEAL_PERSONAL
    ),
    Role.TOWNSHIP_LEADER: frozenset(VILLAGE_CADRE | SEE_PEOPLE),
    Role.TOWNSHIP_STAFF: frozenset(VILLAGE_CADRE),
    Role.FIRST_SECRETARY: frozenset(VILLAGE_CADRE),
    Role.WORK_TEAM_MEMBER: frozenset(VILLAGE_CADRE),
    Role.VILLAGE_PARTY_SECRETARY: frozenset(VILLAGE_CADRE),
    Role.VILLAGE_COMMITTEE_MEMBER: frozenset(VILLAGE_CADRE),
    # The supervision committee reads and signs off; it does not keep the village's records.
    Role.SUPERVISION_MEMBER: frozenset(SEE_REGIONS | SEE_CONTACTS | SEE_AUDIT | SEE_REGISTER),
    # A sending unit follows the villages its cadres serve in.
    Role.SENDING_UNIT_CONTACT: frozenset(SEE_REGIONS),
}


def grant(by_role: Mapping[Role, set[str] | frozenset[str]]) -> None:
    """Add a domain's permissions to the roles that hold them (each app's block below)."""
    for role, permissions in by_role.items():
        ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS[role] | frozenset(permissions)


# Villagers' demands (issue 11): the village's cadres and the township keep them; the township and
# the county take over escalated ones; the supervision committee reads them.
SEE_DEMANDS = frozenset({"demands.view_demand"})
KEEP_DEMANDS = SEE_DEMANDS | {
    "demands.add_demand",
    "demands.change_demand",
    "demands.escalate_demand",
}
TAKE_OVER_DEMANDS = frozenset({"demands.take_over_demand"})
_DEMAND_GRANTS: dict[Role, frozenset[str]] = {
    Role.COUNTY_ADMIN: KEEP_DEMANDS | TAKE_OVER_DEMANDS,
    Role.TOWNSHIP_LEADER: KEEP_DEMANDS | TAKE_OVER_DEMANDS,
    Role.TOWNSHIP_STAFF: KEEP_DEMANDS | TAKE_OVER_DEMANDS,
    Role.FIRST_SECRETARY: KEEP_DEMANDS,
    Role.WORK_TEAM_MEMBER: KEEP_DEMANDS,
    Role.VILLAGE_PARTY_SECRETARY: KEEP_DEMANDS,
    Role.VILLAGE_COMMITTEE_MEMBER: KEEP_DEMANDS,
    Role.SUPERVISION_MEMBER: SEE_DEMANDS,
}
# Home visits (issue 11): whoever keeps the village's demands records its visits.
SEE_VISITS = frozenset({"visits.view_visit"})
KEEP_VISITS = SEE_VISITS | {"visits.add_visit", "visits.change_visit"}
grant(
    {
        role: granted | (KEEP_VISITS if "demands.change_demand" in granted else SEE_VISITS)
        for role, granted in _DEMAND_GRANTS.items()
    }
)


# Residency (驻村): the county organisation department dispatches and approves long leave, the
# township runs daily management (corrections, short leave), the cadre checks in and asks for
# leave, the village and its supervisors read, the sending unit follows its own cadres (scoped by
# unit in cunzhi/residency/scoping.py, not by region).
SEE_RESIDENCY = {
    "residency.view_cadre",
    "residency.view_dispatch",
    "residency.view_presenceday",
    "residency.view_leaverequest",
    "residency.view_assessment",
    "residency.view_recall",
    "residency.view_diaryentry",
}
DISPATCH_CADRES = {
    "residency.add_cadre",
    "residency.change_cadre",
    "residency.add_dispatch",
    "residency.change_dispatch",
}
MANAGE_RESIDENCY_DAILY = {
    "residency.change_presenceday",
    "residency.township_approve_leaverequest",
    "residency.decide_leaverequest",
}
SERVE_IN_VILLAGE = {
    "residency.add_diaryentry",
    "residency.change_diaryentry",
    "residency.add_presenceday",
    "residency.add_leaverequest",
    "residency.change_leaverequest",
}
RESIDENCY = {
    Role.COUNTY_ADMIN: SEE_RESIDENCY | DISPATCH_CADRES | {"residency.add_assessment"},
    Role.COUNTY_ORG_DEPT: SEE_RESIDENCY
    | DISPATCH_CADRES
    | {
        "residency.county_approve_leaverequest",
        "residency.decide_leaverequest",
        "residency.add_assessment",
        "residency.grade_assessment",
        "residency.add_recall",
        "residency.change_recall",
        "residency.complete_recall",
    },
    Role.TOWNSHIP_LEADER: SEE_RESIDENCY
    | MANAGE_RESIDENCY_DAILY
    | {"residency.township_opinion_assessment", "residency.add_recall"},
    Role.TOWNSHIP_STAFF: SEE_RESIDENCY | MANAGE_RESIDENCY_DAILY | {"residency.add_recall"},
    Role.FIRST_SECRETARY: SEE_RESIDENCY | SERVE_IN_VILLAGE,
    Role.WORK_TEAM_MEMBER: SEE_RESIDENCY | SERVE_IN_VILLAGE,
    Role.VILLAGE_PARTY_SECRETARY: SEE_RESIDENCY | {"residency.village_opinion_assessment"},
    Role.SUPERVISION_MEMBER: SEE_RESIDENCY,
    Role.SENDING_UNIT_CONTACT: SEE_RESIDENCY
    | {"residency.unit_opinion_assessment", "residency.name_replacement_recall"},
}
grant(RESIDENCY)
# The support ledger (保障台账): written by the sending unit's contact and the county organisation
# department, read by the township and the county.
SEE_SUPPORT = {
    "residency.view_supportyear",
    "residency.view_fundspending",
    "residency.view_pairingmeeting",
    "residency.view_trainingrecord",
}
KEEP_SUPPORT = SEE_SUPPORT | {
    "residency.add_supportyear",
    "residency.change_supportyear",
    "residency.add_fundspending",
    "residency.change_fundspending",
    "residency.add_pairingmeeting",
    "residency.add_trainingrecord",
}
grant(
    {
        Role.COUNTY_ORG_DEPT: KEEP_SUPPORT,
        Role.SENDING_UNIT_CONTACT: KEEP_SUPPORT,
        Role.COUNTY_ADMIN: SEE_SUPPORT,
        Role.TOWNSHIP_LEADER: SEE_SUPPORT,
        Role.TOWNSHIP_STAFF: SEE_SUPPORT,
    }
)


def role_has(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


# Holding any of these anywhere makes two-factor sign-in (TOTP) mandatory: whoever may see full
# ID and phone numbers or give people posts is worth more to an attacker than a password.
TWO_FACTOR_PERMISSIONS = frozenset(REVEAL_PERSONAL | {"accounts.add_user", "accounts.add_post"})


def role_needs_two_factor(role: str) -> bool:
    return not TWO_FACTOR_PERMISSIONS.isdisjoint(ROLE_PERMISSIONS.get(role, frozenset()))


# Village decisions (四议两公开) and the village's public board (村务公开): issue 12.
SEE_DECISIONS = {
    "decisions.view_matter",
    "decisions.view_meeting",
    "decisions.view_membership",
    "decisions.view_supervisionopinion",
    "openness.view_notice",
    "openness.view_objection",
}
KEEP_DECISIONS = {
    "decisions.add_matter",
    "decisions.change_matter",
    "decisions.add_meeting",
    "decisions.change_meeting",
    "decisions.add_membership",
    "decisions.change_membership",
    "openness.add_notice",
    "openness.change_objection",
}
# The supervision committee gives its opinion on each step; it keeps nothing else.
SUPERVISE_DECISIONS = {"decisions.add_supervisionopinion"}
grant(
    {
        **dict.fromkeys(
            (
                Role.COUNTY_ADMIN,
                Role.TOWNSHIP_LEADER,
                Role.TOWNSHIP_STAFF,
                Role.FIRST_SECRETARY,
                Role.WORK_TEAM_MEMBER,
                Role.VILLAGE_PARTY_SECRETARY,
                Role.VILLAGE_COMMITTEE_MEMBER,
            ),
            SEE_DECISIONS | KEEP_DECISIONS,
        ),
        **dict.fromkeys(
            (Role.COUNTY_ORG_DEPT, Role.COUNTY_CIVIL_AFFAIRS, Role.COUNTY_RURAL_BUREAU),
            SEE_DECISIONS,
        ),
        Role.SUPERVISION_MEMBER: SEE_DECISIONS | SUPERVISE_DECISIONS,
    }
)


# --- disputes: petitions, people's mediation, stability assessments ----------------------------
SEE_DISPUTES = {
    "disputes.view_petition",
    "disputes.view_mediationcommittee",
    "disputes.view_mediationcase",
    "disputes.view_caseparty",
    "disputes.view_mediationsession",
    "disputes.view_stabilityassessment",
}
KEEP_DISPUTES = {
    "disputes.add_petition",
    "disputes.change_petition",
    "disputes.add_mediationcommittee",
    "disputes.add_mediationcase",
    "disputes.change_mediationcase",
    "disputes.change_caseparty",
    "disputes.add_mediationsession",
    "disputes.add_stabilityassessment",
    "disputes.change_stabilityassessment",
}
# The township assesses social-stability risk (seed 004); its leader and the county approve.
APPROVE_ASSESSMENT = {"disputes.approve_stabilityassessment"}
grant(
    {
        Role.COUNTY_ADMIN: SEE_DISPUTES | KEEP_DISPUTES | APPROVE_ASSESSMENT,
        Role.COUNTY_ORG_DEPT: SEE_DISPUTES,
        Role.TOWNSHIP_LEADER: SEE_DISPUTES | KEEP_DISPUTES | APPROVE_ASSESSMENT,
        Role.TOWNSHIP_STAFF: SEE_DISPUTES | KEEP_DISPUTES,
        Role.FIRST_SECRETARY: SEE_DISPUTES | KEEP_DISPUTES,
        Role.WORK_TEAM_MEMBER: SEE_DISPUTES | KEEP_DISPUTES,
        Role.VILLAGE_PARTY_SECRETARY: SEE_DISPUTES | KEEP_DISPUTES,
        Role.VILLAGE_COMMITTEE_MEMBER: SEE_DISPUTES | KEEP_DISPUTES,
        Role.SUPERVISION_MEMBER: SEE_DISPUTES,
    }
)
# Work plans (plans): the village keeps its plan, tasks and rectification ledger; the township
# approves plans; closing off a rectification (销号) is a sign-off the keepers of the village's
# leadership and the township give, never the committee member who did the work alone.
SEE_PLANS = {
    "plans.view_plan",
    "plans.view_objective",
    "plans.view_task",
    "plans.view_milestone",
    "plans.view_progressnote",
    "plans.view_rectification",
}
KEEP_PLANS = {
    "plans.add_plan",
    "plans.change_plan",
    "plans.add_objective",
    "plans.change_objective",
    "plans.add_task",
    "plans.change_task",
    "plans.add_milestone",
    "plans.change_milestone",
    "plans.add_progressnote",
    "plans.change_progressnote",
    "plans.add_rectification",
    "plans.change_rectification",
}
APPROVE_PLANS = {"plans.approve_plan"}
SIGN_OFF_RECTIFICATIONS = {"plans.signoff_rectification"}
_PLANS_BY_ROLE: dict[Role, set[str]] = {
    Role.COUNTY_ADMIN: SEE_PLANS | KEEP_PLANS | APPROVE_PLANS | SIGN_OFF_RECTIFICATIONS,
    Role.COUNTY_ORG_DEPT: SEE_PLANS,
    Role.COUNTY_RURAL_BUREAU: SEE_PLANS,
    Role.TOWNSHIP_LEADER: SEE_PLANS | KEEP_PLANS | APPROVE_PLANS | SIGN_OFF_RECTIFICATIONS,
    Role.TOWNSHIP_STAFF: SEE_PLANS | KEEP_PLANS | SIGN_OFF_RECTIFICATIONS,
    Role.FIRST_SECRETARY: SEE_PLANS | KEEP_PLANS | SIGN_OFF_RECTIFICATIONS,
    Role.WORK_TEAM_MEMBER: SEE_PLANS | KEEP_PLANS,
    Role.VILLAGE_PARTY_SECRETARY: SEE_PLANS | KEEP_PLANS | SIGN_OFF_RECTIFICATIONS,
    Role.VILLAGE_COMMITTEE_MEMBER: SEE_PLANS | KEEP_PLANS,
    Role.SUPERVISION_MEMBER: SEE_PLANS,
    Role.SENDING_UNIT_CONTACT: SEE_PLANS,
}
grant(_PLANS_BY_ROLE)
