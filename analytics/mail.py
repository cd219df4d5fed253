"""Mailing the digest: SMTP settings (environment or a config file), the recipients
from the optional users table (each AM their own book, each manager the team), and
the messages, with the chart images as inline parts (`cid:`): mail clients that
block data URIs (Gmail, Outlook) show inline parts."""

from __future__ import annotations

import os
import smtplib
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import duckdb
import pandas as pd

from analytics.digest import Digest
from analytics.partners import query

CONFIG_ENV = "AMD_CONFIG"
SMTP_ENV = {
    "host": "AMD_SMTP_HOST",
    "port": "AMD_SMTP_PORT",
    "sender": "AMD_SMTP_SENDER",
    "user": "AMD_SMTP_USER",
    "password": "AMD_SMTP_PASSWORD",
    "starttls": "AMD_SMTP_STARTTLS",
}
FALSE_WORDS = ("", "0", "false", "no", "off", "inactive", "n")


class ConfigError(Exception):
    """Missing or unreadable settings, in words a person can act on."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False


@dataclass(frozen=True)
class Recipient:
    """Who gets which digest: `account_managers` is the book (one AM, or a team)."""

    name: str
    email: str
    account_managers: tuple[str, ...]
    book: str


def read_config(path: str | os.PathLike | None = None) -> dict:
    """The config file (TOML: [app] url, [smtp] host, port, sender, user,
    password, starttls): the path given, else $AMD_CONFIG; {} when neither."""
    chosen = path or os.environ.get(CONFIG_ENV)
    if not chosen:
        return {}
    try:
        return tomllib.loads(Path(chosen).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {chosen} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {chosen} is not valid TOML: {error}") from None


def is_true(value: object) -> bool:
    return str(value).strip().lower() not in FALSE_WORDS


def smtp_settings(config: dict | None = None) -> SmtpSettings:
    """SMTP settings from the environment (AMD_SMTP_*), else the config's [smtp]."""
    section = (config or {}).get("smtp", {})
    values = {
        key: os.environ.get(env) or section.get(key) for key, env in SMTP_ENV.items()
    }
    missing = [SMTP_ENV[k] for k in ("host", "sender") if not values[k]]
    if missing:
        raise ConfigError(
            f"to send the digest set {' and '.join(missing)} "
            "(or host and sender under [smtp] in the config file)"
        )
    try:
        port = int(values["port"] or 25)
    except ValueError:
        raise ConfigError(
            f"{SMTP_ENV['port']} must be a port number, not {values['port']!r}"
        ) from None
    return SmtpSettings(
        host=str(values["host"]),
        port=port,
        sender=str(values["sender"]),
        user=values["user"] or None,
        password=values["password"] or None,
        starttls=values["starttls"] is not None and is_true(values["starttls"]),
    )


def users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The users table (empty when the dataset has none: it is optional)."""
    exists = query(
        con,
        "select count(*) as n from information_schema.tables where table_name = ?",
        ["users"],
    )
    if not int(exists["n"].iloc[0]):
        return pd.DataFrame(columns=["user_id", "name", "email", "manager"])
    return query(
        con,
        "select user_id, name, email, manager, is_active from users "
        "order by name, user_id",
    )


def recipients(
    con: duckdb.DuckDBPyConnection, account_managers: list[str]
) -> list[Recipient]:
    """Each active user with an email who owns partners gets their own book; each
    user named as another user's manager (by name or user id) gets the team's: the
    AMs whose manager they are. `account_managers`: the AMs in the data."""
    table = users(con)
    if "is_active" in table:
        flags = table["is_active"]
        table = table[flags.isna() | flags.map(is_true)]
    known = set(account_managers)

    def as_in_data(user: pd.Series) -> str | None:
        """The user's AM name as the data holds it (their name or user id)."""
        return next((v for v in (user["name"], user["user_id"]) if v in known), None)

    found = []
    for _, user in table.iterrows():
        if not user["email"]:
            continue
        own = as_in_data(user)
        if own is not None:
            found.append(Recipient(user["name"], user["email"], (own,), user["name"]))
        team = table[table["manager"].isin([user["name"], user["user_id"]])]
        books = sorted({am for am in map(as_in_data, team.to_dict("records")) if am})
        if books:
            found.append(
                Recipient(
                    user["name"], user["email"], tuple(books), f"{user['name']}'s team"
                )
            )
    return found


def message(digest: Digest, sender: str, to: str) -> EmailMessage:
    """The digest as a mail: a plain-text part, and the HTML with its images as
    inline parts that the HTML's `cid:` references point at."""
    mail = EmailMessage()
    mail["Subject"] = digest.subject
    mail["From"] = sender
    mail["To"] = to
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(digest.text)
    mail.add_alternative(digest.html, subtype="html")
    html_part = mail.get_payload()[1]
    for cid, png in digest.images.items():
        html_part.add_related(png, "image", "png", cid=f"<{cid}>")
    return mail


def send(messages: list[EmailMessage], settings: SmtpSettings) -> None:
    """Send the messages over one SMTP connection (STARTTLS and login when set)."""
    with smtplib.SMTP(settings.host, settings.port, timeout=60) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for mail in messages:
            smtp.send_message(mail)
