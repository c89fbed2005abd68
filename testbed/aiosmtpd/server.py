"""aiosmtpd test bed for smtpspec's real-server tests.

A Controller on 127.0.0.1 with a small policy handler: the served domain
example.test has the mailboxes alice and bob (postmaster is alice), unknown
users get 550 at RCPT, every other domain is refused as relaying (550), and
accepted messages are counted and dropped: nothing leaves the machine.

STARTTLS uses the certificate and key given; AUTH (PLAIN and LOGIN, the
mechanisms the library has built in) accepts one user, whose password is
read from a file. Everything else is the library's default: AUTH is offered
and accepted only after STARTTLS (auth_require_tls).

Usage: python3 server.py PORT CERT KEY USER PASSWORD_FILE
"""
import hmac
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

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


class Authenticator:
    """Accepts exactly one user name and password (PLAIN and LOGIN)."""

    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = hmac.compare_digest(auth_data.login, self.user) and \
            hmac.compare_digest(auth_data.password, self.password)
        return AuthResult(success=ok, handled=False)


def main():
    port = int(sys.argv[1])
    cert, key, user, password_file = sys.argv[2:6]
    with open(password_file) as f:
        password = f.read().strip()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    controller = Controller(Policy(), hostname="127.0.0.1", port=port,
                            server_hostname="aiosmtpd.example.test",
                            tls_context=tls,
                            authenticator=Authenticator(user, password))
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
