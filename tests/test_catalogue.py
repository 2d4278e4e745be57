"""The rule catalogue, the solver and the checker agree: the same ids, family by family,
and every rule has a roster that breaks it and a checker that names it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import ELN, make_scenario
from rota.check import check
from rota.check.families import FAMILIES as CHECK_FAMILIES
from rota.domain.models import Duty
from rota.horizon import Horizon, build_horizon
from rota.io.load import load_scenario
from rota.rules import CATALOGUE
from rota.solve.model import FAMILIES as SOLVE_FAMILIES

TZ = ZoneInfo("Europe/London")

SITES = """
[[sites]]
id = "A"
operational = true
supervision = "on_site"
[[sites]]
id = "B"
operational = true
supervision = "on_site"
[[sites]]
id = "UCO"
operational = false
"""
DEMAND = """
[[demand]]
site = "A"
from = "06:00"
to = "22:00"
officers = 1
supervisors = 1
skills = { schedule7 = 1 }
"""


def _rota(rid: str) -> str:
    return (f'[[on_call]]\nid = "{rid}"\nunits = ["UC"]\nranks = ["DS", "DI"]\n'
            'accreditations = ["uc_supervisor"]\nhandover = "08:00"\nblock_days = 7\n'
            'block_start = "mon"\nper_day = 1\nmax_blocks_per_person = 1\n'
            "no_back_to_back = true\nno_night_shifts = true\n")  # fmt: skip


def _person(pid: str, rank: str, unit: str, base: str, hours: int, allowed: str = "") -> list:
    return [pid, f"Name {pid}", rank, unit, base, hours, "2015-01-01", allowed]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Horizon:
    """January 2027 (Friday 1 Jan, a bank holiday): a port A with demand, a port B, the
    undercover office UCO with two on-call rotas, and one person per way to break a rule.
    The history has S1 on call 28-31 Dec: the weekly block from Monday 28 Dec is in
    progress when the month starts."""
    staff = [
        _person("P1", "PS", "BORDER", "A", 40),
        _person("P2", "PC", "BORDER", "A", 40),
        _person("P3", "PC", "BORDER", "A", 0),
        _person("P4", "PC", "BORDER", "A", 40),  # on leave 4 Jan
        _person("P5", "PC", "BORDER", "A", 40),  # restricted 5 Jan
        _person("P6", "PC", "BORDER", "A", 40),  # officer safety lapsed
        _person("P7", "PC", "BORDER", "B", 40),  # B only
        _person("P8", "PC", "BORDER", "B", 40, "A"),  # B, and A allowed
        _person("P9", "PC", "BORDER", "A", 70),
        _person("S1", "DS", "UC", "UCO", 40),
        _person("S2", "DS", "UC", "UCO", 40),
        _person("S3", "DC", "UC", "UCO", 40),
        _person("S4", "DS", "UC", "UCO", 40),  # on leave 13 Jan
    ]
    os_valid = [[p[0], "officer_safety", "2020-01-01", ""] for p in staff if p[0] != "P6"]
    accs = [*os_valid, ["P6", "officer_safety", "2020-01-01", "2026-12-31"],
            ["P2", "schedule7", "2020-01-01", ""]]  # fmt: skip
    accs += [[p, "uc_supervisor", "2020-01-01", ""] for p in ("S1", "S2", "S3", "S4")]
    start = datetime(2026, 12, 28, 8, tzinfo=TZ)
    history = [
        ["S1", (start + timedelta(days=k)).date().isoformat(), "SUP", "UC",
         (start + timedelta(days=k)).isoformat(), (start + timedelta(days=k + 1)).isoformat(),
         "0.00", "on_call"]
        for k in range(4)
    ]  # fmt: skip
    folder = make_scenario(
        tmp_path_factory.mktemp("catalogue") / "world",
        sites=SITES, templates=ELN, demand=DEMAND, extra=_rota("SUP") + _rota("COV"),
        rules="home_site_only = true\nmax_weekends_worked = 2", staff=staff, accreditations=accs,
        absences=[["P4", "2027-01-04", "2027-01-04", "annual_leave", ""],
                  ["P5", "2027-01-05", "2027-01-05", "restricted", ""],
                  ["S4", "2027-01-13", "2027-01-13", "annual_leave", ""]],
        requests=[["P2", "2027-01-06", "day_off", 3]], history=history, officer_safety=False,
    )  # fmt: skip
    return build_horizon(load_scenario(folder, folder / "history.csv"), "2027-01")


def shift(h: Horizon, pid: str, day: int, code: str, site: str = "A") -> Duty:
    """A shift row as `generate` writes it: the template's instance on day `day` (1 = 1 Jan)."""
    inst = h.instance_of(day - 1, code)
    assert inst is not None
    return Duty(staff_id=pid, date=h.date_of(day - 1), duty=code, site=site,
                start=h.to_datetime(inst.start), end=h.to_datetime(inst.end),
                hours=round(inst.paid_minutes / 60, 2), kind="shift")  # fmt: skip


