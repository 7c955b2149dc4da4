"""Headers on every HTML page, a strict CSP, production settings, and templates without inline script."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_hardened(response, url):
    assert response["Content-Type"].startswith("text/html"), url
    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"], url
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], url
    assert "'unsafe-inline'" not in csp.get("style-src", []), url
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url
    assert "camera=()" in response["Permissions-Policy"], url


def test_every_html_page_carries_the_csp_and_security_headers(client, login_verified):
    anonymous = [reverse("login"), "/bestaat-niet/"]
    for url in anonymous:
        assert_hardened(client.get(url), url)
    user = MembershipFactory().user
    user.is_staff = user.is_superuser = True
    user.save()
    login_verified(client, user)
    for url in [reverse("home"), reverse("security:account"), reverse("admin:index"), reverse("api-docs"), "/nee/"]:
        response = client.get(url)
        assert_hardened(response, url)
        assert "no-store" in response["Cache-Control"], url


def test_production_settings_set_hsts_secure_cookies_and_ssl_redirect():
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.DEBUG]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safetyteams.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-for-this-probe-only-0123456789",
        "PSEUDONYM_SECRET": "a-production-like-pseudonym-key-for-this-probe",
        "ACCESS_LOG_KEY": "a-production-like-access-log-key-for-this-probe",
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    hsts, subdomains, session_secure, csrf_secure, ssl_redirect, httponly, debug = json.loads(out.stdout.strip())
    assert hsts >= 31536000 and subdomains and session_secure and csrf_secure and ssl_redirect and httponly
    assert debug is False


def project_templates() -> list[Path]:
    skip = {".venv", "node_modules", "staticfiles", "var", ".git"}
    return [p for p in ROOT.rglob("templates/**/*.html") if not skip & set(p.relative_to(ROOT).parts)]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json[\"'])[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_template_has_inline_script_event_handlers_or_javascript_urls():
    templates = project_templates()
    assert len(templates) >= 10, "the scan found the project's templates"
    offenders = []
    for path in templates:
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert offenders == []


def test_the_scan_would_catch_inline_script_and_handlers():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js"></script>')
    assert not INLINE_SCRIPT.search('<script id="data" type="application/json">{}</script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert not EVENT_HANDLER.search('<button type="button" data-action="go">')
    assert JS_URL.search('<a href="javascript:void(0)">')


def test_no_project_template_or_code_switches_escaping_off():
    skip = {".venv", "node_modules", "staticfiles", "var", ".git", "tests"}
    offenders = []
    for path in [*ROOT.rglob("*.html"), *ROOT.rglob("*.py")]:
        if skip & set(path.relative_to(ROOT).parts):
            continue
        text = path.read_text()
        for needle in ("|safe", "autoescape off", "mark_safe(", "SafeString("):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []


def test_free_text_is_shown_escaped(client, login_verified):
    membership = MembershipFactory()
    user = membership.user
    user.full_name = '<script>alert("x")</script> & <b onmouseover=x>'
    user.save()
    login_verified(client, user)

    body = client.get(reverse("home")).content.decode()

    assert "<script>alert" not in body and "<b onmouseover" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onmouseover=x&gt;" in body
