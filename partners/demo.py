"""The fictional demo region West-Brabant West: municipalities, partners, three teams, demo users.

Every name of a person here is invented. Idempotent: a second run finds everything and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from partners.models import Membership, Municipality, Organisation, OrganisationKind, Role, SafetyTeam, User

MUNICIPALITIES = {
    "Bergen op Zoom": "GM0748",
    "Etten-Leur": "GM0777",
    "Halderberge": "GM1655",
    "Moerdijk": "GM1709",
    "Roosendaal": "GM1674",
    "Rucphen": "GM0840",
    "Steenbergen": "GM0851",
    "Woensdrecht": "GM0873",
    "Zundert": "GM0879",
}

REGIONAL_ORGANISATIONS = {
    "Veilig Thuis West-Brabant": OrganisationKind.VEILIG_THUIS,
    "Raad voor de Kinderbescherming regio Zuidwest": OrganisationKind.RVDK,
    "Jeugdbescherming Brabant": OrganisationKind.GI,
    "William Schrikker Jeugdbescherming": OrganisationKind.GI,
    "MEE West-Brabant": OrganisationKind.OTHER,
    "Programmabureau Toekomstscenario (evaluatie)": OrganisationKind.OTHER,
}


@dataclass(frozen=True)
class DemoTeam:
    slug: str
    name: str
    cvc: str
    municipalities: tuple[str, ...]


TEAMS = (
    DemoTeam(
        "boz",
        "Veiligheidsteam Bergen op Zoom e.o.",
        "CVC Bergen op Zoom",
        ("Bergen op Zoom", "Steenbergen", "Woensdrecht"),
    ),
    DemoTeam("rsd", "Veiligheidsteam Roosendaal e.o.", "CVC Roosendaal", ("Roosendaal", "Halderberge", "Rucphen")),
    DemoTeam("etl", "Veiligheidsteam Etten-Leur e.o.", "CVC Etten-Leur", ("Etten-Leur", "Moerdijk", "Zundert")),
)

# (username suffix, role, organisation key, invented full name)
DEMO_PEOPLE = (
    ("cvc", Role.PROFESSIONAL, "cvc", "Noor Demo-Jansen"),
    ("vt", Role.PROFESSIONAL, "Veilig Thuis West-Brabant", "Daan Demo-Bakker"),
    ("rvdk", Role.PROFESSIONAL, "Raad voor de Kinderbescherming regio Zuidwest", "Fleur Demo-Visser"),
    ("gi", Role.PROFESSIONAL, "Jeugdbescherming Brabant", "Sem Demo-Smit"),
    ("coordinator", Role.COORDINATOR, "cvc", "Lotte Demo-Meijer"),
    ("evaluator", Role.EVALUATOR, "Programmabureau Toekomstscenario (evaluatie)", "Bram Demo-Mulder"),
    ("beheer", Role.FUNCTIONAL_ADMIN, "cvc", "Eva Demo-de Boer"),
    ("privacy", Role.PRIVACY_OFFICER, "cvc", "Thijs Demo-Dekker"),
)


def demo_usernames() -> list[str]:
    return [f"{team.slug}-{suffix}" for team in TEAMS for suffix, *_ in DEMO_PEOPLE]


def demo_logins() -> list[tuple[str, str]]:
    """(username, "role · team") of every demo user, for the start banner."""
    return [
        (f"{team.slug}-{suffix}", f"{role.label} · {team.name}") for team in TEAMS for suffix, role, *_ in DEMO_PEOPLE
    ]


@transaction.atomic
def seed_region(*, password: str) -> dict[str, int]:
    """Create (or find) the demo region; returns counts of what exists afterwards."""
    municipalities = {
        name: Municipality.objects.get_or_create(name=name, defaults={"code": code})[0]
        for name, code in MUNICIPALITIES.items()
    }
    regional = {
        name: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in REGIONAL_ORGANISATIONS.items()
    }
    for demo in TEAMS:
        cvc, _ = Organisation.objects.get_or_create(name=demo.cvc, defaults={"kind": OrganisationKind.CVC})
        team, created = SafetyTeam.objects.get_or_create(name=demo.name)
        if created:
            team.municipalities.set([municipalities[m] for m in demo.municipalities])
            team.organisations.set([cvc, *regional.values()])
        for suffix, role, org_key, full_name in DEMO_PEOPLE:
            organisation = cvc if org_key == "cvc" else regional[org_key]
            user, user_created = User.objects.get_or_create(
                username=f"{demo.slug}-{suffix}",
                defaults={"full_name": full_name, "email": f"{demo.slug}-{suffix}@demo.invalid"},
            )
            if user_created:
                user.set_password(password)
                user.save()
            # The functional administrator's way into /beheer/ is this membership (partners.admin_site):
            # no staff flag, group or permission. Demo memberships are made active, as if confirmed.
            Membership.objects.get_or_create(user=user, organisation=organisation, team=team, role=role)
    return {
        "municipalities": Municipality.objects.count(),
        "organisations": Organisation.objects.count(),
        "teams": SafetyTeam.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
    }
