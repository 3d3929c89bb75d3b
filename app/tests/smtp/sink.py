#!/usr/bin/env python3
"""A real SMTP server for the notification tests, on aiosmtpd.

It accepts mail on 127.0.0.1 (the port given, or a free one), prints
"ready PORT" once listening, and for every message it takes:

* appends one JSON line to DIR/log.jsonl: Message-ID, envelope
  recipients, whether it was a duplicate, and for the messages kept (the
  first --keep) the subject, from and the content types of its parts as
  Python's `email` package (policy.default) parses the MIME;
* delivers it once per Message-ID, as servers that suppress duplicates do:
  the first copy goes to DIR/mail/N/ (message.eml, text.txt, body.html and
  every attachment under its file name) while --keep allows; a second copy
  of a Message-ID already delivered is accepted and logged as a duplicate,
  not delivered again.

Recipients starting with "reject" get a permanent refusal (550) and those
starting with "later" a temporary one (451). With --quickack the server
acknowledges TCP segments at once (see QuickAckSMTP); with --auth USER:PASS
it takes mail only after that login.
"""

import argparse
import json
import os
import signal
import sys
from email import message_from_bytes, policy

import socket
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult


class QuickAckSMTP(SMTP):
    """Acknowledges every TCP segment at once (TCP_QUICKACK, re-armed after
    each read) instead of delaying the ACK: a client that writes the end of
    a message separately with Nagle on (lettre 0.11 does) then does not wait
    40 ms for the delayed ACK on every message."""

    def connection_made(self, transport):
        super().connection_made(transport)
        self._sock = transport.get_extra_info("socket")
        self._quickack()

    def data_received(self, data):
        super().data_received(data)
        self._quickack()

    def _quickack(self):
        try:
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        except (OSError, AttributeError):
            pass


class QuickAckController(Controller):
    def factory(self):
        return QuickAckSMTP(self.handler, **self.SMTP_kwargs)


def header(content, name):
    """The value of the first header `name` (lower case), unfolded."""
    head = content.split(b"\r\n\r\n", 1)[0]
    value = None
    for line in head.split(b"\r\n"):
        if value is not None and line[:1] in (b" ", b"\t"):
            value += b" " + line.strip()
            continue
        if value is not None:
            break
        key, sep, rest = line.partition(b":")
        if sep and key.strip().lower() == name:
            value = rest.strip()
    return (value or b"").decode("utf-8", "replace")


class Sink:
    def __init__(self, out, keep):
        self.out = out
        self.keep = keep
        self.delivered = set()
        self.log = open(os.path.join(out, "log.jsonl"), "a", buffering=1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address.startswith("later"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mid = header(envelope.content, b"message-id")
        duplicate = mid in self.delivered
        keep = not duplicate and len(self.delivered) < self.keep
        # Full MIME parsing for the messages kept (the slow part); the
        # Message-ID alone for the others.
        msg = message_from_bytes(envelope.content, policy=policy.default) if keep else None
        parts = [p.get_content_type() for p in msg.walk()] if msg else []
        self.log.write(
            json.dumps(
                {
                    "message_id": mid,
                    "to": envelope.rcpt_tos,
                    "login": session.auth_data or "",
                    "subject": str(msg["Subject"] or "") if msg else "",
                    "from": str(msg["From"] or "") if msg else "",
                    "parts": parts,
                    "duplicate": duplicate,
                }
            )
            + "\n"
        )
        if not duplicate:
            self.delivered.add(mid)
            n = len(self.delivered)
            if msg is not None:
                d = os.path.join(self.out, "mail", str(n))
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "message.eml"), "wb") as f:
                    f.write(envelope.content)
                text = msg.get_body(preferencelist=("plain",))
                html = msg.get_body(preferencelist=("html",))
                if text is not None:
                    with open(os.path.join(d, "text.txt"), "w") as f:
                        f.write(text.get_content())
                if html is not None:
                    with open(os.path.join(d, "body.html"), "w") as f:
                        f.write(html.get_content())
                for a in msg.iter_attachments():
                    name = os.path.basename(a.get_filename() or "attachment")
                    with open(os.path.join(d, name), "wb") as f:
                        f.write(a.get_content())
        return "250 2.0.0 accepted"


def main():
    # AUTH without TLS on loopback is the point of --auth here.
    warnings.filterwarnings("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--keep", type=int, default=20)
    ap.add_argument("--quickack", action="store_true")
    ap.add_argument("--auth", help="USER:PASSWORD the server requires (AUTH PLAIN/LOGIN)")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port
    if port == 0:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    kind = QuickAckController if args.quickack else Controller
    options = {}
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                getattr(auth_data, "login", b"") == user.encode()
                and getattr(auth_data, "password", b"") == password.encode()
            )
            return AuthResult(success=ok, auth_data=user if ok else None)

        # A test on loopback: AUTH without TLS, and nothing accepted
        # without it.
        options = {
            "authenticator": authenticator,
            "auth_require_tls": False,
            "auth_required": True,
        }
    controller = kind(
        Sink(args.dir, args.keep),
        hostname="127.0.0.1",
        port=port,
        ready_timeout=10,
        **options,
    )
    controller.start()
    print(f"ready {port}", flush=True)
    # Serve until told to stop (the test kills it at the end).
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
