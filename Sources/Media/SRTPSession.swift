import CSRTP
import Synchronization

/// SRTP for one RTP session through libsrtp2 (SDES keys, RFC 4568): one context protecting
/// what we send with our key, one checking and decrypting what we receive with the far
/// end's. Packets whose authentication fails are dropped and counted. Used on the session's
/// event loop only.
public final class SRTPSession {
    private var outbound: srtp_t?
    private var inbound: srtp_t?
    /// Bytes a protected RTP packet grows by: the authentication tag.
    public let overhead: Int
    public private(set) var rejected = 0

    /// libsrtp2's one-time global setup.
    private static let initialised: Bool = srtp_init() == srtp_err_status_ok

    public init?(suite: SRTPSuite, localKey: [UInt8], remoteKey: [UInt8]) {
        guard Self.initialised, localKey.count == 30, remoteKey.count == 30 else { return nil }
        overhead = suite == .aesCM128HMACSHA1_80 ? 10 : 4
        guard let outbound = Self.context(suite: suite, key: localKey, inbound: false),
            let inbound = Self.context(suite: suite, key: remoteKey, inbound: true)
        else { return nil }
        self.outbound = outbound
        self.inbound = inbound
    }

    deinit {
        if let outbound { srtp_dealloc(outbound) }
        if let inbound { srtp_dealloc(inbound) }
    }

    private static func context(suite: SRTPSuite, key: [UInt8], inbound: Bool) -> srtp_t? {
        var policy = srtp_policy_t()
        switch suite {
        case .aesCM128HMACSHA1_80: srtp_crypto_policy_set_rtp_default(&policy.rtp)
        case .aesCM128HMACSHA1_32: srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp)
        }
        srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound
        policy.window_size = 128
        policy.allow_repeat_tx = 0
        policy.next = nil
        var session: srtp_t?
        var material = key
        let status = material.withUnsafeMutableBufferPointer { buffer -> srtp_err_status_t in
            policy.key = buffer.baseAddress
            return srtp_create(&session, &policy)
        }
        return status == srtp_err_status_ok ? session : nil
    }

    /// Encrypts and signs the RTP packet in place; `length` grows by `overhead`. The buffer
    /// must have that much room after the packet.
    public func protect(_ packet: UnsafeMutableRawPointer, length: inout Int) -> Bool {
        Self.apply(srtp_protect, outbound, packet, &length)
    }

    /// Checks and decrypts in place; false (counted) when authentication or replay fails.
    public func unprotect(_ packet: UnsafeMutableRawPointer, length: inout Int) -> Bool {
        guard Self.apply(srtp_unprotect, inbound, packet, &length) else {
            rejected += 1
            return false
        }
        return true
    }

    /// SRTCP: an index and a tag (14 bytes) follow the packet, which needs that much room.
    func protectControl(_ packet: UnsafeMutableRawPointer, length: inout Int) -> Bool {
        Self.apply(srtp_protect_rtcp, outbound, packet, &length)
    }

    func unprotectControl(_ packet: UnsafeMutableRawPointer, length: inout Int) -> Bool {
        Self.apply(srtp_unprotect_rtcp, inbound, packet, &length)
    }

    /// Runs one of libsrtp2's in-place operations, carrying the length in and out.
    private static func apply(
        _ operation: (srtp_t?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> srtp_err_status_t,
        _ context: srtp_t?, _ packet: UnsafeMutableRawPointer, _ length: inout Int
    ) -> Bool {
        var size = Int32(length)
        guard operation(context, packet, &size) == srtp_err_status_ok else { return false }
        length = Int(size)
        return true
    }
}

/// The SRTP suites Parley speaks (RFC 4568's two common ones).
public enum SRTPSuite: Sendable, Equatable {
    case aesCM128HMACSHA1_80, aesCM128HMACSHA1_32
}
