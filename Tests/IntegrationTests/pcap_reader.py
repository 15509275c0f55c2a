"""Reading what tcpdump captured (classic pcap, Ethernet frames, IPv4): the UDP datagrams and
TCP segments between two hosts, for tests that check what crossed the wire."""
import struct


def packets(path):
    """Yields (protocol, source port, destination port, payload) for every IPv4 UDP datagram
    and TCP segment in the capture."""
    with open(path, "rb") as handle:
        data = handle.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    offset = 24
    while offset + 16 <= len(data):
        _, _, included, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + included]
        offset += 16 + included
        if len(frame) < 34 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        header_length = (ip[0] & 0x0F) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        protocol, body = ip[9], ip[header_length:total]
        if protocol == 17 and len(body) >= 8:
            source, destination = struct.unpack(">HH", body[:4])
            yield "udp", source, destination, body[8:]
        elif protocol == 6 and len(body) >= 20:
            source, destination = struct.unpack(">HH", body[:4])
            yield "tcp", source, destination, body[(body[12] >> 4) * 4:]
