import AsyncHTTPClient
import Foundation
import Media
import NIOCore
import Store
import Synchronization

/// The audio of `<Play>` URLs, decoded to 8 kHz samples and kept by URL, so a prompt played
/// on every call costs at most a revalidation. HTTP caching as a web server asks for it: a
/// response with `Cache-Control: max-age` is used without a request for that long; one with
/// validators (`ETag`, `Last-Modified`) is then (or, without max-age, on every use) checked
/// with a conditional request, a 304 keeping the samples; one with neither is fetched once;
/// `no-store` is never kept. When revalidation fails the samples held are played. Files are
/// fetched through the `GuardedHTTPClient` (public addresses, 16 MiB at most) and the cache is
/// bounded in bytes, entries being dropped to make room. WAV files
/// (16-bit PCM, μ-law, A-law; the first channel of a stereo file) at any rate from 8 to
/// 48 kHz, resampled by speexdsp.
public final class AudioCache: Sendable {
    private struct Entry {
        let samples: [Int16]
        let etag: String?
        let lastModified: String?
        /// Until when the samples may be used without asking the server (nil: always).
        var freshUntil: ContinuousClock.Instant?

        var hasValidators: Bool { etag != nil || lastModified != nil }
    }

    private let http: GuardedHTTPClient
    /// Parley's own recordings, read from disk when a URL names one.
    private let library: RecordingLibrary?
    private let entries = Mutex<(byURL: [String: Entry], bytes: Int)>(([:], 0))
    /// Bytes of samples kept at most (64 MiB by default: about 70 minutes of prompts).
    private let capacity: Int
    /// The longest file fetched: 16 MiB is over 30 minutes of 8 kHz 16-bit audio.
    static let maximumFile = 16 << 20

    public init(http: GuardedHTTPClient, library: RecordingLibrary? = nil, capacity: Int = 64 << 20) {
        self.http = http
        self.library = library
        self.capacity = capacity
    }

    /// Why a URL gave nothing playable, with Twilio's code.
    public struct Failure: Error, Equatable {
        public let code: Int
        public let message: String

        /// Twilio's 12300: the URL answered, but not with a WAV file Parley plays (for a
        /// conference's waitUrl, the sign of an RCML document).
        public static let notPlayableCode = 12300
    }

    /// The samples at `url`; a recording of `account` on this Parley (its `RecordingUrl` or
    /// public URL) is read from its file, not fetched and not cached.
    public func samples(of url: String, account: AccountSid? = nil) async throws(Failure) -> [Int16] {
        if let library, let account, let file = await library.ownRecordingFile(at: url, account: account) {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Failure(code: 11200, message: "HTTP retrieval failure: \(url): the recording's file is gone")
            }
            return try Self.decode(ByteBuffer(bytes: data), url: url)
        }
        let cached = entries.withLock { $0.byURL[url] }
        if let cached, cached.freshUntil.map({ ContinuousClock.now < $0 }) ?? !cached.hasValidators { return cached.samples }
        var request = HTTPClientRequest(url: url)
        if let etag = cached?.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified = cached?.lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
        let response: GuardedHTTPClient.Response
        do {
            response = try await http.execute(request, timeout: .seconds(15), maximumBody: Self.maximumFile)
        } catch {
            if let cached { return cached.samples }
            switch error {
            case .refused: throw Failure(code: 11200, message: "HTTP retrieval of \(url) \(error)")
            case .tooLarge: throw Failure(code: 11200, message: "HTTP retrieval failure: \(url): \(error)")
            case .connection, .timedOut: throw Failure(code: 11205, message: "HTTP connection failure: \(url): \(error)")
            }
        }
        if response.status == 304, var cached {
            cached.freshUntil = Self.freshness(response.headers["Cache-Control"])
            store(cached, for: url)
            return cached.samples
        }
        guard (200..<300).contains(response.status) else {
            if let cached { return cached.samples }
            throw Failure(code: 11200, message: "HTTP retrieval failure: \(url) answered \(response.status)")
        }
        let samples = try Self.decode(response.body, url: url)
        let control = response.headers["Cache-Control"].joined(separator: ",").lowercased()
        guard !control.contains("no-store") else { return samples }
        store(
            Entry(
                samples: samples, etag: response.headers.first(name: "ETag"), lastModified: response.headers.first(name: "Last-Modified"),
                freshUntil: Self.freshness(response.headers["Cache-Control"])), for: url)
        return samples
    }

    /// Keeps `entry`, dropping others until the samples fit in `capacity` bytes; a file
    /// larger than the whole cache is played but not kept.
    private func store(_ entry: Entry, for url: String) {
        let size = entry.samples.count * MemoryLayout<Int16>.size
        guard size <= capacity else { return }
        entries.withLock { entries in
            if let old = entries.byURL.removeValue(forKey: url) { entries.bytes -= old.samples.count * MemoryLayout<Int16>.size }
            while entries.bytes + size > capacity, let victim = entries.byURL.first {
                entries.byURL[victim.key] = nil
                entries.bytes -= victim.value.samples.count * MemoryLayout<Int16>.size
            }
            entries.byURL[url] = entry
            entries.bytes += size
        }
    }

    /// `max-age` from Cache-Control as an instant (`no-cache`: none, revalidate every time).
    private static func freshness(_ cacheControl: [String]) -> ContinuousClock.Instant? {
        let directives = cacheControl.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !directives.contains("no-cache"),
            let age = directives.first(where: { $0.hasPrefix("max-age=") }).flatMap({ Int($0.dropFirst(8)) })
        else { return nil }
        return .now + .seconds(age)
    }

    private static func decode(_ body: ByteBuffer, url: String) throws(Failure) -> [Int16] {
        let audio: WAVAudio
        do {
            audio = try WAVAudio(data: Data(body.readableBytesView))
        } catch {
            throw Failure(code: Failure.notPlayableCode, message: "\(url) is not a WAV file Parley can play: \(error)")
        }
        guard (8000...48000).contains(audio.format.sampleRate) else {
            throw Failure(code: Failure.notPlayableCode, message: "\(url) is sampled at \(audio.format.sampleRate) Hz; Parley plays 8 to 48 kHz WAV")
        }
        let channels = max(1, audio.format.channels)
        let mono = channels == 1 ? audio.samples : stride(from: 0, to: audio.samples.count, by: channels).map { audio.samples[$0] }
        return Resampler.convert(mono, from: audio.format.sampleRate, to: 8000)
    }
}
