import HTTPTypes
import Store

/// An error a REST client can act on, rendered as Twilio's `{code, message, more_info, status}`.
/// The message names the offending parameter whenever one is to blame.
public struct APIError: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: Int
    public let message: String

    /// The `WWW-Authenticate` challenge sent with a 401.
    public let challenge: String?
    /// The request parameter to blame, if one is: the console shows the message beside its field.
    public let parameter: String?

    public init(status: HTTPResponse.Status, code: Int, message: String, challenge: String? = nil, parameter: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.challenge = challenge
        self.parameter = parameter
    }

    /// The error a client is told for `error`: itself, or a store refusal in API terms; nil for
    /// an internal failure (whose details are for the log only).
    public static func describing(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError: error
        case StoreError.duplicate(let field):
            APIError(status: .conflict, code: 20409, message: "Parameter \(field) is already in use in this account", parameter: field)
        case StoreError.missingReference(let field): .invalidParameter(field, "refers to no resource of this account")
        default: nil
        }
    }

    public var moreInfo: String { "https://www.twilio.com/docs/errors/\(code)" }

    public static func missingParameter(_ name: String) -> APIError {
        APIError(status: .badRequest, code: 20001, message: "Missing required parameter \(name)", parameter: name)
    }

    public static func invalidParameter(_ name: String, _ reason: String) -> APIError {
        APIError(status: .badRequest, code: 20001, message: "Invalid parameter \(name): \(reason)", parameter: name)
    }

    static let unauthenticated = APIError(
        status: .unauthorized, code: 20003,
        message: "Authentication required: HTTP Basic with AccountSid and AuthToken",
        challenge: "Basic realm=\"Parley\"")

    static let invalidBearerToken = APIError(
        status: .unauthorized, code: 20003,
        message: "Authentication required: a valid bearer token (POST /token)",
        challenge: "Bearer realm=\"Parley\", error=\"invalid_token\"")

    static let inactiveAccount = APIError(
        status: .forbidden, code: 20005, message: "Account is not active")

    static func forbidden(_ message: String) -> APIError {
        APIError(status: .forbidden, code: 20003, message: message)
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: 20404, message: "The requested resource \(what) was not found")
    }

    static func conflict(_ message: String) -> APIError {
        APIError(status: .conflict, code: 20409, message: message)
    }

    static let methodNotAllowed = APIError(
        status: .methodNotAllowed, code: 20004, message: "Method not allowed on this resource")

    static let tooManyAttempts = APIError(
        status: .tooManyRequests, code: 20429,
        message: "Too many failed authentication attempts from this address; retry later")

    static let draining = APIError(
        status: .serviceUnavailable, code: 20503, message: "Service Unavailable: Parley is shutting down; retry on another instance or later")

    static let noNumberPool = APIError(
        status: .serviceUnavailable, code: 20503,
        message: "Service Unavailable: this Parley has no number pool; its operator must give one (--number-pool)")

    static let bodyTooLarge = APIError(
        status: .contentTooLarge, code: 20001, message: "Request body exceeds 64 KiB")
}
