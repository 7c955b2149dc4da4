"""A small fictional region for the browser flows: one team, its partners and a person in every role."""

from __future__ import annotations

from types import SimpleNamespace

from django.apps import apps

from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, SafetyTeamFactory


def member(team, organisation, *, role="professional", username: str, full_name: str):
    return MembershipFactory(
        team=team, organisation=organisation, role=role, user__username=username, user__full_name=full_name
    ).user


def make_world() -> SimpleNamespace:
    """Team "Veiligheidsteam Zuidrand" with CVC, Veilig Thuis, a GI and the RvdK; one professional each,
    a coordinator, an evaluator; plus a professional of another team (who must see nothing)."""
    from cases.legal_bases.defaults import legal_bases_ensure
    from workflows.deadlines.rules import load_defaults

    # Live-server tests flush the database between tests: the data migration's rules are gone.
    load_defaults(apps.get_model("workflows", "DeadlineRule"), apps.get_model("workflows", "GelijkgesteldeDag"))
    legal_bases_ensure()  # the statutory list of the participant form, gone with the flush too
    municipality = MunicipalityFactory(name="Zandvoort aan de Mark", code="GM9001")
    team = SafetyTeamFactory(name="Veiligheidsteam Zuidrand", municipalities=[municipality])
    w = SimpleNamespace(team=team, municipality=municipality)
    w.cvc = OrganisationFactory(name="CVC Zuidrand", kind="cvc")
    w.vt = OrganisationFactory(name="Veilig Thuis Zuidrand", kind="veilig_thuis")
    w.gi = OrganisationFactory(name="Jeugdbescherming Zuidrand", kind="gi")
    w.rvdk = OrganisationFactory(name="Raad voor de Kinderbescherming Zuidrand", kind="rvdk")
    team.organisations.add(w.cvc, w.vt, w.gi, w.rvdk)
    w.professional = member(team, w.cvc, username="anne-cvc", full_name="Anne de Wit")
    w.vt_professional = member(team, w.vt, username="bram-vt", full_name="Bram Visser")
    w.gi_professional = member(team, w.gi, username="carla-gi", full_name="Carla Smit")
    w.rvdk_professional = member(team, w.rvdk, username="daan-rvdk", full_name="Daan Bakker")
    w.coordinator = member(team, w.cvc, role="coordinator", username="eva-coordinator", full_name="Eva Mulder")
    w.evaluator = member(team, w.cvc, role="evaluator", username="frank-evaluator", full_name="Frank de Boer")
    other_team = SafetyTeamFactory(name="Veiligheidsteam Elders")
    w.stranger = member(
        other_team, OrganisationFactory(name="CVC Elders", kind="cvc"), username="gijs-elders", full_name="Gijs Elders"
    )
    return w
