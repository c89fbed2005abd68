"""The relay server of the Dovecot submission test bed.

Dovecot's submission service hands every authenticated transaction to an
SMTP relay server (submission_relay_host/port). This one, on 127.0.0.1
only, plays the MTA behind it: example.test has the mailboxes alice, bob
and postmaster, other users there get 550 at RCPT, and any other domain is
accepted (the submitting user is authenticated). Every message is read and
dropped: nothing leaves the machine. Its replies carry no enhanced status
codes, as it does not advertise ENHANCEDSTATUSCODES (Dovecot then puts its
own in front of the relay's text).

Usage: python3 relay.py PORT
"""
import signal
import sys
import threading

from aiosmtpd.controller import Controller

DOMAIN = "example.test"
MAILBOXES = {"alice", "bob", "postmaster"}


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local, _, domain = address.rpartition("@")
        if domain.lower() == DOMAIN and local.lower() not in MAILBOXES:
            return "550 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 Message accepted (and discarded by the test bed)"


def main():
    port = int(sys.argv[1])
    controller = Controller(Sink(), hostname="127.0.0.1", port=port,
                            server_hostname="relay.example.test")
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
