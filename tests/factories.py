"""factory_boy factories for the tests. Every name is invented."""

import factory
from django.conf import settings

from partners.models import Membership, Municipality, Organisation, OrganisationKind, Role, SafetyTeam, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    full_name = factory.Sequence(lambda n: f"Test Persoon {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@test.invalid")
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    code = factory.Sequence(lambda n: f"GM{n:04d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.CVC


class SafetyTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyTeam
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Veiligheidsteam {n}")

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create:
            self.municipalities.set(extracted or [MunicipalityFactory()])

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    team = factory.SubFactory(SafetyTeamFactory)
    role = Role.PROFESSIONAL

    @factory.post_generation
    def _team_member(obj, create, extracted, **kwargs):
        if create and obj.team is not None:
            obj.team.organisations.add(obj.organisation)


def fictional_bsn(n: int) -> str:
    """The n-th (from 0) of a series of invented BSNs that pass the 11-proof, all starting with 99."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    found = -1
    for i in range(1_000_000):
        digits = [int(d) for d in f"99{i:06d}"]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:  # a check digit of 10 makes no BSN
            found += 1
            if found == n:
                return "".join(map(str, digits)) + str(check)
    raise ValueError(n)
