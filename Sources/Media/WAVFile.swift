import Foundation

/// WAV (RIFF) audio as Parley plays and records it: 16-bit PCM at any rate, μ-law and A-law,
/// mono or two channels.
public struct WAVFormat: Sendable, Equatable {
    public enum Encoding: UInt16, Sendable {
        case pcm = 1
        case alaw = 6
        case ulaw = 7
    }

    public var encoding: Encoding
    public var sampleRate: Int
    public var channels: Int

    public init(encoding: Encoding, sampleRate: Int, channels: Int = 1) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
    }

    var bytesPerSample: Int { encoding == .pcm ? 2 : 1 }
}

public enum WAVError: Error, Equatable {
    case notWAV(String)
    case unsupported(String)
}

/// A WAV file read whole: its format and its samples as 16-bit linear (G.711 decoded),
/// channels interleaved.
public struct WAVAudio: Sendable {
    public let format: WAVFormat
    public let samples: [Int16]

    public init(data: Data) throws(WAVError) {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45] else {
            throw .notWAV("no RIFF/WAVE header")
        }
        func le16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func le32(_ at: Int) -> Int { le16(at) | le16(at + 2) << 16 }
        var offset = 12
        var format: WAVFormat?
        var samples: [Int16]?
        while offset + 8 <= bytes.count {
            let size = le32(offset + 4)
            let body = offset + 8
            let end = min(bytes.count, body + size)
            switch String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self) {
            case "fmt ":
                guard end - body >= 16 else { throw .notWAV("short fmt chunk") }
                var code = UInt16(le16(body))
                if code == 0xFFFE, end - body >= 26 { code = UInt16(le16(body + 24)) }  // WAVE_FORMAT_EXTENSIBLE
                guard let encoding = WAVFormat.Encoding(rawValue: code) else { throw .unsupported("format code \(code)") }
                let bits = le16(body + 14)
                guard encoding != .pcm || bits == 16 else { throw .unsupported("\(bits)-bit PCM") }
                format = WAVFormat(encoding: encoding, sampleRate: le32(body + 4), channels: le16(body + 2))
            case "data":
                guard let format else { throw .notWAV("data before fmt") }
                let data = bytes[body..<end]
                switch format.encoding {
                case .pcm:
                    samples = stride(from: data.startIndex, to: data.endIndex - 1, by: 2).map {
                        Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8)
                    }
                case .ulaw: samples = data.map { G711.ulawToLinear[Int($0)] }
                case .alaw: samples = data.map { G711.alawToLinear[Int($0)] }
                }
            default:
                break
            }
            offset = body + size + (size & 1)
        }
        guard let format, let samples else { throw .notWAV("no fmt or data chunk") }
        self.format = format
        self.samples = samples
    }
}

/// Writes a WAV file as audio arrives, keeping the header's sizes right after every append,
/// so the file is complete and valid at any moment (a caller hanging up mid-recording, or
/// Parley killed, leaves a playable file).
public final class WAVWriter {
    public let format: WAVFormat
    private let handle: FileHandle
    private var dataBytes = 0

    public init(path: String, format: WAVFormat) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        self.format = format
        self.handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: header(dataBytes: 0))
    }

    /// Appends samples (interleaved when stereo), encoded in the file's format.
    public func append(_ samples: some Collection<Int16>) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(samples.count * format.bytesPerSample)
        switch format.encoding {
        case .pcm:
            for sample in samples {
                let bits = UInt16(bitPattern: sample)
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bytes.append(UInt8(bits >> 8))
            }
        case .ulaw: bytes = samples.map(G711.encodeULaw)
        case .alaw: bytes = samples.map(G711.encodeALaw)
        }
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes)
        dataBytes += bytes.count
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: header(dataBytes: dataBytes))
    }

    /// Flushes to disk and closes the file.
    public func close() throws {
        try handle.synchronize()
        try handle.close()
    }

    /// Seconds of audio written so far.
    public var duration: Double {
        Double(dataBytes / (format.bytesPerSample * format.channels)) / Double(format.sampleRate)
    }

    private func header(dataBytes: Int) -> Data {
        var bytes: [UInt8] = []
        func le16(_ value: Int) { bytes += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)] }
        func le32(_ value: Int) {
            le16(value & 0xFFFF)
            le16(value >> 16)
        }
        let blockAlign = format.bytesPerSample * format.channels
        bytes += Array("RIFF".utf8)
        le32(36 + dataBytes)
        bytes += Array("WAVEfmt ".utf8)
        le32(16)
        le16(Int(format.encoding.rawValue))
        le16(format.channels)
        le32(format.sampleRate)
        le32(format.sampleRate * blockAlign)
        le16(blockAlign)
        le16(format.bytesPerSample * 8)
        bytes += Array("data".utf8)
        le32(dataBytes)
        return Data(bytes)
    }
}
