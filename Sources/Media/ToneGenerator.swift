import Foundation

/// Tones as 8 kHz samples: DTMF keys (the pair of ITU-T Q.23 frequencies for each key) for
/// RCML's `<Play digits>`, the beep before `<Record>`, the ringback heard while `<Dial>` rings,
/// the busy tone after it, and the hold music of a conference waiting to start.
public enum ToneGenerator {
    static let rows: [Double] = [697, 770, 852, 941]
    static let columns: [Double] = [1209, 1336, 1477, 1633]
    static let layout: [Character] = Array("123A456B789C*0#D")

    /// The two frequencies of a key, or nil for anything else.
    static func frequencies(of key: Character) -> (low: Double, high: Double)? {
        guard let index = layout.firstIndex(of: key) else { return nil }
        return (rows[index / 4], columns[index % 4])
    }

    /// Each key for `toneMilliseconds` followed by as much silence; `w` is half a second of
    /// silence (Twilio's `<Play digits>` convention). Each frequency at about −10 dBm0.
    public static func dtmf(_ keys: String, toneMilliseconds: Int = 100) -> [Int16] {
        let toneSamples = toneMilliseconds * 8
        var samples: [Int16] = []
        for key in keys {
            if key == "w" {
                samples += [Int16](repeating: 0, count: 4000)
                continue
            }
            guard let (low, high) = frequencies(of: key) else { continue }
            for index in 0..<toneSamples {
                let time = Double(index) / 8000
                let value = 5000 * (sin(2 * .pi * low * time) + sin(2 * .pi * high * time))
                samples.append(Int16(value))
            }
            samples += [Int16](repeating: 0, count: toneSamples)
        }
        return samples
    }

    /// A 1 kHz beep of `milliseconds` at about −10 dBm0, as answering machines and Twilio's
    /// `playBeep` give.
    public static func beep(milliseconds: Int = 250) -> [Int16] {
        (0..<(milliseconds * 8)).map { Int16(7000 * sin(2 * .pi * 1000 * Double($0) / 8000)) }
    }

    /// One cadence of the Belgian ringback tone (425 Hz, 1 s on, 3 s off), to loop while a
    /// Dial rings.
    public static func ringback() -> [Int16] {
        (0..<8000).map { Int16(4000 * sin(2 * .pi * 425 * Double($0) / 8000)) } + [Int16](repeating: 0, count: 24000)
    }

    /// One cadence of the Belgian busy tone (425 Hz, 0.5 s on, 0.5 s off), heard when a Dial
    /// found the callee busy and the document has nothing after it.
    public static func busy() -> [Int16] {
        (0..<4000).map { Int16(4000 * sin(2 * .pi * 425 * Double($0) / 8000)) } + [Int16](repeating: 0, count: 4000)
    }

    /// Parley's hold music: a soft arpeggio (C, E, G, C' and back, 250 ms a note, each with a
    /// gentle attack and decay), 2 s to loop while a conference waits to start.
    public static func holdMusic() -> [Int16] {
        let notes: [Double] = [261.63, 329.63, 392.0, 523.25, 392.0, 329.63, 261.63, 196.0]
        return notes.flatMap { note in
            (0..<2000).map { index in
                let envelope = min(1, Double(index) / 200) * (1 - Double(index) / 2000)
                return Int16(3000 * envelope * (sin(2 * .pi * note * Double(index) / 8000) + 0.3 * sin(4 * .pi * note * Double(index) / 8000)))
            }
        }
    }
}
