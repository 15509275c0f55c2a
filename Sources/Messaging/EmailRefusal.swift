/// Why an e-mail was not accepted: the parameter at fault and what is wrong with it.
public struct EmailRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    public let parameter: String
    public let message: String

    public var description: String { "\(parameter): \(message)" }
}
