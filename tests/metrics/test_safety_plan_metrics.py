"""Metrics of the veiligheidsplan: the share of episodes with an agreed plan and the days from the
aanmelding to the first agreed plan, per period, team and municipality, with small cells hidden."""

from __future__ import annotations

from cases.services import case_open
from metrics.definitions import Filters, period_end, period_start
from metrics.report import metric_tables, published_tables
from tests.exchange.world import base_moment, build_live_case, make_world


def _filters(world, t, **kwargs):
    return Filters(period_start(t.date(), "month"), period_end(t.date(), "month"), team_id=world.team.pk, **kwargs)


def test_the_share_with_an_agreed_plan_and_the_days_to_it_are_counted_per_episode(db):
    world = make_world()
    t = base_moment(150)
    build_live_case(world, base=t)  # agreed by the mother (t + 7d 3h) and the CVC (t + 7d 4h)
    case_open(
        actor=world.cvc_user,
        team=world.team,
        municipality=world.municipality,
        family_name="Gezin Zonderplan",
        intake="melding_vt",
        reported_on=t.date(),
        opened_at=t,
    )
    tables = {table.key: table for table in metric_tables(_filters(world, t))}
    assert tables["safety_plans"].cells == [[1, 1]]
    assert tables["safety_plan_lead"].cells == [[50.0, 7.2, 7.2]]  # 7 days and 4 hours
    by_team = {table.key: table for table in metric_tables(_filters(world, t, by=("team",)))}
    assert by_team["safety_plans"].rows[0][-1] == world.team.name


def test_an_agreement_after_the_reference_moment_does_not_count_yet(db):
    world = make_world()
    t = base_moment(150)
    build_live_case(world, base=t)
    before = _filters(world, t, as_of=t)
    tables = {table.key: table for table in metric_tables(before)}
    assert tables["safety_plans"].cells == [[0, 1]]


def test_small_numbers_are_hidden_when_published(db):
    world = make_world()
    t = base_moment(150)
    build_live_case(world, base=t)
    published = {table.key: table for table in published_tables(_filters(world, t))}
    assert published["safety_plans"].cells == [[None, 0]]
    assert published["safety_plan_lead"].cells == [[None, None, None]]
