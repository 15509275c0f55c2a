import Benchmark
import CLibSRTP
import Media

/// SRTP (AES_CM_128_HMAC_SHA1_80) on a 20 ms G.711 packet: protected by one side and checked
/// and decrypted by the other, as Parley's sessions do it (`SRTPSession`, the receiver first
/// copying the datagram into its scratch buffer), and the same two calls made on libsrtp2
/// directly, its own cost.
func srtpBenchmarks() {
    let sendKey = (0..<30).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
    let receiveKey = (0..<30).map { UInt8(truncatingIfNeeded: $0 * 13 + 5) }
    var template = [UInt8](repeating: 0xD5, count: 12 + 160 + 16)
    template[0] = 0x80
    template[1] = 8
    template[8...11] = [0, 0, 0x30, 0x39]

    Benchmark("SRTP protect + unprotect, one 20 ms G.711 packet, Parley's sessions", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let sender = SRTPSession(suite: .aesCM128HMACSHA1_80, localKey: sendKey, remoteKey: receiveKey)!
        let receiver = SRTPSession(suite: .aesCM128HMACSHA1_80, localKey: receiveKey, remoteKey: sendKey)!
        var packet = template
        var scratch = [UInt8](repeating: 0, count: 2048)
        var accepted = 0
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            packet.withUnsafeMutableBytes { bytes in
                bytes[2] = UInt8(truncatingIfNeeded: iteration >> 8)
                bytes[3] = UInt8(truncatingIfNeeded: iteration)
                var length = 172
                guard sender.protect(bytes.baseAddress!, length: &length) else { return }
                scratch.withUnsafeMutableBytes { received in
                    received.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
                    if receiver.unprotect(received.baseAddress!, length: &length) { accepted += 1 }
                }
            }
        }
        benchmark.stopMeasurement()
        precondition(accepted == benchmark.scaledIterations.count, "every packet must pass authentication")
    }

    Benchmark("SRTP protect + unprotect, one 20 ms G.711 packet, libsrtp2 alone", configuration: .init(scalingFactor: .kilo)) { benchmark in
        srtp_init()
        let sender = context(key: sendKey, inbound: false)
        let receiver = context(key: sendKey, inbound: true)
        var packet = template
        var accepted = 0
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            packet.withUnsafeMutableBytes { bytes in
                bytes[2] = UInt8(truncatingIfNeeded: iteration >> 8)
                bytes[3] = UInt8(truncatingIfNeeded: iteration)
                var length: Int32 = 172
                guard srtp_protect(sender, bytes.baseAddress, &length) == srtp_err_status_ok else { return }
                if srtp_unprotect(receiver, bytes.baseAddress, &length) == srtp_err_status_ok { accepted += 1 }
            }
        }
        benchmark.stopMeasurement()
        precondition(accepted == benchmark.scaledIterations.count, "every packet must pass authentication")
        srtp_dealloc(sender)
        srtp_dealloc(receiver)
    }
}

private func context(key: [UInt8], inbound: Bool) -> srtp_t? {
    var policy = srtp_policy_t()
    srtp_crypto_policy_set_rtp_default(&policy.rtp)
    srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound
    policy.window_size = 128
    var session: srtp_t?
    var material = key
    _ = material.withUnsafeMutableBufferPointer { buffer in
        policy.key = buffer.baseAddress
        return srtp_create(&session, &policy)
    }
    return session
}
