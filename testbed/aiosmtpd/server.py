"""aiosmtpd test bed for smtpspec's real-server tests.

A Controller on 127.0.0.1 with a small policy handler: the served domain
example.test has the mailboxes alice and bob (postmaster is alice), unknown
users get 550 at RCPT, every other domain is refused as relaying (550), and
accepted messages are counted and dropped: nothing leaves the machine.

Usage: python3 server.py PORT
"""
import signal
import sys
import threading

from aiosmtpd.controller import Controller

DOMAIN = "example.test"
MAILBOXES = {"alice", "bob"}


class Policy:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "@" not in address and address.lower() == "postmaster":
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 OK"
        local, _, domain = address.rpartition("@")
        if domain.lower() != DOMAIN:
            return "550 5.7.1 Relaying denied"
        if local.lower() == "postmaster" or local in MAILBOXES:
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 OK"
        return "550 5.1.1 User unknown"

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Message accepted (and discarded by the test bed)"


def main():
    port = int(sys.argv[1])
    controller = Controller(Policy(), hostname="127.0.0.1", port=port,
                            server_hostname="aiosmtpd.example.test")
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
