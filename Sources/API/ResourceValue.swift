/// A resource as the API shows it, independent of the wire format. Keys are Twilio's
/// snake_case JSON names; XML element names are derived from them (`date_created` →
/// `DateCreated`), so each resource is described once for both formats.
public indirect enum ResourceValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case null
    case object([Field])
    /// A JSON array; in XML, an element holding one `element` per item.
    case array(element: String, [ResourceValue])
    /// A page of a list: in JSON the paging fields beside the items key; in XML the paging
    /// fields as attributes of the list element, as Twilio and Restcomm write them.
    case page(key: String, element: String, paging: [Field], items: [ResourceValue])

    public struct Field: Sendable, Equatable {
        public let key: String
        public let value: ResourceValue

        public init(_ key: String, _ value: ResourceValue) {
            self.key = key
            self.value = value
        }
    }

    /// An object whose fields keep the order written.
    public static func object(_ pairs: KeyValuePairs<String, ResourceValue>) -> ResourceValue {
        .object(pairs.map { Field($0.key, $0.value) })
    }

    /// The fields of an object, in the order written, to extend before making the object.
    public static func fields(_ pairs: KeyValuePairs<String, ResourceValue>) -> [Field] {
        pairs.map { Field($0.key, $0.value) }
    }

    /// A string, or null when absent.
    public static func text(_ value: String?) -> ResourceValue {
        value.map(ResourceValue.string) ?? .null
    }
}

extension ResourceValue {
    /// The JSON text of this value.
    public var json: String {
        var output = ""
        writeJSON(to: &output)
        return output
    }

    private func writeJSON(to output: inout String) {
        switch self {
        case .string(let text):
            Self.writeJSONString(text, to: &output)
        case .integer(let number):
            output += String(number)
        case .boolean(let flag):
            output += flag ? "true" : "false"
        case .null:
            output += "null"
        case .object(let fields):
            Self.writeJSONObject(fields, to: &output)
        case .array(_, let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.writeJSON(to: &output)
            }
            output += "]"
        case .page(let key, let element, let paging, let items):
            Self.writeJSONObject(paging + [Field(key, .array(element: element, items))], to: &output)
        }
    }

    private static func writeJSONObject(_ fields: [Field], to output: inout String) {
        output += "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { output += "," }
            writeJSONString(field.key, to: &output)
            output += ":"
            field.value.writeJSON(to: &output)
        }
        output += "}"
    }

    private static func writeJSONString(_ text: String, to output: inout String) {
        output += "\""
        // Most values (SIDs, URLs, dates) need no escaping: copy them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

extension ResourceValue {
    /// The XML text of this value as the content of `<name>`.
    public func xml(named name: String) -> String {
        var output = ""
        writeXML(named: name, to: &output)
        return output
    }

    private func writeXML(named name: String, to output: inout String) {
        switch self {
        case .string(let text):
            output += "<\(name)>\(Self.escapeXML(text))</\(name)>"
        case .integer(let number):
            output += "<\(name)>\(number)</\(name)>"
        case .boolean(let flag):
            output += "<\(name)>\(flag)</\(name)>"
        case .null:
            output += "<\(name)/>"
        case .object(let fields):
            output += "<\(name)>"
            for field in fields {
                field.value.writeXML(named: Self.elementName(field.key), to: &output)
            }
            output += "</\(name)>"
        case .array(let element, let items):
            output += "<\(name)>"
            for item in items { item.writeXML(named: element, to: &output) }
            output += "</\(name)>"
        case .page(_, let element, let paging, let items):
            output += "<\(name)"
            for field in paging {
                let attribute = field.key.replacingOccurrences(of: "_", with: "")
                output += " \(attribute)=\"\(Self.escapeXML(field.value.scalarText))\""
            }
            output += ">"
            for item in items { item.writeXML(named: element, to: &output) }
            output += "</\(name)>"
        }
    }

    private var scalarText: String {
        switch self {
        case .string(let text): text
        case .integer(let number): String(number)
        case .boolean(let flag): String(flag)
        default: ""
        }
    }

    /// `date_created` → `DateCreated`.
    static func elementName(_ key: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.utf8.count)
        var startOfWord = true
        for byte in key.utf8 {
            if byte == UInt8(ascii: "_") {
                startOfWord = true
            } else if startOfWord, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) {
                bytes.append(byte - 32)
                startOfWord = false
            } else {
                bytes.append(byte)
                startOfWord = false
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func escapeXML(_ text: String) -> String {
        let needsEscaping = text.utf8.contains { byte in
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        }
        guard needsEscaping else { return text }
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            default: output.append(character)
            }
        }
        return output
    }
}
