import Dispatch

/// A WAV recording written off the media loop: frames gathered on the loop are handed over
/// in batches of about a second and appended on the recording's own serial queue, so disk
/// writes never stall the 20 ms clock.
final class RecordingFile: @unchecked Sendable {
    // Safe to share: `writer` and `failed` are touched only on `queue`, a serial queue.
    private let writer: WAVWriter
    private let queue = DispatchQueue(label: "parley.recording")
    private var failed = false

    init(path: String) throws {
        writer = try WAVWriter(path: path, format: WAVFormat(encoding: .pcm, sampleRate: 8000))
    }

    func append(_ samples: [Int16]) {
        queue.async {
            guard !self.failed else { return }
            do {
                try self.writer.append(samples)
            } catch {
                self.failed = true
            }
        }
    }

    /// Writes what is pending, closes the file and gives its duration in seconds.
    func finish() async -> Double {
        await withCheckedContinuation { continuation in
            queue.async {
                try? self.writer.close()
                continuation.resume(returning: self.writer.duration)
            }
        }
    }
}