def on_call(pid: str, day: int, rota: str = "SUP") -> Duty:
    s = datetime(2027, 1, day, 8, tzinfo=TZ)
    return Duty(staff_id=pid, date=s.date(), duty=rota, site="UC", start=s,
                end=s + timedelta(days=1), hours=0, kind="on_call")  # fmt: skip


def block(pid: str, first: int, rota: str = "SUP") -> list[Duty]:
    """A whole weekly block from Monday `first` (4, 11, 18 or 25 Jan)."""
    return [on_call(pid, d, rota) for d in range(first, min(first + 7, 32))]


def _base(h: Horizon) -> list[Duty]:
    """Holders for the on-call days that the breaking rosters do not touch."""
    return [on_call("S1", d) for d in (1, 2, 3)] + block("S2", 4, "COV")


def _long(d: Duty) -> Duty:
    """A shift written 13 hours long (templates longer than the maximum are refused)."""
    return d.model_copy(update={"end": d.start + timedelta(hours=13), "hours": 13})


def _repairing(h: Horizon) -> Horizon:
    """The world's month as a repair from 06:00 on 10 Jan: P1's early of the 4th and P2's
    of the 12th published, P1 pinned to an early on the 20th."""
    from dataclasses import replace

    from rota.domain.models import Pin
    from rota.domain.scenario import Published

    since = datetime(2027, 1, 10, 6, tzinfo=TZ)
    pub = Published((shift(h, "P1", 4, "E"), shift(h, "P2", 12, "E")), since, since.date(),
                    (Pin(staff_id="P1", date=since.date().replace(day=20), duty="E", site="A",
                         line=2),))  # fmt: skip
    return build_horizon(replace(h.scenario, published=pub), h.label)


def _worked_autumn(h: Horizon) -> tuple[Horizon, list[Duty]]:
    """The world with P1 on an early every day from 5 Sep to 31 Dec (944 h in the 17
    weeks before January, over the 816 h of a 48-hour average): any January shift of
    P1's breaks hours.avg_17w."""
    from dataclasses import replace

    start = datetime(2026, 9, 5, 6, tzinfo=TZ)
    rows = tuple(
        Duty(staff_id="P1", date=(start + timedelta(days=k)).date(), duty="E", site="A",
             start=start + timedelta(days=k), end=start + timedelta(days=k, hours=8),
             hours=8, kind="shift")
        for k in range(118)
    )  # fmt: skip
    r = build_horizon(replace(h.scenario, history=h.scenario.history + rows), h.label)
    return r, [shift(r, "P1", 4, "E")]


def _repair(*days: tuple[str, int, str]) -> Callable[[Horizon], tuple[Horizon, list[Duty]]]:
    def make(h: Horizon) -> tuple[Horizon, list[Duty]]:
        r = _repairing(h)
        return r, [shift(r, pid, day, code) for pid, day, code in days]

    return make


