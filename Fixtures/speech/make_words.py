"""Writes the spoken words the speech tests play: each phrase said by the espeak-ng command
(`apt-get install espeak-ng`), band-limited to 8 kHz in the frequency domain as a phone line
would, as 16-bit mono WAV at 8 kHz. Kept in the repository so the tests hear the same audio on
every machine: espeak-ng inside a process that has spoken other languages varies slightly.

    python3 Fixtures/speech/make_words.py
"""
import os
import subprocess
import tempfile
import wave

import numpy

PHRASES = ["sales", "support", "billing", "talk to an agent", "check my balance", "hello"]
HERE = os.path.dirname(os.path.abspath(__file__))


def narrowband(text):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "spoken.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", path, text], check=True)
        with wave.open(path) as audio:
            rate = audio.getframerate()
            samples = numpy.frombuffer(audio.readframes(audio.getnframes()), dtype=numpy.int16).astype(float)
    count = int(len(samples) * 8000 / rate)
    spectrum = numpy.fft.rfft(samples)[: count // 2 + 1]
    return numpy.clip(numpy.fft.irfft(spectrum, count) * count / len(samples), -32768, 32767).astype(numpy.int16)


for phrase in PHRASES:
    with wave.open(os.path.join(HERE, phrase.replace(" ", "-") + ".wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(narrowband(phrase).tobytes())
