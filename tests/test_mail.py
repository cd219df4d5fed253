"""`digest --send` against a real SMTP server (aiosmtpd) on 127.0.0.1: each AM gets
their own book, each manager the team's, with STARTTLS and a login when set."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from analytics import mail
from analytics.__main__ import main
from tests.conftest import commit_tables
from tests.test_digest import ACTIVITIES, CLIENTS, PARTNERS, make_data


class Inbox:
    """An SMTP handler keeping every message it is given, and the logins."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 OK"

    def __call__(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory) -> ssl.SSLContext:
    """A server TLS context with a self-signed certificate made for the tests."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def inbox(tls_context):
    """An SMTP server on 127.0.0.1 that requires STARTTLS and a login."""
    handler = Inbox()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=tls_context,
        require_starttls=True,
        authenticator=handler,
        auth_required=True,
    )
    controller.start()
    yield handler, controller.port
    controller.stop()


def smtp_env(monkeypatch, port: int, **more: str) -> None:
    settings = {
        "AMD_SMTP_HOST": "127.0.0.1",
        "AMD_SMTP_PORT": str(port),
        "AMD_SMTP_SENDER": "digest@example.com",
        "AMD_SMTP_USER": "digest",
        "AMD_SMTP_PASSWORD": "s3cret",
        "AMD_SMTP_STARTTLS": "true",
        **more,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def test_each_am_their_book_each_manager_the_team(inbox, monkeypatch, tmp_path):
    handler, port = inbox
    smtp_env(monkeypatch, port)
    data = make_data(tmp_path / "data")
    assert main(["digest", "--data-dir", str(data), "--as-of", "2026-03-18",
                 "--send"]) == 0  # fmt: skip
    assert handler.logins == [("digest", "s3cret")]
    by_to = {m["To"]: m for m in handler.messages}
    # Ann, Bob and Cy own partners; Maria manages Ann (by name) and Bob (by her
    # user id U9); Zed manages Cy; Old is inactive: five mails.
    assert sorted(by_to) == [
        "ann@example.com",
        "bob@example.com",
        "cy@example.com",
        "maria@example.com",
        "zed@example.com",
    ]
    partners = ("Alpha", "Beta", "Gamma")
    expected = {
        "ann@example.com": {"Alpha"},
        "bob@example.com": {"Beta"},
        "cy@example.com": {"Gamma"},
        "maria@example.com": {"Alpha", "Beta"},
        "zed@example.com": {"Gamma"},
    }
    for to, message in by_to.items():
        page = html_of(message)
        shown = {name for name in partners if name in page}
        assert shown == expected[to], to
    assert by_to["maria@example.com"]["Subject"] == (
        "Account management digest: Maria's team, 18 Mar 2026"
    )
    assert by_to["ann@example.com"]["From"] == "digest@example.com"


def test_images_travel_as_inline_parts(inbox, monkeypatch, tmp_path):
    """Mail clients that block data URIs show `cid:` parts: three PNGs, each one
    the HTML refers to."""
    handler, port = inbox
    smtp_env(monkeypatch, port)
    data = make_data(tmp_path / "data")
    assert main(["digest", "--data-dir", str(data), "--as-of", "2026-03-18",
                 "--am", "Ann", "--send"]) == 0  # fmt: skip
    (message,) = handler.messages
    assert message["To"] == "ann@example.com"
    page = html_of(message)
    assert "<script" not in page and "data:image" not in page
    referred = set(re.findall(r'src="cid:([^"]+)"', page))
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in message.walk()
        if part.get_content_type() == "image/png"
    }
    assert len(referred) == 3 and set(images) == referred
    assert all(png.startswith(b"\x89PNG") for png in images.values())
    text = message.get_body(("plain",)).get_content()
    assert "- Alpha & Co (Ann): Overdue task" in text


def test_send_without_smtp_settings_is_a_usage_error(tmp_path, monkeypatch, capsys):
    for name in mail.SMTP_ENV.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(mail.CONFIG_ENV, raising=False)
    data = make_data(tmp_path / "data")
    assert main(["digest", "--data-dir", str(data), "--send"]) == 2
    assert "set AMD_SMTP_HOST and AMD_SMTP_SENDER" in capsys.readouterr().err


def test_settings_from_a_config_file_and_the_environment(tmp_path, monkeypatch):
    for name in mail.SMTP_ENV.values():
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "amd.toml"
    config.write_text(
        '[app]\nurl = "https://amd.example.com/"\n'
        '[smtp]\nhost = "mail.example.com"\nport = 587\nsender = "amd@example.com"\n'
        "starttls = true\n"
    )
    monkeypatch.setenv("AMD_SMTP_PORT", "2525")  # the environment wins
    settings = mail.smtp_settings(mail.read_config(config))
    assert settings == mail.SmtpSettings(
        host="mail.example.com", port=2525, sender="amd@example.com", starttls=True
    )


def test_send_with_no_users_table_names_the_gap(tmp_path, monkeypatch, capsys):
    smtp_env(monkeypatch, free_port())  # nothing listens: nothing may be sent
    data = commit_tables(
        tmp_path / "data", partners=PARTNERS, clients=CLIENTS, activities=ACTIVITIES
    )
    assert main(["digest", "--data-dir", str(data), "--send"]) == 2
    assert "the users table names no active user with an email" in (
        capsys.readouterr().err
    )