# rule id -> a roster (on top of nothing else) that breaks it, or a month (a repair's)
# and a roster of it
BREAKERS = {
    "duty.one_per_day": lambda h: [shift(h, "P1", 4, "E"), shift(h, "P1", 4, "L")],
    "duty.template": lambda h: [shift(h, "P1", 4, "E").model_copy(update={"hours": 9})],
    "duty.max_shift_hours": lambda h: [_long(shift(h, "P1", 4, "E"))],
    "eligibility.not_rostered": lambda h: [shift(h, "P3", 4, "E")],
    "eligibility.absence": lambda h: [shift(h, "P4", 4, "E")],
    "eligibility.restricted": lambda h: [shift(h, "P5", 5, "E")],
    "eligibility.officer_safety": lambda h: [shift(h, "P6", 4, "E")],
    "eligibility.site": lambda h: [shift(h, "P7", 4, "E")],
    "rest.min_hours": lambda h: [shift(h, "P1", 4, "L"), shift(h, "P1", 5, "E")],
    "days.max_consecutive": lambda h: [shift(h, "P1", d, "E") for d in range(4, 11)],
    "days.off_per_week": lambda h: [shift(h, "P1", d, "E") for d in range(11, 17)],
    "nights.max_consecutive": lambda h: [shift(h, "P1", d, "N") for d in range(4, 9)],
    "nights.rest_after": lambda h: [shift(h, "P1", 4, "N"), shift(h, "P1", 6, "L")],
    "hours.avg_weekly": lambda h: [shift(h, "P9", d, "E") for d in range(1, 29)],
    "hours.avg_17w": _worked_autumn,
    "hours.over_contract": lambda h: [shift(h, "P1", d, "E") for d in range(1, 26)],
    "weekends.max_worked": lambda h: [shift(h, "P1", d, "E") for d in (2, 9, 16)],
    "cover.officers": lambda h: [],
    "cover.supervisors": lambda h: [shift(h, "P2", 4, "E")],
    "cover.skill": lambda h: [shift(h, "P1", 4, "E")],
    "supervision.whenever_staffed": lambda h: [shift(h, "P2", 4, "N")],
    "oncall.eligibility": lambda h: [*_base(h), *block("S3", 11)],
    "oncall.absence": lambda h: [*_base(h), *block("S4", 11)],
    "oncall.block": lambda h: [*_base(h), on_call("S4", 20)],
    "oncall.per_day": lambda h: [*_base(h), *block("S2", 11), *block("S4", 11)],
    "oncall.max_blocks": lambda h: [*_base(h), *block("S2", 11), *block("S2", 25)],
    "oncall.back_to_back": lambda h: [*_base(h), *block("S2", 11, "COV")],
    "oncall.no_nights": lambda h: [*_base(h), *block("S4", 18), shift(h, "S4", 19, "N", "UCO")],
    "oncall.one_rota": lambda h: [*_base(h), *block("S2", 11, "SUP"), *block("S2", 11, "COV")],
    "oncall.continue": lambda h: [on_call("S2", d) for d in (1, 2, 3)],
    "oncall.cover": lambda h: [],
    "contract.deviation": lambda h: [],
    "site.off_base": lambda h: [shift(h, "P8", 4, "E")],
    "request.denied": lambda h: [shift(h, "P2", 6, "E")],
    "fairness.spread": lambda h: [shift(h, "P2", 4, "N")],
    "repair.kept": _repair(("P2", 12, "E"), ("P1", 20, "E")),
    "repair.pinned": _repair(("P1", 4, "E"), ("P2", 12, "E")),
    "repair.change": _repair(("P1", 4, "E"), ("P2", 12, "L"), ("P1", 20, "E")),
}


def test_catalogue_solver_and_checker_name_the_same_rules():
    catalogue = [r.id for r in CATALOGUE]
    assert len(catalogue) == len(set(catalogue))
    solver = [rid for f in SOLVE_FAMILIES for rid in f.rules]
    checker = [rid for f in CHECK_FAMILIES for rid in f.rules]
    assert sorted(solver) == sorted(catalogue), "a rule with no solver family, or twice"
    assert sorted(checker) == sorted(catalogue), "a rule with no checker family, or twice"
    # family by family: the same name, the same rules, on both sides
    assert {f.name: f.rules for f in SOLVE_FAMILIES} == {f.name: f.rules for f in CHECK_FAMILIES}


def test_every_rule_has_a_breaking_case():
    assert set(BREAKERS) == {r.id for r in CATALOGUE}


@pytest.mark.parametrize("rule", [r.id for r in CATALOGUE])
def test_the_checker_names_each_broken_rule(world: Horizon, rule: str):
    made = BREAKERS[rule](world)
    h, duties = made if isinstance(made, tuple) else (world, made)
    rep = check(h, duties)
    assert rule in rep.named(), sorted(rep.named())


def test_a_roster_that_breaks_nothing_hard_is_named_only_for_soft_rules(world: Horizon):
    """The control: a modest legal roster is named for nothing hard."""
    duties = [*_base(world), *block("S2", 11), *block("S4", 18), *block("S1", 11, "COV")]
    duties += [shift(world, "P1", d, "E") for d in (4, 5, 6, 7, 8)]
    rep = check(world, duties)
    assert [v.line() for v in rep.hard] == []
    assert rep.named() <= {r.id for r in CATALOGUE if not r.hard}
