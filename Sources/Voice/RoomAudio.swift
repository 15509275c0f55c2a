import Logging
import Store

/// What a conference's `waitUrl` or `HoldUrl` gives: a WAV file to loop, or (any other answer
/// that is not a WAV file) an RCML document for the participant's leg to run, or nothing
/// usable, when Parley's hold music plays instead.
enum RoomAudio {
    case samples([Int16])
    case document(WebhookTarget)
    case unavailable

    static func fetch(_ url: String, method: WebhookMethod, from audio: AudioCache, logger: Logger) async -> RoomAudio {
        do {
            return .samples(try await audio.samples(of: url))
        } catch where error.code == AudioCache.Failure.notPlayableCode {
            return .document(WebhookTarget(url: url, method: method))
        } catch {
            logger.warning("conference audio failed", metadata: ["url": "\(RedactedURL(url))", "error": "\(error.message)"])
            return .unavailable
        }
    }
}
