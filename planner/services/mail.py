"""Outgoing mail through SMTP, configured by one URL (``PLANNER_SMTP_URL``).

    smtp://host:25                      plain SMTP (a local relay)
    smtp://user:password@host:587?starttls=1
    smtps://user:password@host:465      SMTP over TLS

With no URL there is no mailer, and the pages show links for HR to hand over instead.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from planner.services.errors import ServiceError

__all__ = ["MailError", "Mailer", "mailer_from_url"]

#: Seconds to wait for the SMTP server before giving up on a message.
SMTP_TIMEOUT = 15


class MailError(ServiceError):
    """The SMTP server could not be reached or refused the message."""


@dataclass(frozen=True, slots=True)
class Mailer:
    host: str
    port: int
    sender: str
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    def send(self, *, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            if self.tls:
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
            with smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"The mail to {to} could not be sent ({exc.__class__.__name__}: {exc}).") from exc


def mailer_from_url(url: str | None, *, sender: str) -> Mailer | None:
    """The mailer an SMTP URL describes, or None without one."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"PLANNER_SMTP_URL must look like smtp://host:port or smtps://user:password@host, not {url!r}")
    query = parse_qs(parts.query)
    return Mailer(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25), sender=sender,
                  tls=parts.scheme == "smtps", starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
                  username=unquote(parts.username) if parts.username else None,
                  password=unquote(parts.password) if parts.password else None)
