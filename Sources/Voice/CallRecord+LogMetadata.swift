import Logging
import Store

extension CallRecord {
    /// What the operator's log says of a call at its start and end: one line each.
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "call": "\(sid.rawValue)", "account": "\(accountSid.rawValue)", "direction": "\(direction.rawValue)",
            "from": "\(from)", "to": "\(to)", "status": "\(status.rawValue)",
        ]
        if let parentCallSid { metadata["parent"] = "\(parentCallSid.rawValue)" }
        if let duration { metadata["duration"] = "\(duration)" }
        return metadata
    }
}
