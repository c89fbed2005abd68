"""A name server on 127.0.0.1 that knows no names (qpsmtpd test bed).

qpsmtpd's Net::DNS sends its queries from an unconnected UDP socket, so a
port with nothing listening ("connection refused") looks like a silent
server: every lookup (client PTR, HELO, sender checks) would wait about a
minute before the greeting or reply. This answers every query at once with
NXDOMAIN, as a name server would for names that do not exist, so the
test bed needs no DNS and sends nothing off the machine.

Usage: python3 nodns.py PORT        (listens on 127.0.0.1 only)
"""
import socket
import struct
import sys


def main():
    port = int(sys.argv[1])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    while True:
        query, peer = sock.recvfrom(4096)
        if len(query) < 12:
            continue
        ident, flags, qdcount = struct.unpack("!HHH", query[:6])
        if flags & 0x8000:  # a response, not a query
            continue
        # Echo the question section (header + question), QR=1, RD copied,
        # RA=1, RCODE=3 (NXDOMAIN), no answers.
        end = 12
        if qdcount == 1:
            while end < len(query) and query[end] != 0:
                end += 1 + query[end]
            end += 5  # the root label, QTYPE, QCLASS
        else:
            qdcount, end = 0, 12
        header = struct.pack("!HHHHHH", ident, 0x8000 | (flags & 0x0100) | 0x0080 | 3, qdcount, 0, 0, 0)
        sock.sendto(header + query[12:end], peer)


if __name__ == "__main__":
    main()
