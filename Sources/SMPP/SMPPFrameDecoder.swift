import NIOCore
import SMPPMessages

/// Cuts a TCP byte stream into SMPP PDUs by their command_length (SMPP 3.4 §3.2). A length
/// below the header or above `SMPPPDU.maximumLength` cannot be resynchronised: the
/// connection is closed.
struct SMPPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length >= SMPPPDU.headerLength, length <= SMPPPDU.maximumLength else { throw SMPPCodingError.invalidLength(length) }
        guard let frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }
}
