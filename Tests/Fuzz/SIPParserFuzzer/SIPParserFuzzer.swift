import SIPMessages

/// libFuzzer entry point: any bytes may be parsed without trapping, and whatever parses must
/// serialise into bytes that parse again (RFC 3261 messages survive a round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSIPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    _ = try? SIPParser.messageLength(bytes)
    guard let message = try? SIPParser.parse(bytes) else { return 0 }
    let serialized: [UInt8]
    switch message {
    case .request(let request):
        _ = request.headers.values("Via").map(Via.init)
        _ = request.headers.values("Contact").map(NameAddress.init)
        _ = SIPURI(request.uri)
        _ = request.headers["Authorization"].map(DigestAuthorization.init)
        serialized = request.serialized()
    case .response(let response):
        serialized = response.serialized()
    }
    do {
        _ = try SIPParser.parse(serialized)
    } catch {
        fatalError("a parsed message did not survive serialisation: \(error)")
    }
    return 0
}
