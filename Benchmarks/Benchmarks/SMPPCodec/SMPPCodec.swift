import Benchmark
import NIOCore
import SMPPMessages

/// What one SMS costs before any I/O: its text cut into parts, each part's submit_sm encoded,
/// and the SMSC's receipt decoded and read. The SMS load script measures the whole path; this
/// isolates the codec's share of it.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    let oneCode = "Your Parley verification code is: 482913"
    let longLatin = String(repeating: "Parley sends this text in GSM 03.38, cut into parts of 153 septets. ", count: 23)
    let longAccents = String(repeating: "Ĉu vi ricevis la kodon? Jes, dankon — ĝi alvenis. ", count: 10)

    Benchmark("segment a 40-character code text (one GSM-7 part)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SegmentedText(oneCode, reference: 1))
        }
    }

    Benchmark("segment a 1,587-character text (11 GSM-7 parts)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SegmentedText(longLatin, reference: 1))
        }
    }

    Benchmark("segment a 510-character text (8 UCS-2 parts)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SegmentedText(longAccents, reference: 1))
        }
    }

    let text = SegmentedText(oneCode, reference: 1)
    let submit = SMPPPDU(
        sequenceNumber: 7,
        body: .submitSM(
            ShortMessage(
                source: .shortCode("8640"), destination: .international("32470123456"), registeredDelivery: 1,
                dataCoding: text.encoding.dataCoding, payload: text.parts[0])))
    Benchmark("encode a submit_sm") { benchmark in
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            try submit.encode(into: &buffer)
            blackHole(buffer.readableBytes)
        }
    }

    let receiptText = "id:0123456789 sub:001 dlvrd:001 submit date:2612071530 done date:2612071531 stat:DELIVRD err:000 text:Your Parley veri"
    let deliver = SMPPPDU(
        sequenceNumber: 9,
        body: .deliverSM(
            ShortMessage(
                source: .international("32470123456"), destination: .shortCode("8640"), esmClass: ShortMessage.deliveryReceiptFlag,
                payload: Array(receiptText.utf8))))
    var encodedReceipt = ByteBufferAllocator().buffer(capacity: 256)
    try? deliver.encode(into: &encodedReceipt)
    let receiptFrame = encodedReceipt
    Benchmark("decode a deliver_sm receipt and read it") { benchmark in
        for _ in benchmark.scaledIterations {
            guard case .deliverSM(let message) = try SMPPPDU(decoding: receiptFrame).body else { fatalError("not a deliver_sm") }
            blackHole(DeliveryReceipt(message))
        }
    }
}
