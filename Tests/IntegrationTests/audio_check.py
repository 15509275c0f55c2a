"""Audio comparisons for the media tests: the A-law speech of a SIPp pcap decoded to samples,
WAV files read, and the normalised cross-correlation of two signals at their best alignment."""
import io
import struct
import wave

import numpy


def alaw_to_linear(byte):
    """ITU-T G.711 A-law to 16-bit linear."""
    value = byte ^ 0x55
    segment = (value & 0x70) >> 4
    magnitude = ((value & 0x0F) << 4) + 8
    if segment:
        magnitude = (magnitude + 0x100) << (segment - 1)
    return magnitude if value & 0x80 else -magnitude


ALAW = numpy.array([alaw_to_linear(b) for b in range(256)], dtype=numpy.float64)


def pcap_alaw_samples(path):
    """The payloads of the RTP packets (Ethernet/IPv4/UDP) in a pcap, decoded from A-law."""
    data = open(path, "rb").read()
    offset, payload = 24, bytearray()
    while offset < len(data):
        _, _, length, _ = struct.unpack("<IIII", data[offset:offset + 16])
        packet = data[offset + 16:offset + 16 + length]
        offset += 16 + length
        ip_header = (packet[14] & 0x0F) * 4
        rtp = packet[14 + ip_header + 8:]
        payload += rtp[12:]
    return ALAW[numpy.frombuffer(bytes(payload), dtype=numpy.uint8)]


def wav_samples(body):
    with wave.open(io.BytesIO(body)) as reader:
        assert reader.getsampwidth() == 2 and reader.getnchannels() == 1, "16-bit mono expected"
        return reader.getframerate(), numpy.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2").astype(numpy.float64)


def best_correlation(reference, recorded):
    """The normalised cross-correlation of `reference` with the stretch of `recorded` it lines
    up with best (the recording may start earlier or later than the reference)."""
    n = len(reference) + len(recorded)
    size = 1 << (n - 1).bit_length()
    spectrum = numpy.fft.rfft(recorded, size) * numpy.conj(numpy.fft.rfft(reference, size))
    lags = numpy.fft.irfft(spectrum, size)
    lag = int(numpy.argmax(lags[:len(recorded)]))
    window = recorded[lag:lag + len(reference)]
    part = reference[:len(window)]
    return float(numpy.dot(part, window) / (numpy.linalg.norm(part) * numpy.linalg.norm(window) + 1e-9))


def linear_to_alaw(sample):
    """ITU-T G.711 linear to A-law."""
    sign = 0x80 if sample >= 0 else 0x00
    magnitude = min(abs(int(sample)), 32767) >> 3
    if magnitude < 32:
        value = magnitude >> 1
    else:
        segment = max(1, min(7, magnitude.bit_length() - 5))
        value = (segment << 4) | ((magnitude >> segment) & 0x0F)
    return (value | sign) ^ 0x55


def dtmf(keys, tone_ms=100, pause_ms=100, level=8000):
    """8 kHz samples of DTMF keys (each tone at `level` amplitude), with silence around them."""
    rows, columns, layout = [697, 770, 852, 941], [1209, 1336, 1477, 1633], "123A456B789C*0#D"
    samples = [0.0] * 800
    for key in keys:
        index = layout.index(key)
        low, high = rows[index // 4], columns[index % 4]
        t = numpy.arange(tone_ms * 8) / 8000
        samples += list(level * numpy.sin(2 * numpy.pi * low * t) + level * numpy.sin(2 * numpy.pi * high * t))
        samples += [0.0] * (pause_ms * 8)
    return numpy.array(samples)


def write_alaw_pcap(path, samples):
    """A pcap of RTP/PCMA packets (20 ms each) from 127.0.0.1 to 127.0.0.1, as SIPp's
    play_pcap_audio replays them."""
    packets = []
    payload_all = bytes(linear_to_alaw(s) for s in samples)
    for number, start in enumerate(range(0, len(payload_all) - 159, 160)):
        rtp = struct.pack("!BBHII", 0x80, 8, number, number * 160, 0x1234) + payload_all[start:start + 160]
        udp = struct.pack("!HHHH", 6000, 6002, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), number, 0, 64, 17, 0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
        frame = b"\x00" * 12 + b"\x08\x00" + ip
        seconds, micros = divmod(number * 20_000, 1_000_000)
        packets.append(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + b"".join(packets))


def tone(frequency, seconds, level=6000):
    t = numpy.arange(int(seconds * 8000)) / 8000
    return numpy.concatenate([numpy.zeros(800), level * numpy.sin(2 * numpy.pi * frequency * t)])


def amplitude(samples, frequency):
    """The amplitude of one frequency in `samples` (8 kHz), by projection."""
    t = numpy.arange(len(samples)) / 8000
    return 2 * abs(numpy.dot(samples, numpy.exp(-2j * numpy.pi * frequency * t))) / len(samples)
