import AsyncHTTPClient
import Foundation
import Media
import NIOCore
import Synchronization

/// The audio of `<Play>` URLs: fetched once, decoded to 8 kHz samples and kept by URL, so a
/// prompt played on every call costs one request. WAV files (16-bit PCM, μ-law, A-law; the
/// first channel of a stereo file) at any rate from 8 to 48 kHz, resampled by speexdsp.
public final class AudioCache: Sendable {
    private let http: HTTPClient
    private let entries = Mutex<[String: [Int16]]>([:])
    private let capacity: Int

    public init(http: HTTPClient = .shared, capacity: Int = 256) {
        self.http = http
        self.capacity = capacity
    }

    /// Why a URL gave nothing playable, with Twilio's code.
    public struct Failure: Error, Equatable {
        public let code: Int
        public let message: String
    }

    public func samples(of url: String) async throws(Failure) -> [Int16] {
        if let cached = entries.withLock({ $0[url] }) { return cached }
        let body: ByteBuffer
        do {
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(15))
            guard (200..<300).contains(Int(response.status.code)) else {
                throw Failure(code: 11200, message: "HTTP retrieval failure: \(url) answered \(response.status.code)")
            }
            body = try await response.body.collect(upTo: 50 << 20)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(code: 11205, message: "HTTP connection failure: \(url): \(error)")
        }
        let audio: WAVAudio
        do {
            audio = try WAVAudio(data: Data(body.readableBytesView))
        } catch {
            throw Failure(code: 12300, message: "\(url) is not a WAV file Parley can play: \(error)")
        }
        guard (8000...48000).contains(audio.format.sampleRate) else {
            throw Failure(code: 12300, message: "\(url) is sampled at \(audio.format.sampleRate) Hz; Parley plays 8 to 48 kHz WAV")
        }
        let channels = max(1, audio.format.channels)
        let mono = channels == 1 ? audio.samples : stride(from: 0, to: audio.samples.count, by: channels).map { audio.samples[$0] }
        let samples = Resampler.convert(mono, from: audio.format.sampleRate, to: 8000)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[url] = samples
        }
        return samples
    }
}
