"""Transports: texts in every language arrive intact over SMTP and over a webhook."""

from __future__ import annotations

import pytest

from escalon.core.addressing import Address
from escalon.notify.channels import Message, MissingVariable, Transports, expand, masked
from escalon.notify.render import render
from tests.support.receivers import http_receiver, smtp_server

DATA = {
    "ref": "ESC-1042",
    "title": "Ödeme sistemi çöktü — Платежи не проходят — Platby nefungují — Fizetés leállt",
    "priority": "P1",
    "escalation": 3,
    "type": "hierarchical",
    "level": 2,
    "level_name": "Hálózati mérnökök",
    "reason": "Zákazníci nemohou platit kartou; ztrácíme tržby každou hodinu",
}


@pytest.mark.parametrize("language", ["hu", "cs", "ru", "tr"])
def test_subject_and_body_arrive_intact_by_email_and_webhook(language: str) -> None:
    text = render("escalation_raised", DATA, language=language, timezone="Europe/Budapest")
    assert text.language == language
    with smtp_server() as smtp, http_receiver() as hook:
        transports = Transports(smtp.url, "escalon <escalon@danube.example>")
        by_mail = Address("email", "kim.lee@danube.example", "Kim Lee", language, "UTC")
        by_hook = Address("webhook", hook.url(), "NOC", language, "UTC")
        for key, address in (("k-mail", by_mail), ("k-hook", by_hook)):
            assert transports.send(Message(key, address, text.subject, text.body, DATA)).ok
        transports.close()
        (mail,) = smtp.mailbox.messages
        (posted,) = hook.received
    assert str(mail["Subject"]) == text.subject
    assert mail.get_content().rstrip("\n") == text.body
    assert (mail["Message-ID"], mail["Content-Language"]) == ("<k-mail@escalon>", language)
    assert posted.body["subject"] == text.subject and posted.body["body"] == text.body
    assert posted.headers["Idempotency-Key"] == "k-hook"


def test_secrets_come_from_the_environment_and_are_never_shown() -> None:
    url = "https://hooks.example/${HOOK_TOKEN}/notify?key=${HOOK_KEY}"
    assert expand(url, {"HOOK_TOKEN": "t0k", "HOOK_KEY": "s3cr3t"}) == (
        "https://hooks.example/t0k/notify?key=s3cr3t"
    )
    with pytest.raises(MissingVariable, match="HOOK_KEY"):
        expand(url, {"HOOK_TOKEN": "t0k"})
    assert masked("https://user:pw@hooks.example:8443/x?key=s3cr3t") == (
        "https://hooks.example:8443/x"
    )


def test_an_email_without_an_smtp_server_fails_with_the_setting_named() -> None:
    address = Address("email", "kim.lee@danube.example", "Kim Lee", "en", "UTC")
    result = Transports(None, "escalon@localhost").send(Message("k", address, "s", "b"))
    assert not result.ok and "ESCALON_SMTP_URL" in (result.detail or "")
