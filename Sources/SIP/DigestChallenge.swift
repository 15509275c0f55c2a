import SIPMessages
import Store

/// A `WWW-Authenticate` or `Proxy-Authenticate` challenge with the Digest scheme (RFC 7616
/// §3.3), as a carrier sends it to Parley: realm, nonce, opaque, algorithm and qop.
struct DigestChallenge: Sendable, Equatable {
    let realm: String
    let nonce: String
    let opaque: String?
    let algorithm: DigestAlgorithm
    /// Whether the server asked for `qop=auth` (else the RFC 2069 form is answered).
    let qopAuth: Bool

    /// Parses a header value; nil for another scheme, a missing realm or nonce, or an
    /// algorithm Parley does not have.
    init?(_ header: String) {
        let trimmed = header.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "digest " else { return nil }
        var fields: [String: String] = [:]
        for part in SIPHeaders.splitOutsideQuotes(String(trimmed.dropFirst(7)), separator: ",") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].trimmingSIPWhitespace().lowercased()
            var value = part[part.index(after: equals)...].trimmingSIPWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            fields[name] = value
        }
        guard let realm = fields["realm"], let nonce = fields["nonce"], let algorithm = DigestAlgorithm(header: fields["algorithm"])
        else { return nil }
        self.realm = realm
        self.nonce = nonce
        self.opaque = fields["opaque"]
        self.algorithm = algorithm
        qopAuth = fields["qop"].map { $0.split(separator: ",").contains { $0.trimmingSIPWhitespace().lowercased() == "auth" } } ?? false
    }

    /// The `Authorization` (or `Proxy-Authorization`) value that answers this challenge for
    /// `method` on `uri`, with a fresh client nonce.
    func answer(username: String, password: String, method: String, uri: String, cnonce: String = RandomHex.string(byteCount: 8))
        -> String
    {
        let ha1 = algorithm.hash("\(username):\(realm):\(password)")
        let ha2 = algorithm.hash("\(method):\(uri)")
        var value = "Digest username=\"\(username)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\""
        if qopAuth {
            let nc = "00000001"
            let response = algorithm.hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
            value += ", response=\"\(response)\", algorithm=\(algorithm.rawValue), qop=auth, nc=\(nc), cnonce=\"\(cnonce)\""
        } else {
            value += ", response=\"\(algorithm.hash("\(ha1):\(nonce):\(ha2)"))\", algorithm=\(algorithm.rawValue)"
        }
        if let opaque { value += ", opaque=\"\(opaque)\"" }
        return value
    }
}
