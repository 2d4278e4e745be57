"""The rule catalogue: one id, one sentence, its parameter and its source per rule.

Shared by the solver (each rule family cites its ids), the checker (every violation
carries an id) and the explanations. Sources are the ones in the domain notes: WTR =
Working Time Regulations 1998 (SI 1998/1833); PR = Police Regulations 2003 (SI 2003/527)
and the Home Secretary's determinations; TA = Terrorism Act 2000; RIPA = Regulation of
Investigatory Powers Act 2000; PFEW = Police Federation guidance citing the Home Office.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    text: str
    source: str
    hard: bool = True
    param: str | None = None  # the scenario setting that carries it


CATALOGUE: tuple[Rule, ...] = (
    # ---- duties and eligibility
    Rule("duty.one_per_day", "At most one shift starts per person per day.",
         "unit policy (one duty per person per day, as the duty sheet shows it)"),
    Rule("duty.template", "A shift matches a shift template valid on that day at that site, "
         "with the template's start and end.",
         "unit policy (the unit's shift templates, scenario.toml [[shift_templates]])"),
    Rule("duty.max_shift_hours", "No shift is longer than the maximum paid hours.",
         "PFEW shift-pattern guidance (12 h not recommended)", param="rules.max_shift_hours"),
    Rule("eligibility.not_rostered", "People with 0 contracted hours get no shifts.",
         "unit policy (people on 0 contracted hours are not rostered)"),
    Rule("eligibility.absence", "No duty starts on a day of leave, sickness, training, court "
         "or other absence.",
         "unit policy (leave, sickness, training and court days are kept free)"),
    Rule("eligibility.restricted", "People on restricted duties work only at non-operational "
         "sites.", "force policy (restricted duties: no operational posting)"),
    Rule("eligibility.officer_safety", "Operational posts need a valid officer_safety "
         "accreditation on the day the shift starts.",
         "force policy (annual officer safety refresher before operational duty)"),
    Rule("eligibility.site", "With home_site_only, people work only at their base site or "
         "their sites_allowed.",
         "unit policy (postings; rules.home_site_only)", param="rules.home_site_only"),
    # ---- working time
    Rule("rest.min_hours", "At least the minimum rest between the end of one shift and the "
         "start of the next.", "WTR 1998 reg 10 (11 h daily rest); PR 2003 Annex E",
         param="rules.min_rest_hours"),
    Rule("days.max_consecutive", "No more consecutive days with a shift start than the "
         "maximum.", "PR 2003 Annex E (rest days at most 7 days apart); PFEW (at most 6 shifts "
         "before rest days)", param="rules.max_consecutive_duty_days"),
    Rule("days.off_per_week", "At least the minimum days off in every Monday-Sunday week "
         "(pro rata, rounded down, for weeks cut by the horizon).",
         "PR 2003 reg 26 and Annex H (two rest days a week); WTR 1998 reg 11",
         param="rules.min_days_off_per_week"),
    Rule("nights.max_consecutive", "No more consecutive nights than the maximum.",
         "PFEW shift-pattern guidance (at most 4 nights in a row)",
         param="rules.max_consecutive_nights"),
    Rule("nights.rest_after", "After the last night of a run, no shift starts until the "
         "rest after nights has passed.", "PFEW shift-pattern guidance (longest possible "
         "recovery after nights)", param="rules.rest_after_nights_hours"),
    Rule("hours.avg_weekly", "Paid hours over the month average at most the weekly maximum, "
         "where the history is too short to judge 17-week periods (hours.avg_17w); not for "
         "those who opted out.",
         "WTR 1998 reg 4 (48 h average week)", param="rules.max_avg_weekly_hours"),
    Rule("hours.avg_17w", "Paid hours in any 17 weeks average at most the weekly maximum, "
         "the history's weeks included (judged where the history reaches back 17 weeks; "
         "not for those who opted out).",
         "WTR 1998 reg 4(1)-(3) (48 h average over a 17-week reference period); reg 5 "
         "(the individual opt-out)", param="rules.max_avg_weekly_hours"),
    Rule("hours.over_contract", "Rostered hours exceed the contracted target by at most the "
         "cap.", "PR 2003 Annex G (overtime); unit policy (the cap)",
         param="rules.max_over_contract_hours"),
    Rule("weekends.max_worked", "With max_weekends_worked set, nobody works more weekends "
         "than that in any weekends_window_weeks consecutive weekends (a weekend is worked "
         "when a shift starts on its Saturday or Sunday; the history's weekends count).",
         "force rostering policy (an optional cap, off unless set)",
         param="rules.max_weekends_worked"),
    # ---- cover (soft: shortfall is uncovered time, never infeasible)
    Rule("cover.officers", "Enough officers fit for operational duty on duty at the site.",
         "unit policy (each port's demand, scenario.toml [[demand]])", hard=False),
    Rule("cover.supervisors", "Enough supervisors (supervisor ranks or a valid "
         "acting_sergeant) on duty at the site.",
         "TA 2000 Sch 8 para 20K (reviews by an officer of higher rank); unit policy (demand)",
         hard=False),
    Rule("cover.skill", "Enough people holding the accreditation valid on the day.",
         "Schedule 7 Code of Practice for Examining Officers para 4 (only accredited "
         "examining officers)", hard=False),
    Rule("supervision.whenever_staffed", "Whenever anyone is on duty at an operational site, "
         "a supervisor is on duty too (at the site, or in the region).",
         "TA 2000 Sch 8 para 20K (reviews by an officer of higher rank)",
         hard=False, param="rules.supervisor_whenever_staffed"),
    # ---- on call
    Rule("oncall.eligibility", "On-call holders belong to the rota's units and ranks and "
         "hold its accreditations on every day of the block.", "RIPA 2000 s29(5); "
         "APP undercover policing (work only while accredited)"),
    Rule("oncall.absence", "No on-call day overlaps an absence of its holder.",
         "unit policy (nobody on call while on leave or absent)"),
    Rule("oncall.block", "On-call days come in whole blocks starting on block_start, held by "
         "the same people for the whole block.",
         "unit policy (weekly on-call blocks, [[on_call]] block_days)"),
    Rule("oncall.per_day", "No more holders per on-call day than per_day.",
         "unit policy ([[on_call]] per_day)"),
    Rule("oncall.max_blocks", "Nobody holds more blocks than the maximum in the horizon.",
         "unit policy ([[on_call]] max_blocks_per_person)"),
    Rule("oncall.back_to_back", "Nobody holds two consecutive blocks.",
         "unit policy ([[on_call]] no_back_to_back)"),
    Rule("oncall.no_nights", "Nobody works a night shift while on call.",
         "unit policy ([[on_call]] no_night_shifts)"),
    Rule("oncall.one_rota", "Nobody is on two on-call rotas at once.",
         "unit policy (one on-call rota at a time)"),
    Rule("oncall.continue", "A block running at the start of the horizon is continued by "
         "the same holders while they remain eligible.",
         "unit policy (a block in progress is held whole, across months)"),
    Rule("oncall.cover", "Every on-call day has per_day holders.", "RIPA 2000 s29(5) (a "
         "cover officer and a supervisor at all times)", hard=False),
    # ---- soft costs
    Rule("contract.deviation", "Rostered hours close to the contracted target.",
         "PR 2003 Annex E (normal 40 h week)", hard=False),
    Rule("site.off_base", "Shifts at the base site preferred.",
         "unit policy (a preference, weighed by [weights] off_base_shift)",
         hard=False),
    Rule("request.denied", "Staff requests granted where possible.",
         "unit policy (requests granted where cover allows, weighed by [weights])",
         hard=False),
    Rule("repair.kept", "In a repair, every duty that starts before the repair's instant "
         "stays as published (it has happened).",
         "unit policy (a published roster is changed only from the time the change is made)"),
    Rule("repair.pinned", "In a repair, every pinned duty is worked as pinned.",
         "unit policy (duties the office pins: court, courses, agreed swaps)"),
    Rule("repair.change", "A repair changes as few published duties as it can, far ahead "
         "rather than near, and rest days and public holidays cost what the regulations "
         "pay for them.",
         "PR reg 26 and Annex H (rest days and public holidays worked at short notice); "
         "unit policy (weighed by [weights] change_duty and premium_hour)", hard=False),
    Rule("fairness.spread", "Nights, weekends, bank holidays and on-call days shared evenly.",
         "unit policy (fair shares, weighed by [weights] fairness_*)", hard=False),
)  # fmt: skip

RULES: dict[str, Rule] = {r.id: r for r in CATALOGUE}


def rule(rule_id: str) -> Rule:
    """The catalogue entry of an id (KeyError for an id that is not in the catalogue)."""
    return RULES[rule_id]
