/// Why a message was not accepted, with Twilio's error code and the parameter at fault.
public struct SMSRefusal: Error, Equatable, Sendable {
    public let code: Int
    public let parameter: String
    public let message: String

    static func notOwned(_ from: String) -> SMSRefusal {
        SMSRefusal(
            code: 21606, parameter: "From",
            message: "The 'From' phone number \(from) is not a valid, SMS-capable phone number of this account")
    }

    static func invalidTo(_ to: String) -> SMSRefusal {
        SMSRefusal(code: 21211, parameter: "To", message: "Invalid 'To' Phone Number: \(to)")
    }

    static func notMobile(_ to: String) -> SMSRefusal {
        SMSRefusal(code: 21614, parameter: "To", message: "'To' number \(to) is not a Belgian mobile number: SMS go to Belgian mobiles only")
    }

    static let emptyBody = SMSRefusal(code: 21602, parameter: "Body", message: "Message body is required")

    static func bodyTooLong(_ length: Int) -> SMSRefusal {
        SMSRefusal(
            code: 21617, parameter: "Body",
            message: "The message body is \(length) characters long; the limit is \(SMSService.maximumBodyLength)")
    }
}
