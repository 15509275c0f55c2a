/// Why Verify refused a request, with Twilio Verify's code and HTTP status.
public struct VerifyRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: Int
    public let message: String

    public var description: String { message }

    static func invalid(_ parameter: String, _ reason: String) -> VerifyRefusal {
        VerifyRefusal(status: 400, code: 60200, message: "Invalid parameter \(parameter): \(reason)")
    }

    static let notFound = VerifyRefusal(status: 404, code: 20404, message: "The requested resource was not found")
    static let tooManySends = VerifyRefusal(
        status: 429, code: 60203, message: "Max send attempts reached: at most 5 codes to one destination in 10 minutes")
    static let tooManyChecks = VerifyRefusal(status: 429, code: 60202, message: "Max check attempts reached")
    static let tooManyRequests = VerifyRefusal(status: 429, code: 20429, message: "Too many verifications from this account or address; retry later")
}
