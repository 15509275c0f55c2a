import Crypto
import Foundation
import Store

/// Stateless digest nonces (RFC 7616 §3.3): the issue time, a random part (so no two
/// challenges share a nonce, and nonce-counts stay per nonce) and an HMAC of both under a key
/// made at start, so any nonce can be checked for origin and age without storing it.
struct DigestNonces: Sendable {
    private let key = SymmetricKey(size: .bits256)
    let lifetime: TimeInterval

    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    func make(at now: Date) -> String {
        let stamp = String(UInt64(now.timeIntervalSince1970 * 1000), radix: 16) + "." + RandomHex.string(byteCount: 6)
        return stamp + "." + mac(stamp)
    }

    enum Check: Equatable {
        case fresh(issued: Date)
        /// Ours but too old: the client should retry with a new nonce (`stale=true`).
        case stale
        case forged
    }

    func check(_ nonce: String, at now: Date) -> Check {
        let parts = nonce.split(separator: ".")
        guard parts.count == 3, let millis = UInt64(parts[0], radix: 16),
            SecretHash.constantTimeEquals(mac(parts[0] + "." + parts[1]), String(parts[2]))
        else { return .forged }
        let issued = Date(timeIntervalSince1970: Double(millis) / 1000)
        return now.timeIntervalSince(issued) <= lifetime ? .fresh(issued: issued) : .stale
    }

    private func mac(_ stamp: String) -> String {
        SecretHash.hex(HMAC<SHA256>.authenticationCode(for: Data(stamp.utf8), using: key).prefix(12))
    }
}

/// RFC 7616 digest algorithms Parley can offer.
public enum DigestAlgorithm: String, CaseIterable, Sendable {
    case sha256 = "SHA-256"
    case md5 = "MD5"

    /// The algorithm named in a header (`MD5` when absent, as RFC 7616 §3.3 says).
    public init?(header value: String?) {
        switch value?.uppercased() {
        case nil, "MD5": self = .md5
        case "SHA-256": self = .sha256
        default: return nil
        }
    }

    func hash(_ text: String) -> String {
        switch self {
        case .md5: SecretHash.hex(Insecure.MD5.hash(data: Data(text.utf8)))
        case .sha256: SecretHash.hex(SHA256.hash(data: Data(text.utf8)))
        }
    }

    func ha1(_ credentials: DigestCredentials) -> String {
        switch self {
        case .md5: credentials.ha1MD5
        case .sha256: credentials.ha1SHA256
        }
    }

    /// The expected `response` for qop=auth (RFC 7616 §3.4.1).
    func response(ha1: String, nonce: String, nc: String, cnonce: String, method: String, uri: String) -> String {
        hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(hash("\(method):\(uri)"))")
    }
}
