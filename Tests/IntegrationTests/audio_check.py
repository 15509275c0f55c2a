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
