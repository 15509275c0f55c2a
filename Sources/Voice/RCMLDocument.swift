import Foundation
import FoundationXML

/// One element of an RCML document as written: its name, attributes, text and children, and
/// the line it starts on (for Notifications that point at it).
public struct RCMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var text: String
    public var children: [RCMLElement]
    public var line: Int
}

/// Why a document is not RCML; becomes a Notification (error 12100).
public struct RCMLError: Error, Equatable, CustomStringConvertible {
    public let line: Int
    public let reason: String
    public var description: String { "line \(line): \(reason)" }
}

/// An RCML document: well-formed XML whose root is `<Response>`; its children are the verbs.
/// Whitespace, comments and the XML declaration are allowed; a `<!DOCTYPE` is not, since its
/// entities could read the operator's files or expand without end.
public struct RCMLDocument: Sendable, Equatable {
    public let verbs: [RCMLElement]

    /// `<Response/>`: nothing to do.
    public static let empty = RCMLDocument(verbs: [])

    /// A URL written in a document (an action, a redirect), relative ones taken from the URL
    /// the document came from.
    public static func resolve(_ url: String, against documentURL: String) -> String {
        URL(string: url, relativeTo: URL(string: documentURL))?.absoluteString ?? url
    }

    private init(verbs: [RCMLElement]) {
        self.verbs = verbs
    }

    public init(parsing text: String) throws(RCMLError) {
        if let doctype = text.range(of: "<!DOCTYPE", options: .caseInsensitive) {
            let line = text[..<doctype.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            throw RCMLError(line: line, reason: "a <!DOCTYPE> is not allowed in RCML")
        }
        let reader = TreeReader()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = reader
        guard parser.parse(), let root = reader.root else {
            throw RCMLError(line: parser.lineNumber, reason: parser.parserError.map { "not well-formed XML (\($0.localizedDescription))" } ?? "empty document")
        }
        guard root.name == "Response" else {
            throw RCMLError(line: root.line, reason: "the root element is <\(root.name)>, not <Response>")
        }
        verbs = root.children
    }
}

/// Builds the element tree from XMLParser's events (used on one thread, for one document).
private final class TreeReader: NSObject, XMLParserDelegate {
    var root: RCMLElement?
    private var open: [RCMLElement] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        open.append(RCMLElement(name: elementName, attributes: attributes, text: "", children: [], line: parser.lineNumber))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !open.isEmpty else { return }
        open[open.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard var element = open.popLast() else { return }
        element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if open.isEmpty {
            root = element
        } else {
            open[open.count - 1].children.append(element)
        }
    }
}
