import Foundation
import Hummingbird
import Store
import Voice

extension RecordingLibrary {
    /// A completed recording's WAV file as a response (the API's `.wav` URLs and the console's player).
    public func media(_ recording: Recording, context: some RequestContext) async throws -> Response {
        let path = path(of: recording)
        guard recording.status == .completed, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
            throw APIError.notFound(recording.sid.rawValue + ".wav")
        }
        return Response(
            status: .ok, headers: [.contentType: "audio/x-wav", .contentLength: String(size)],
            body: try await FileIO().loadFile(path: path, context: context))
    }
}
