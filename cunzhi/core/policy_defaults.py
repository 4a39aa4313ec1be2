"""The registry of policy parameters and their national defaults, seeded from DOMAIN.md.

Every number a law or a local rule sets lives here once, with its unit, what it means and where
it comes from; ``sync_policy_defaults`` copies missing entries into the ``PolicyParameter`` table,
where counties override them (DESIGN rule 4). Code never reads this module for a value: it asks
``policy.get``, which answers from the table for a region and a date.

Value conventions (JSON, so the table can hold any of them):

* a count of days, months, years, people or households, or an amount of money, is an integer;
  money is in yuan, except party dues, which are in fen (分) because they are under one yuan;
* a share is a fraction ``{"numerator": 2, "denominator": 3}``, never a float, so that "at least
  two thirds" compares exactly (``present * 3 >= total * 2``); ``policy.get_fraction`` returns a
  ``fractions.Fraction``;
* a range is ``{"min": 3, "max": 9}``;
* the key says how a share compares: ``..._min_share`` is "at least" (以上, which includes the
  number in Chinese legal usage), ``..._more_than_share`` is "more than" (过半数).

Sources, as in DOMAIN.md: [V] checked in the law's own text; [S] a secondary or local source;
[seed] the seed documents; [U] not confirmed. ``valid_from`` is the day the cited text took effect;
a rule whose source gives no date applies from ``UNDATED``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class PolicyDefault:
    key: str
    value: Any
    unit: str | Promise  # translated lazily: shown in the user's language
    description: str | Promise
    source: str
    valid_from: datetime.date


def fraction(numerator: int, denominator: int) -> dict[str, int]:
    return {"numerator": numerator, "denominator": denominator}


def span(low: int, high: int) -> dict[str, int]:
    return {"min": low, "max": high}


# A rule whose source gives no start date applies to every date the system will record.
UNDATED = datetime.date(2000, 1, 1)
# 村民委员会组织法 as amended on 2018-12-29 (the articles cited date from the 2010 revision).
ORGANIC_LAW = datetime.date(2018, 12, 29)
# 信访工作条例, in force 2022-05-01.
PETITION_REGULATION = datetime.date(2022, 5, 1)
# 人民调解法, in force 2011-01-01.
MEDIATION_LAW = datetime.date(2011, 1, 1)
# 最低生活保障审核确认办法 (民发〔2021〕57号), issued 2021-06-11, in force 2021-07-01 [S].
DIBAO_RULES = datetime.date(2021, 7, 1)
# 防止返贫动态监测和帮扶机制 (中农组发〔2021〕7号): its income line is set per calendar year.
MONITORING_2021 = datetime.date(2021, 1, 1)
# 中国共产党支部工作条例（试行）, issued 2018-10-28.
BRANCH_REGULATION = datetime.date(2018, 10, 28)
# 中国共产党发展党员工作细则, issued 2014-05-28.
DEVELOPMENT_RULES = datetime.date(2014, 5, 28)
# 关于中国共产党党费收缴、使用和管理的规定, issued 2008-02-28.
DUES_RULES = datetime.date(2008, 2, 28)

# One entry a line-group, aligned by hand: the table reads better than the formatter's layout.
# fmt: off
P = PolicyDefault
DEFAULTS: list[PolicyDefault] = [
    # --- residency: first secretary and resident work team (驻村) -------------------------------
    P("residency.presence_share_of_working_days", fraction(2, 3), _("share, at least"),
      _("Days worked in the village as a share of the year's working days: the hard line."),
      "[seed]", UNDATED),
    P("residency.presence_monthly_min_days", 20, _("days a month, at least"),
      _("Monthly minimum of days in the village; 0 means no monthly rule."),
      "[S] local rule", UNDATED),
    P("residency.leave_township_approval_max_days", 3, _("days"),
      _("Leave up to this many days is approved by the township; longer leave by the county "
      "organisation department."), "[S] local example", UNDATED),
    P("residency.unexplained_absence_grade_caps",
      {"not_excellent": 1, "at_most_basically_competent": 2, "incompetent": 3}, _("absences"),
      _("Unexplained absences in a year that cap the annual grade: once, not excellent; twice, "
      "basically competent at best; three times, incompetent."), "[S] local example", UNDATED),
    P("residency.term_min_years", 2, _("years, at least"),
      _("Normal minimum term of a first secretary."), "[S]", UNDATED),
    P("residency.sending_unit_work_funds_min_yuan", 10000, _("yuan a year, at least"),
      _("Special work funds the sending unit provides for the village each year."),
      "[seed; U] no national source found", UNDATED),
    P("residency.check_in_radius_m", 3000, _("metres"),
      _("A check-in farther than this from the village's office is flagged (not refused)."),
      "[U] no source; a working default", UNDATED),
    P("residency.presence_late_fill_days", 3, _("days"),
      _("A cadre may fill in a missed day this many days later, with a reason; after that only "
      "the township corrects it."), "[U] no source; a working default", UNDATED),
    P("residency.training_counts_in_village", 1, _("1 yes, 0 no"),
      _("Whether organised training and official trips count as days in the village."),
      "[U] local practice", UNDATED),
    P("residency.support_medical_check_due_month", 9, _("month of the year, by its end"),
      _("The sending unit's yearly medical check of its cadre is missing once this month of the "
      "year has ended."), "[U] no source; a working default", UNDATED),
    P("residency.support_work_funds_due_month", 6, _("month of the year, by its end"),
      _("The year's work funds below the minimum are missing once this month of the year has "
      "ended."), "[U] no source; a working default", UNDATED),
    # --- decisions: 四议两公开 and the Organic Law of Villagers' Committees ---------------------
    P("decisions.party_members_meeting_quorum_min_share", fraction(2, 3), _("share, at least"),
      _("Party members' meeting: members present as a share of all members."),
      "[S] local rule", UNDATED),
    P("decisions.party_members_meeting_pass_more_than_share", fraction(1, 2), _("share, more than"),
      _("Party members' meeting passes with more than this share of members entitled to vote."),
      "[S] local rule", UNDATED),
    P("decisions.villagers_meeting_min_age", 18, _("years of age"),
      _("Villagers of this age and older make up the villagers' meeting."),
      "[V] 村民委员会组织法 Art. 21", ORGANIC_LAW),
    P("decisions.villagers_meeting_notice_days", 10, _("days"),
      _("Notice given to villagers before a villagers' meeting."),
      "[V] 村民委员会组织法 Art. 21", ORGANIC_LAW),
    P("decisions.villagers_meeting_convene_villagers_min_share", fraction(1, 10),
      _("share, at least"),
      _("A villagers' meeting must be convened when this share of villagers asks."),
      "[V] 村民委员会组织法 Art. 21", ORGANIC_LAW),
    P("decisions.villagers_meeting_convene_representatives_min_share", fraction(1, 3),
      _("share, at least"),
      _("A villagers' meeting must be convened when this share of representatives asks."),
      "[V] 村民委员会组织法 Art. 21", ORGANIC_LAW),
    P("decisions.villagers_meeting_quorum_adults_more_than_share", fraction(1, 2),
      _("share, more than"),
      _("Quorum, first way: more than this share of adult villagers present."),
      "[V] 村民委员会组织法 Art. 22", ORGANIC_LAW),
    P("decisions.villagers_meeting_quorum_households_min_share", fraction(2, 3),
      _("share, at least"),
      _("Quorum, second way: representatives of at least this share of households present."),
      "[V] 村民委员会组织法 Art. 22", ORGANIC_LAW),
    P("decisions.villagers_meeting_pass_more_than_share", fraction(1, 2), _("share, more than"),
      _("A villagers' meeting decides with more than this share of those present."),
      "[V] 村民委员会组织法 Art. 22", ORGANIC_LAW),
    P("decisions.households_per_representative", span(5, 15), pgettext_lazy("unit", "households"),
      _("One villagers' representative is chosen per this many households."),
      "[V] 村民委员会组织法 Art. 25", ORGANIC_LAW),
    P("decisions.representatives_women_min_share", fraction(1, 3), _("share, at least"),
      _("Share of women among the villagers' representatives."),
      "[V] 村民委员会组织法 Art. 25", ORGANIC_LAW),
    P("decisions.representative_meeting_interval_months", 3, _("months, at most"),
      _("The villagers' representative meeting meets at least this often (quarterly)."),
      "[V] 村民委员会组织法 Art. 26", ORGANIC_LAW),
    P("decisions.representative_meeting_quorum_min_share", fraction(2, 3), _("share, at least"),
      _("Representatives present as a share of all representatives."),
      "[V] 村民委员会组织法 Art. 26", ORGANIC_LAW),
    P("decisions.representative_meeting_pass_more_than_share", fraction(1, 2),
      _("share, more than"),
      _("A representative meeting decides with more than this share of those present."),
      "[V] 村民委员会组织法 Art. 26", ORGANIC_LAW),
    P("decisions.joint_meeting_quorum_more_than_share", fraction(1, 2), _("share, more than"),
      _("Joint meeting of the two committees: members present as a share of all members."),
      "[U]", UNDATED),
    P("decisions.joint_meeting_pass_more_than_share", fraction(1, 2), _("share, more than"),
      _("A joint meeting of the two committees agrees with more than this share of those present."),
      "[U]", UNDATED),
    # --- openness: village affairs openness (村务公开) ------------------------------------------
    P("openness.disclosure_interval_months", 3, _("months, at most"),
      _("Village affairs are published at least this often (quarterly)."),
      "[V] 村民委员会组织法 Art. 30", ORGANIC_LAW),
    P("openness.finance_disclosure_interval_months", 1, _("months, at most"),
      _("Finances are published at least this often where transactions are many."),
      "[V] 村民委员会组织法 Art. 30", ORGANIC_LAW),
    P("openness.publicity_days", 7, _("days"),
      _("Publicity period (公示) before a decision that names beneficiaries."), "[S]", UNDATED),
    P("openness.supervision_committee_members", span(3, 5), _("members"),
      _("Size of the village affairs supervision committee."), "[S]", UNDATED),
    # --- party: branch work and member development --------------------------------------------
    P("party.organizational_life_interval_months",
      {"party_members_meeting": 3, "branch_committee_meeting": 1, "party_group_meeting": 1,
       "party_lecture": 3, "theme_party_day": 1, "organizational_life_meeting": 12,
       "democratic_appraisal": 12},
      _("months, at most"),
      _("How often each part of organisational life (三会一课 and the rest) takes place; the "
      "party lecture interval varies locally and is not confirmed."),
      "[S] 中国共产党支部工作条例（试行）", BRANCH_REGULATION),
    P("party.branch_committee_quorum_more_than_share", fraction(1, 2), _("share, more than"),
      _("Branch committee meeting: members present as a share of the committee."),
      "[S] 中国共产党支部工作条例（试行）", BRANCH_REGULATION),
    P("party.branch_min_full_members", 3, _("members"),
      _("Full members needed to form a branch."),
      "[S] 中国共产党支部工作条例（试行）", BRANCH_REGULATION),
    P("party.branch_max_members", 50, _("members"), _("Largest size of a branch."),
      "[S] 中国共产党支部工作条例（试行）", BRANCH_REGULATION),
    P("party.branch_committee_min_full_members", 7, _("members"),
      _("Full members needed for a branch to elect a branch committee."),
      "[S] 中国共产党支部工作条例（试行）", BRANCH_REGULATION),
    P("party.branch_committee_members", span(3, 5), _("members"),
      _("Size of an elected branch committee."),
      "[S] 中国共产党支部工作条例（试行）", BRANCH_REGULATION),
    P("party.village_branch_term_years", 5, _("years"), _("Term of a village branch committee."),
      "[S] 中国共产党支部工作条例（试行）", BRANCH_REGULATION),
    P("party.applicant_min_age", 18, _("years of age"),
      _("Minimum age of an applicant for membership."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.application_talk_within_months", 1, _("months"),
      _("The branch talks with an applicant within this time of the application."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.activist_min_years", 1, _("years, at least"),
      _("Time as an activist before becoming a development target."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.activist_review_interval_months", 6, _("months"),
      _("An activist is reviewed this often."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.activist_contact_members", span(1, 2), _("members"),
      _("Contact members (培养联系人) assigned to an activist."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.development_target_min_training", {"days": 3, "class_hours": 24},
      _("days or class hours, at least"),
      _("Concentrated training of a development target: either figure suffices."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.development_target_sponsors", 2, _("members"),
      _("Full members who sponsor (入党介绍人) a development target."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.admission_vote_pass_more_than_share", fraction(1, 2), _("share, more than"),
      _("Branch meeting admits with yes votes of more than this share of full members entitled "
      "to vote."), "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.admission_approval_months", 3, _("months"),
      _("The higher party committee approves an admission within this time."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.admission_approval_months_special", 6, _("months"),
      _("In special cases, the higher party committee approves an admission within this time."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.probation_years", 1, _("years"), _("Probation, counted from the branch meeting vote."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.probation_extension_months", span(6, 12), _("months"),
      _("A probation may be extended once by this long."),
      "[S] 中国共产党发展党员工作细则", DEVELOPMENT_RULES),
    P("party.mobile_member_transfer_after_months", 6, _("months"),
      _("A member away at a fixed place longer than this transfers the membership relationship; "
      "a shorter absence gets a mobile party member certificate."), "[S]", UNDATED),
    P("party.dues_flat_monthly_fen",
      {"farmer": span(20, 100), "student": 20, "dibao_recipient": 20},
      _("fen a month"),
      _("Flat monthly dues: farmers 0.2–1 yuan; students and 低保 recipients 0.2 yuan."),
      "[S] 关于中国共产党党费收缴、使用和管理的规定", DUES_RULES),
    P("party.dues_salary_rates",
      {"brackets": [{"up_to_yuan": 3000, "rate": fraction(5, 1000)},
                    {"up_to_yuan": 5000, "rate": fraction(10, 1000)},
                    {"up_to_yuan": 10000, "rate": fraction(15, 1000)}],
       "above_rate": fraction(20, 1000)},
      _("share of monthly pay"),
      _("Dues of salaried members: 0.5% of pay up to 3000 yuan, 1% up to 5000, 1.5% up to "
      "10000, 2% above."), "[S] 关于中国共产党党费收缴、使用和管理的规定", DUES_RULES),
    # --- disputes: petitions (信访) ------------------------------------------------------------
    P("disputes.petition_registration_days", 15, _("days"),
      _("A petition is registered and routed within this time."),
      "[V] 信访工作条例 Art. 22", PETITION_REGULATION),
    P("disputes.petition_acceptance_reply_days", 15, _("days"),
      _("The receiving organ tells the petitioner in writing whether it accepts."),
      "[V] 信访工作条例", PETITION_REGULATION),
    P("disputes.petition_not_own_matter_objection_working_days", 5, _("working days"),
      _("An organ that receives a matter not its own objects within this time."),
      "[V] 信访工作条例", PETITION_REGULATION),
    P("disputes.petition_handling_days", 60, _("days"),
      _("An accepted petition is handled within this time."),
      "[V] 信访工作条例", PETITION_REGULATION),
    P("disputes.petition_extension_max_days", 30, _("days, at most"),
      _("Handling may be extended once, with reasons, by at most this long."),
      "[V] 信访工作条例", PETITION_REGULATION),
    P("disputes.petition_review_request_days", 30, _("days"),
      _("A review (复查) is requested within this time of the reply."),
      "[V] 信访工作条例", PETITION_REGULATION),
    P("disputes.petition_review_answer_days", 30, _("days"),
      _("A review is answered within this time of the request."),
      "[V] 信访工作条例", PETITION_REGULATION),
    P("disputes.petition_re_review_request_days", 30, _("days"),
      _("A re-review (复核) is requested within this time of the review answer."),
      "[V] 信访工作条例", PETITION_REGULATION),
    P("disputes.petition_re_review_answer_days", 30, _("days"),
      _("A re-review is answered within this time of the request."),
      "[V] 信访工作条例", PETITION_REGULATION),
    # --- disputes: people's mediation (人民调解) ------------------------------------------------
    P("disputes.mediation_committee_members", span(3, 9), _("members"),
      _("Size of a village's people's mediation committee (women included)."),
      "[V] 人民调解法 Art. 8", MEDIATION_LAW),
    P("disputes.mediation_committee_term_years", 3, _("years"),
      _("Term of a mediation committee."), "[V] 人民调解法 Art. 9", MEDIATION_LAW),
    P("disputes.mediation_court_confirmation_days", 30, _("days"),
      _("The parties may jointly ask a court to confirm an agreement within this time."),
      "[V] 人民调解法 Art. 33", MEDIATION_LAW),
    P("disputes.mediation_settle_days", 30, _("days"),
      _("A mediation case is normally settled within this time (one month)."), "[S]",
      MEDIATION_LAW),
    P("disputes.stability_assessment_matter_types",
      # The decision procedure's matter types (decisions.models.MatterType) that touch land,
      # homes and collective property.
      ["requisition_compensation", "land_contract", "homestead", "collective_property"],
      _("matter types"),
      _("Decisions of these types need an approved social-stability risk assessment (稳评) "
        "before they are published."), "[seed]", UNDATED),
    # --- assistance: 低保 and return-to-poverty monitoring ---------------------------------------
    P("assistance.dibao_publicity_days", 7, _("days"),
      _("Publicity period in the village of a 低保 application's result."),
      "[S] 民发〔2021〕57号", DIBAO_RULES),
    P("assistance.dibao_approval_working_days", 30, _("working days"),
      _("A 低保 application is decided within this time of acceptance."),
      "[S] 民发〔2021〕57号", DIBAO_RULES),
    P("assistance.dibao_approval_working_days_special", 45, _("working days"),
      _("In special cases, a 低保 application is decided within this time of acceptance."),
      "[S] 民发〔2021〕57号", DIBAO_RULES),
    P("assistance.dibao_refusal_notice_working_days", 3, _("working days"),
      _("A refusal is notified in writing, with reasons, within this time."),
      "[S] 民发〔2021〕57号", DIBAO_RULES),
    P("assistance.dibao_review_months_stable", 12, _("months"),
      _("Review interval for households with stable income."),
      "[S] 民发〔2021〕57号", DIBAO_RULES),
    P("assistance.dibao_review_months_irregular", 6, _("months"),
      _("Review interval for households with irregular income or members able to work."),
      "[S] 民发〔2021〕57号", DIBAO_RULES),
    P("assistance.monitoring_income_line_yuan", 6000, _("yuan per person a year"),
      _("Return-to-poverty monitoring income line (1.5 times the former poverty standard)."),
      "[S] 中农组发〔2021〕7号", MONITORING_2021),
    P("assistance.monitoring_income_line_yuan", 7500, _("yuan per person a year"),
      _("Return-to-poverty monitoring income line, 2024 adjustment."),
      "[U] seen only in code", datetime.date(2024, 1, 1)),
    P("assistance.risk_removal_stable_months", 6, _("months, at least"),
      _("Income stably above the line this long before a household's risk is removed."),
      "[S] 中农组发〔2021〕7号", MONITORING_2021),
    # --- demands: villagers' demands (民情诉求) and home visits (走访) --------------------------
    P("demands.resolution_days",
      {"roads": 30, "drinking_water": 7, "housing": 30, "schooling": 15, "employment": 30,
       "medical": 7, "social_security": 15, "environment": 15, "land": 30, "disputes": 15,
       "culture": 30, "other": 15}, _("days, by category"),
      _("A demand is resolved within this time of its registration, by category."),
      "[U] 地方做法，种子文件未规定天数", UNDATED),
    P("demands.resolution_days_default", 15, _("days"),
      _("Days to resolve a demand of a category the list above does not name."),
      "[U] 地方做法", UNDATED),
    P("demands.escalated_resolution_days", 15, _("days"),
      _("An escalated demand is resolved within this time of its escalation, at each level."),
      "[U] 地方做法", UNDATED),
    P("visits.visit_every_days_by_tag",
      {"dibao": 90, "tekun": 30, "jiance": 30, "disabled": 60, "left_behind_elderly": 30,
       "left_behind_child": 30}, _("days between visits, by tag"),
      _("A household with a resident of one of these tags is visited at least this often."),
      "[U] 地方做法；种子文件：走访每一户", UNDATED),
]
del P
# fmt: on


def defaults_by_key() -> dict[str, list[PolicyDefault]]:
    """Every key with its defaults, earliest first (a key may have several dated defaults)."""
    registry: dict[str, list[PolicyDefault]] = {}
    for default in sorted(DEFAULTS, key=lambda d: d.valid_from):
        registry.setdefault(default.key, []).append(default)
    return registry
