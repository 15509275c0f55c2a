import Hummingbird

/// Turns resources and errors into HTTP responses in the format the request chose.
enum ResourceResponse {
    /// A resource; `element` names its XML element (`Application`, `Calls`, ...).
    static func make(
        _ value: ResourceValue, element: String, status: HTTPResponse.Status = .ok,
        context: ParleyRequestContext
    ) -> Response {
        switch context.format {
        case .json:
            return body(value.json, contentType: "application/json; charset=utf-8", status: status)
        case .xml:
            let root = context.root.xmlRootElement
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root)>"
                + value.xml(named: element) + "</\(root)>"
            return body(xml, contentType: "application/xml; charset=utf-8", status: status)
        }
    }

    static func error(_ error: APIError, context: ParleyRequestContext) -> Response {
        let value = ResourceValue.object([
            "code": .integer(error.code), "message": .string(error.message),
            "more_info": .string(error.moreInfo), "status": .integer(Int(error.status.code)),
        ])
        var response = make(value, element: "RestException", status: error.status, context: context)
        if let challenge = error.challenge {
            response.headers[.wwwAuthenticate] = challenge
        }
        switch error.status {
        case .tooManyRequests: response.headers[.retryAfter] = "60"
        case .serviceUnavailable: response.headers[.retryAfter] = "5"
        default: break
        }
        return response
    }

    static func noContent() -> Response {
        Response(status: .noContent)
    }

    private static func body(_ text: String, contentType: String, status: HTTPResponse.Status)
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
