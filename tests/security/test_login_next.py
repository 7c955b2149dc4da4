"""The login keeps a deep link through both steps (same-site paths only) and speaks Dutch in its
second step."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.forms import CODE_SHAPE, CODE_WRONG
from tests.factories import MembershipFactory
from tests.twofactor import totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "veilig-demo-2026"


@pytest.fixture
def device():
    return TOTPDevice.objects.create(user=MembershipFactory().user, name="default", confirmed=True)


def hidden_next(body: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)">', body).group(1)


def password_step(client, user, url):
    body = client.get(url).content.decode()
    return client.post(
        url,
        {
            "login_view-current_step": "auth",
            "auth-username": user.username,
            "auth-password": PASSWORD,
            "next": hidden_next(body).replace("&amp;", "&"),
        },
    )


def code_step(client, url, code, next_value):
    return client.post(url, {"login_view-current_step": "token", "token-otp_token": code, "next": next_value})


def test_a_deep_link_survives_both_login_steps(client, device):
    target = "/termijnen/mijn/?page=2"
    sent_to = client.get(target)["Location"]
    assert sent_to.startswith(reverse("login")) and "next=" in sent_to

    second = password_step(client, device.user, sent_to)
    assert second.status_code == 200
    carried = hidden_next(second.content.decode()).replace("&amp;", "&")
    assert carried == target  # the token step carries it on

    done = code_step(client, sent_to, totp_code(device), carried)
    assert done.status_code == 302
    assert done["Location"] == target


@pytest.mark.parametrize(
    "target", ["https://kwaadwillend.example/", "//kwaadwillend.example/zaken/", "/\\kwaadwillend.example", "zaken/1/"]
)
def test_a_next_outside_the_site_leads_to_the_start_page(client, device, target):
    url = f"{reverse('login')}?next={target}"
    second = password_step(client, device.user, url)
    assert hidden_next(second.content.decode()) == ""
    done = code_step(client, url, totp_code(device), target)
    assert done.status_code == 302
    assert done["Location"] == reverse("home")


def test_the_second_step_asks_for_the_verificatiecode_in_dutch(client, device):
    body = password_step(client, device.user, reverse("login")).content.decode()
    assert re.search(r'<label for="id_token-otp_token"[^>]*>Verificatiecode', body)
    assert ">Token<" not in body


@pytest.mark.parametrize(("code", "message"), [("12", CODE_SHAPE), ("000000", CODE_WRONG)])
def test_a_wrong_verificatiecode_is_answered_in_dutch(client, device, code, message):
    password_step(client, device.user, reverse("login"))
    if code == "000000" and totp_code(device) == "000000":
        code = "999999"
    body = code_step(client, reverse("login"), code, "").content.decode()
    assert str(message) in body
    assert "Invalid token" not in body and "Ensure this value" not in body
    assert "_auth_user_id" not in client.session
