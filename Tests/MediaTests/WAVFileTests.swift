import Foundation
import Testing

@testable import Media

@Suite("WAV files")
struct WAVFileTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("wav-\(UUID().uuidString).wav").path
    }

    @Test("written in each encoding and read back; valid after every append", arguments: [WAVFormat.Encoding.pcm, .ulaw, .alaw])
    func roundTrip(encoding: WAVFormat.Encoding) throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tone = (0..<800).map { Int16(8000 * sin(Double($0) * 2 * .pi * 440 / 8000)) }
        let writer = try WAVWriter(path: path, format: WAVFormat(encoding: encoding, sampleRate: 8000))
        try writer.append(tone[..<400])
        // Read while still open, as after a crash mid-recording: the first half is there.
        let partial = try WAVAudio(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(partial.samples.count == 400)
        try writer.append(tone[400...])
        try writer.close()
        let audio = try WAVAudio(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(audio.format == WAVFormat(encoding: encoding, sampleRate: 8000))
        #expect(audio.samples.count == 800 && writer.duration == 0.1)
        let worst = zip(audio.samples, tone).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= (encoding == .pcm ? 0 : 8000 / 16 + 16))
    }

    @Test("what is not a usable WAV file is refused with the reason")
    func refused() {
        #expect(throws: WAVError.notWAV("no RIFF/WAVE header")) { try WAVAudio(data: Data("hello".utf8)) }
        var float = [UInt8]("RIFF\u{24}\0\0\0WAVEfmt \u{10}\0\0\0".utf8)
        float += [3, 0, 1, 0, 0x40, 0x1F, 0, 0, 0, 0x7D, 0, 0, 4, 0, 32, 0]
        #expect(throws: WAVError.unsupported("format code 3")) { try WAVAudio(data: Data(float)) }
    }
}
