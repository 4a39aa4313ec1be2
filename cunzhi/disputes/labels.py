"""What the disputes app's audit actions mean, as a person reads them in a record's history."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "disputes.petition_register": _("Petition registered"),
    "disputes.petition_transition": _("Petition step taken"),
    "disputes.petition_deadline_extend": _("Petition handling time extended"),
    "disputes.petition_extend": _("Petition handling time extended"),
    "disputes.petition_deadline_reminder": _("Petition deadline reminder"),
    "disputes.petition_deadline_overdue": _("Petition deadline passed"),
    "disputes.petitions_export": _("Petition ledger exported"),
    "disputes.committee_set": _("Mediation committee recorded"),
    "disputes.mediation_case_create": _("Dispute registered for mediation"),
    "disputes.mediation_case_transition": _("Mediation step taken"),
    "disputes.mediation_case_from_petition": _("Petition referred to mediation"),
    "disputes.mediation_case_deadline_extend": _("Mediation time extended"),
    "disputes.mediation_case_deadline_reminder": _("Mediation deadline reminder"),
    "disputes.mediation_case_deadline_overdue": _("Mediation deadline passed"),
    "disputes.mediation_case_set_risk": _("Risk flag changed"),
    "disputes.case_party_add": _("Party added"),
    "disputes.case_party_consent": _("Party's consent recorded"),
    "disputes.mediation_session_add": _("Mediation session recorded"),
    "disputes.assessment_create": _("Stability risk assessment drafted"),
    "disputes.assessment_transition": _("Stability risk assessment step taken"),
}
