"""A small but real OpenID Connect provider for the tests: Authlib's authorization server in Flask.

Started by the test run as a second process on loopback (tests/oidc_provider/fixture.py). It signs ID
tokens with its own RSA key (published as JWKS), serves discovery, the authorization-code grant with
PKCE and nonce, refresh tokens, userinfo and an end-session endpoint. Users log in with a password and,
when their entry says so, a one-time code: the ID token's `amr` then says "mfa".

A test changes the provider's world through /_test/ (guarded by a shared secret): disable a user.
Run: python -m tests.oidc_provider.app CONFIG.json (config: issuer, port, secret, clients, users).
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, abort, jsonify, redirect, request
from joserfc.jwk import RSAKey
from markupsafe import escape

CONFIG = json.loads(open(sys.argv[1]).read()) if __name__ == "__main__" else {}


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_path: str  # any loopback origin with this path: the live server's port changes per run

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in ("openid", "email", "profile", "offline_access"))

    def check_redirect_uri(self, redirect_uri):
        parts = urlsplit(redirect_uri)
        return parts.hostname in ("127.0.0.1", "localhost", "testserver") and parts.path == self.redirect_path

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "refresh_token")

    id_token_signed_response_alg = None


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user_sub: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    amr: list[str]
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return "urn:test:mfa" if "mfa" in self.amr else "urn:test:pwd"

    def get_amr(self):
        return self.amr


@dataclass
class Token:
    client_id: str
    user_sub: str
    scope: str
    access_token: str
    refresh_token: str | None
    expires_in: int
    issued_at: int = field(default_factory=lambda: int(time.time()))
    revoked: bool = False

    def check_client(self, client):
        return client.client_id == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self):
        return self.revoked


class World:
    def __init__(self, config: dict):
        self.issuer = config["issuer"]
        # Misbehaving provider for a test: signs its ID tokens with another `iss` than it announces.
        self.token_issuer = config.get("token_issuer", self.issuer)
        self.secret = config["secret"]
        self.clients = {c["client_id"]: Client(**c) for c in config["clients"]}
        self.users = {u["username"]: dict(u) for u in config["users"]}
        self.codes: dict[str, Code] = {}
        self.tokens: list[Token] = []
        self.nonces: set[str] = set()
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"})

    def user_by_sub(self, sub: str) -> dict | None:
        return next((u for u in self.users.values() if u["sub"] == sub), None)

    def active_user(self, sub: str) -> dict | None:
        user = self.user_by_sub(sub)
        return user if user is not None and user.get("active", True) else None


class ProviderUser:
    def __init__(self, entry: dict):
        self.entry = entry

    def get_user_id(self):
        return self.entry["sub"]


def create_app(config: dict) -> Flask:
    world = World(config)
    app = Flask(__name__)
    app.secret_key = world.secret
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True  # Authlib issues no refresh tokens otherwise

    def query_client(client_id):
        return world.clients.get(client_id)

    def save_token(token_data, req):
        world.tokens.append(
            Token(
                client_id=req.client.client_id,
                user_sub=req.user.get_user_id(),
                scope=token_data.get("scope", ""),
                access_token=token_data["access_token"],
                refresh_token=token_data.get("refresh_token"),
                expires_in=token_data.get("expires_in", 3600),
            )
        )

    class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, req):
            data = req.payload.data
            world.codes[code] = Code(
                code=code,
                client_id=req.client.client_id,
                redirect_uri=req.payload.redirect_uri,
                scope=req.payload.scope,
                user_sub=req.user.get_user_id(),
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                amr=req.user.amr,
            )

        def query_authorization_code(self, code, client):
            item = world.codes.get(code)
            return item if item is not None and item.client_id == client.client_id else None

        def delete_authorization_code(self, authorization_code):
            world.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            entry = world.active_user(authorization_code.user_sub)
            return ProviderUser(entry) if entry else None

    class RefreshTokenGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
        INCLUDE_NEW_REFRESH_TOKEN = True

        def authenticate_refresh_token(self, refresh_token):
            return next((t for t in world.tokens if t.refresh_token == refresh_token and not t.revoked), None)

        def authenticate_user(self, credential):
            # A disabled account gets no new tokens: the client learns it at its next refresh.
            entry = world.active_user(credential.user_sub)
            return ProviderUser(entry) if entry else None

        def revoke_old_credential(self, credential):
            credential.revoked = True

    class Code_(OpenIDCode):
        def exists_nonce(self, nonce, req):
            return nonce in world.nonces

        def get_jwt_config(self, grant):
            return {"key": world.key.as_dict(private=True), "alg": "RS256", "iss": world.token_issuer, "exp": 600}

        def generate_user_info(self, user, scope):
            entry = user.entry
            return UserInfo(sub=entry["sub"], email=entry.get("email"), name=entry.get("name"))

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_grant(AuthorizationCodeGrant, [Code_(require_nonce=True), CodeChallenge(required=True)])
    server.register_grant(RefreshTokenGrant)

    class Validator(BearerTokenValidator):
        def authenticate_token(self, token_string):
            return next((t for t in world.tokens if t.access_token == token_string), None)

    protect = ResourceProtector()
    protect.register_token_validator(Validator())

    @app.get("/.well-known/openid-configuration")
    def discovery():
        base = world.issuer
        return jsonify(
            issuer=world.issuer,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            userinfo_endpoint=f"{base}/userinfo",
            jwks_uri=f"{base}/jwks",
            end_session_endpoint=f"{base}/logout",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
            scopes_supported=["openid", "email", "profile", "offline_access"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            claims_supported=["sub", "iss", "email", "name", "amr", "acr", "auth_time", "nonce"],
        )

    @app.get("/jwks")
    def jwks():
        return jsonify(keys=[world.key.as_dict(private=False)])

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        if request.method == "GET":
            try:
                server.get_consent_grant(end_user=None)
            except Exception as exc:  # noqa: BLE001 - shown to the tester
                return f"invalid request: {escape(exc)}", 400
            return LOGIN_FORM.format(error="")
        entry = world.users.get(request.form.get("username", ""))
        if entry is None or not entry.get("active", True) or request.form.get("password") != entry["password"]:
            return LOGIN_FORM.format(error="<p role='alert'>Onjuiste gegevens.</p>"), 200
        amr = ["pwd"]
        if entry.get("otp"):
            if request.form.get("otp") != entry["otp"]:
                return LOGIN_FORM.format(error="<p role='alert'>Onjuiste code.</p>"), 200
            amr = ["pwd", "otp", "mfa"]
        user = ProviderUser(entry)
        user.amr = amr
        response = server.create_authorization_response(grant_user=user)
        if request.args.get("nonce"):
            world.nonces.add(request.args["nonce"])  # a nonce used once is refused after (replay)
        return response

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        with protect.acquire_token() as token:
            entry = world.active_user(token.user_sub)
            if entry is None:
                return jsonify(error="invalid_token"), 401
            return jsonify(sub=entry["sub"], email=entry.get("email"), name=entry.get("name"))

    @app.get("/logout")
    def logout():
        target = request.args.get("post_logout_redirect_uri")
        world.nonces.clear()
        if target and urlsplit(target).hostname in ("127.0.0.1", "localhost", "testserver"):
            return redirect(target)
        return "Uitgelogd bij de organisatie."

    @app.post("/_test/users/<username>")
    def change_user(username):
        if not secrets.compare_digest(request.headers.get("X-Test-Secret", ""), world.secret):
            abort(403)
        world.users[username].update(request.get_json())
        return jsonify(world.users[username])

    @app.get("/_test/health")
    def health():
        return "ok"

    return app


LOGIN_FORM = """<!doctype html><html lang="nl"><head><title>Testorganisatie - inloggen</title></head><body>
<h1>Inloggen bij de testorganisatie</h1>{error}
<form method="post">
<label for="username">Gebruikersnaam</label> <input id="username" name="username" autocomplete="username">
<label for="password">Wachtwoord</label> <input id="password" name="password" type="password">
<label for="otp">Code (indien gevraagd)</label> <input id="otp" name="otp" inputmode="numeric">
<button type="submit">Aanmelden</button>
</form></body></html>"""


if __name__ == "__main__":
    port = urlsplit(CONFIG["issuer"]).port
    create_app(CONFIG).run(host="127.0.0.1", port=port, threaded=True)
