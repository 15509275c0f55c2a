import Foundation
import Store

/// Decoded `application/x-www-form-urlencoded` parameters (a POST body or a query string),
/// with typed accessors that throw an `APIError` naming the parameter on bad input.
public struct FormParameters: Sendable {
    private var values: [String: [String]] = [:]

    public init(encoded: String) throws {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            values[name, default: []].append(value)
        }
    }

    /// Adds `other`'s values after this one's, so `other` wins where both have a name.
    public mutating func merge(_ other: FormParameters) {
        for (name, list) in other.values { values[name, default: []].append(contentsOf: list) }
    }

    /// These parameters with `name` set to `value` alone (the console fills in what a form left to Parley).
    public func setting(_ name: String, to value: String?) -> FormParameters {
        var copy = self
        copy.values[name] = value.map { [$0] }
        return copy
    }

    /// The last value given for `name`, or nil when absent.
    public func string(_ name: String) -> String? { values[name]?.last }

    /// Every value given for a repeated parameter, in order.
    public func strings(_ name: String) -> [String] { values[name] ?? [] }

    public func requiredString(_ name: String) throws -> String {
        guard let value = string(name), !value.isEmpty else { throw APIError.missingParameter(name) }
        return value
    }

    /// A text value of at most `maxLength` characters.
    public func text(_ name: String, maxLength: Int) throws -> String? {
        guard let value = string(name) else { return nil }
        guard value.count <= maxLength else {
            throw APIError.invalidParameter(name, "longer than \(maxLength) characters")
        }
        return value
    }

    /// An absolute http or https URL; an empty value means "clear it" and gives `.some(nil)`.
    public func url(_ name: String) throws -> String?? {
        guard let value = string(name) else { return nil }
        if value.isEmpty { return .some(nil) }
        guard let components = URLComponents(string: value),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw APIError.invalidParameter(name, "'\(value)' is not an absolute http(s) URL")
        }
        return .some(value)
    }

    public func method(_ name: String) throws -> WebhookMethod? {
        guard let value = string(name) else { return nil }
        guard let method = WebhookMethod(rawValue: value.uppercased()) else {
            throw APIError.invalidParameter(name, "must be GET or POST")
        }
        return method
    }

    public func bool(_ name: String) throws -> Bool? {
        guard let value = string(name) else { return nil }
        switch value.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.invalidParameter(name, "must be true or false")
        }
    }

    public func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = string(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw APIError.invalidParameter(
                name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    public func sid<Kind>(_ name: String) throws -> Sid<Kind>?? {
        guard let value = string(name) else { return nil }
        if value.isEmpty { return .some(nil) }
        guard let sid = Sid<Kind>(value) else {
            throw APIError.invalidParameter(name, "'\(value)' is not a \(Kind.prefix) SID")
        }
        return .some(sid)
    }

    public func choice<Value: RawRepresentable<String>>(_ name: String, as type: Value.Type)
        throws -> Value?
    {
        guard let value = string(name) else { return nil }
        guard let choice = Value(rawValue: value) ?? Value(rawValue: value.lowercased()) else {
            throw APIError.invalidParameter(name, "'\(value)' is not an accepted value")
        }
        return choice
    }

    /// `Page` and `PageSize`, validated.
    public func pageRequest() throws -> PageRequest {
        let size = try integer("PageSize", in: 1...PageRequest.maximumSize) ?? PageRequest.defaultSize
        let page = try integer("Page", in: 0...1_000_000) ?? 0
        return PageRequest(page: page, size: size)
    }

    /// Percent-decoding with `+` as space, over bytes; invalid escapes or UTF-8 are a 400.
    private static func decode(_ raw: Substring) throws -> String {
        let utf8 = raw.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(raw)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high != utf8.endIndex, utf8.index(after: high) != utf8.endIndex,
                    let upper = hexValue(utf8[high]), let lower = hexValue(utf8[utf8.index(after: high)])
                else { throw malformed(raw) }
                bytes.append(upper << 4 | lower)
                index = utf8.index(after: high)
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw malformed(raw) }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func malformed(_ raw: Substring) -> APIError {
        APIError(
            status: .badRequest, code: 20001,
            message: "Malformed form encoding near '\(raw.prefix(40))'")
    }
}
