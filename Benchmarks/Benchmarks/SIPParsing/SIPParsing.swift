import Benchmark
import SIPMessages

/// SIP parse + serialize throughput with allocation counts: the per-message cost of the
/// signalling path before any transaction or registrar work.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    let register = Array("""
        REGISTER sip:127.0.0.1:5060 SIP/2.0\r
        Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-9353-1-0;rport\r
        From: <sip:load0001@127.0.0.1>;tag=9353SIPpTag001\r
        To: <sip:load0001@127.0.0.1>\r
        Call-ID: 1-9353@127.0.0.1\r
        CSeq: 2 REGISTER\r
        Contact: <sip:load0001@127.0.0.1:5061;transport=UDP>\r
        Authorization: Digest username="load0001",realm="parley",uri="sip:127.0.0.1:5060",nonce="19ac1f0e8f1.9e0b7c1a5d3e2f4a6b8c9d0e",response="0a4f113eeb1a9a1b2c3d4e5f60718293",algorithm=MD5,cnonce="6b8b4567",qop=auth,nc=00000001\r
        Max-Forwards: 70\r
        Expires: 600\r
        User-Agent: SIPp register_digest\r
        Content-Length: 0\r
        \r

        """.utf8)

    Benchmark("parse a digest REGISTER") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SIPParser.parse(register))
        }
    }

    guard case .request(let request) = try? SIPParser.parse(register) else { return }
    Benchmark("serialize a REGISTER") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(request.serialized())
        }
    }

    Benchmark("parse the REGISTER's Via, Contact and Authorization") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(request.headers.values("Via").map(Via.init))
            blackHole(request.headers.values("Contact").map(NameAddress.init))
            blackHole(request.headers["Authorization"].map(DigestAuthorization.init))
        }
    }
}
