import Addressing
import SIP
import SIPMessages
import Store

/// What a tenant may call, checked on the parsed target whatever the entry point (`POST Calls`,
/// `<Dial>`, a softphone): Belgian numbers only and never emergency or special ones, also when
/// they hide in a `sip:` user part; no control characters or URI headers that could reach the
/// carrier as SIP; no `sip:` host that is the carrier's trunk, Parley itself, or the
/// operator's network (loopback, private, link-local, CGNAT, multicast) unless the operator
/// allowed that block with `--sip-allow-cidr`.
public struct DestinationPolicy: Sendable {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// 112, 100, 1xxx, 116xxx: never called.
        case specialNumber(String)
        /// A telephone number outside the Belgian plan.
        case notBelgian(String)
        /// CR, LF, NUL or another control character, URI headers, or `maddr`.
        case unsafe(String)
        /// A `sip:` target at the carrier's gateways: numbers go through the number policy.
        case trunk(String)
        /// Parley's own listeners or a reserved block.
        case address(EgressPolicy.Refusal)

        public var description: String {
            switch self {
            case .specialNumber(let number): "\(number) is an emergency or special number, which Parley never calls"
            case .notBelgian(let number): "\(number) is not a Belgian number; only Belgian destinations can be called"
            case .unsafe(let text): "\(text) holds characters or parts that cannot be sent"
            case .trunk(let address): "\(address) is the carrier's trunk; call numbers as numbers"
            case .address(let refusal): refusal.description
            }
        }

        /// The reason phrase of the 403 a softphone gets.
        public var forbiddenReason: String {
            switch self {
            case .specialNumber: "Forbidden: emergency and special numbers cannot be called"
            case .notBelgian: "Forbidden: only Belgian destinations can be called"
            case .unsafe: "Forbidden: the destination holds characters that cannot be sent"
            case .trunk, .address: "Forbidden: destination not allowed"
            }
        }
    }

    let trunks: Trunks
    let egress: EgressPolicy

    public init(trunks: Trunks, egress: EgressPolicy) {
        self.trunks = trunks
        self.egress = egress
    }

    /// The number rules on text a user dialled (a `To`, a Request-URI user part): special and
    /// non-Belgian numbers are refused; text that is no telephone number passes.
    public static func check(dialled text: String) throws(Refusal) {
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { throw .unsafe(text.debugDescription) }
        guard looksLikeTelephoneNumber(text) else { return }
        if BelgianNumberPlan.isEmergencyOrSpecial(text) { throw .specialNumber(text) }
        guard BelgianNumberPlan.normalise(text) != nil else { throw .notBelgian(text) }
    }

    /// The parts of a `sip:` target that do not need its address: the user part under the
    /// number rules, and nothing that would write extra headers or reroute the request.
    public static func check(_ uri: SIPURI) throws(Refusal) {
        if uri.headers != nil || uri.parameters["maddr"] != nil { throw .unsafe(uri.description) }
        if uri.host.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
            throw .unsafe(uri.host.debugDescription)
        }
        if let user = uri.user { try check(dialled: user) }
    }

    /// The address a `sip:` target resolved to, which is the one Parley then sends to.
    public func check(address: String, port: Int) throws(Refusal) {
        if trunks.reaches(address: address, port: port) { throw .trunk(HostPort(host: address, port: port).description) }
        if let refusal = egress.refusal(address: address, port: port) { throw .address(refusal) }
    }

    /// Digits with an optional `+` and the separators people type: what a carrier would route
    /// as a number.
    static func looksLikeTelephoneNumber(_ text: String) -> Bool {
        let kept = text.filter { !" .-/()".contains($0) }
        let digits = kept.hasPrefix("+") ? kept.dropFirst() : Substring(kept)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "*" || $0 == "#") }
    }
}
