import Foundation
import Speech
import Store

/// The verbs of an RCML document this Parley runs, with the attributes and defaults of
/// restcomm-compat §2.2, checked when the document is read: an unknown verb, a verb nested
/// where it may not be, or an attribute value out of its range is an error naming the element
/// and its line, before anything runs. Attribute values are read case-insensitively.
public enum RCMLVerb: Sendable, Equatable {
    case say(Say)
    case play(Play)
    case pause(seconds: Int)
    case gather(Gather)
    case record(Record)
    case dial(Dial)
    case enqueue(Enqueue)
    /// Leaves the queue (in a queue's wait document).
    case leave
    case hangup
    case reject(busy: Bool)
    case redirect(url: String, method: WebhookMethod)
    case sms(Sms)
    case email(Email)

    /// `<Email>`: an e-mail sent during the call (Restcomm's verb); the document goes on.
    public struct Email: Sendable, Equatable {
        public var body: String
        public var to: [String]
        public var from: String?
        public var cc: [String]
        public var bcc: [String]
        public var subject: String?
    }

    /// `<Sms>`: a text message sent during the call (Twilio's and Restcomm's verb).
    public struct Sms: Sendable, Equatable {
        public var body: String
        /// The recipient; nil for the other party of the call.
        public var to: String?
        /// The account's number it is sent for; nil for the account's party of the call.
        public var from: String?
        /// Requested with `SmsSid` and `SmsStatus` once the message is queued or refused; its
        /// document replaces the rest of this one.
        public var action: String?
        public var method: WebhookMethod
        public var statusCallback: String?
    }

    public struct Say: Sendable, Equatable {
        public var text: String
        public var voice: SpeechSynthesizer.Voice
        public var language: String
        /// How many times; 0 repeats until something stops it.
        public var loop: Int
    }

    public struct Play: Sendable, Equatable {
        /// A WAV file to fetch, or nil when `digits` are played as DTMF tones.
        public var url: String?
        public var digits: String?
        /// How many times; 0 repeats until something stops it.
        public var loop: Int
    }

    public struct Gather: Sendable, Equatable {
        public var action: String?
        public var method: WebhookMethod
        /// Seconds to wait for the first or next key once the nested verbs have played.
        public var timeout: Int
        /// The key that ends input (not part of the digits); nil when none does.
        public var finishOnKey: Character?
        public var numDigits: Int?
        /// Say, Play and Pause verbs, interrupted by the first key (or the caller speaking).
        public var prompts: [RCMLVerb]
        /// Whether keys are taken (Twilio's and Restcomm's default).
        public var dtmf = true
        /// Set when speech is taken too: how to recognise it.
        public var speech: SpeechInput?
    }

    /// `<Gather input="speech">`'s settings.
    public struct SpeechInput: Sendable, Equatable {
        /// The BCP-47 language the caller speaks (en-US by default).
        public var language: String
        /// Words and phrases the caller is expected to say (the `hints` attribute, comma-separated).
        public var hints: [String]
        /// Seconds of quiet after speech that end it (`speechTimeout`; "auto": one second).
        public var endSilence: Int
        /// The longest utterance in seconds (`maxSpeechTime`).
        public var maxLength: Int
    }

    public struct Record: Sendable, Equatable {
        public var action: String?
        public var method: WebhookMethod
        /// Seconds of silence that end the recording; 0 never does.
        public var timeout: Int
        /// Keys that end the recording; empty when none does.
        public var finishOnKey: String
        /// The longest recording, in seconds.
        public var maxLength: Int
        public var playBeep: Bool
    }

    public struct Dial: Sendable, Equatable {
        /// Who to ring, all at once; the first to answer is connected (1 to 10).
        public var targets: [DialTarget]
        public var action: String?
        public var method: WebhookMethod
        /// Seconds to let the targets ring.
        public var timeout: Int
        /// The longest the connected call may last, in seconds.
        public var timeLimit: Int
        /// The caller ID shown to the targets; nil: the number the caller dialled (inbound)
        /// or the call's own From (outbound).
        public var callerId: String?
        /// The caller pressing * ends the dialled call and the document goes on.
        public var hangupOnStar: Bool
        /// Whether the connected call is recorded, both sides mixed or one per channel.
        public var record: DialRecording = .none
        /// A conference room to join instead of calling anybody (then `targets` is empty).
        public var conference: ConferenceNoun?
        /// A queue whose front caller to connect instead of calling anybody.
        public var queue: QueueNoun?
    }

    /// `<Enqueue>name</Enqueue>`: wait in the account's queue of that name for an agent.
    public struct Enqueue: Sendable, Equatable {
        public var name: String
        public var action: String?
        public var method: WebhookMethod
        /// The RCML run again and again while waiting (Say, Play, Pause, Leave); nil: Parley's hold music.
        public var waitUrl: String?
        public var waitUrlMethod: WebhookMethod
    }

    /// `<Dial><Queue>name</Queue></Dial>`: connect to the caller at the front of that queue.
    public struct QueueNoun: Sendable, Equatable {
        public var name: String
        /// RCML run on the dequeued caller's end before the two are connected (Twilio's
        /// `url`: Play, Say and Pause), e.g. "you are being connected to an agent".
        public var url: String? = nil
        public var method: WebhookMethod = .post
        /// Parley's addition: take this waiting caller rather than the one at the front.
        public var callSid: String? = nil
    }

    /// `<Dial><Conference>name</Conference></Dial>` with restcomm-compat §2.2's attributes.
    public struct ConferenceNoun: Sendable, Equatable {
        public var name: String
        public var muted = false
        /// Beep for everyone when this participant enters, leaves, both or neither.
        public var beepOnEnter = true
        public var beepOnExit = true
        /// False: wait (hearing the wait audio) until a participant with true arrives.
        public var startConferenceOnEnter = true
        public var endConferenceOnExit = false
        /// What a participant hears while the room waits for its start: a WAV file played in a
        /// loop, or an RCML document (Say, Play, Pause) requested with `waitMethod` and run
        /// again and again; nil: Parley's hold music; empty: silence.
        public var waitUrl: String?
        public var waitMethod: WebhookMethod = .post
        public var maxParticipants = 40
        /// Where the room's events go (the first participant giving one sets it for the room).
        public var statusCallback: String?
        public var statusCallbackMethod: WebhookMethod = .post
        public var statusCallbackEvents: Set<ConferenceEvent> = [.start, .end]
        /// Twilio's `record="record-from-start"` (Restcomm's `true`): the room's mix is recorded
        /// from its start to its end (the first participant who asks decides for the room).
        public var record = false
        /// Told when the room's recording is complete (`RecordingUrl`, `RecordingSid`, ...).
        public var recordingStatusCallback: String?
        public var recordingStatusCallbackMethod: WebhookMethod = .post
        /// Twilio's `coach`: the CallSid of a participant of the room whom this one coaches
        /// (only they hear the coach; the coach hears everyone).
        public var coach: String?
    }

    /// Twilio's conference `statusCallbackEvent` names.
    public enum ConferenceEvent: String, Sendable, CaseIterable {
        case start, end, join, leave, mute, hold
    }

    /// Dial's `record`: `true`, `record-from-answer` (and `-ringing`, recorded from the
    /// answer too) mix both sides; the `-dual` forms keep the caller on the first channel and
    /// the callee on the second.
    public enum DialRecording: Sendable, Equatable {
        case none, mixed, dual
    }

    /// One noun of a Dial: a number through the trunk, a Client's softphones, a SIP address.
    public enum DialTarget: Sendable, Equatable {
        case number(String)
        case client(String)
        case sip(String)

        /// The form `CallTarget` reads, as in `POST Calls`' `To`.
        var address: String {
            switch self {
            case .number(let number): number
            case .client(let login): "client:\(login)"
            case .sip(let uri): uri
            }
        }
    }

    /// The verbs of `document`, or the first problem found in it.
    public static func program(_ document: RCMLDocument) throws(RCMLError) -> [RCMLVerb] {
        try document.verbs.map { element throws(RCMLError) in try verb(element, nested: false) }
    }

    private static func verb(_ element: RCMLElement, nested: Bool) throws(RCMLError) -> RCMLVerb {
        let reader = AttributeReader(element: element)
        if nested, !["Play", "Pause", "Say"].contains(element.name) {
            throw RCMLError(line: element.line, reason: "<\(element.name)> cannot be nested in <Gather>")
        }
        switch element.name {
        case "Say":
            try reader.noChildren()
            let voiceName = reader.string("voice")?.lowercased() ?? "man"
            guard let voice = SpeechSynthesizer.Voice(rawValue: voiceName) else {
                throw RCMLError(line: element.line, reason: "<Say voice=\"\(voiceName)\">: must be man or woman")
            }
            let language = reader.string("language") ?? "en"
            guard SpeechSynthesizer.voiceName(language: language, voice: voice) != nil else {
                throw RCMLError(line: element.line, reason: "<Say language=\"\(language)\">: Parley speaks \(SpeechSynthesizer.voices.keys.sorted().joined(separator: ", "))")
            }
            guard !element.text.isEmpty else { throw RCMLError(line: element.line, reason: "<Say> needs text") }
            return .say(Say(text: element.text, voice: voice, language: language, loop: try reader.integer("loop", default: 1, in: 0...1000)))
        case "Play":
            try reader.noChildren()
            let digits = reader.string("digits")
            if let digits, !digits.allSatisfy({ "0123456789*#ABCDw".contains($0) }) {
                throw RCMLError(line: element.line, reason: "<Play digits> may hold 0-9, *, #, A-D and w, not '\(digits)'")
            }
            guard digits != nil || !element.text.isEmpty else {
                throw RCMLError(line: element.line, reason: "<Play> needs a URL or a digits attribute")
            }
            return .play(Play(url: element.text.isEmpty ? nil : element.text, digits: digits, loop: try reader.integer("loop", default: 1, in: 0...1000)))
        case "Pause":
            try reader.noChildren()
            return .pause(seconds: try reader.integer("length", default: 1, in: 1...14400))
        case "Gather":
            let inputs = Set((reader.string("input") ?? "dtmf").lowercased().split(separator: " ").map(String.init))
            guard !inputs.isEmpty, inputs.isSubset(of: ["dtmf", "speech"]) else {
                throw RCMLError(line: element.line, reason: "<Gather input> must be dtmf, speech or \"dtmf speech\"")
            }
            let timeout = try reader.integer("timeout", default: 5, in: 1...600)
            let finish = reader.string("finishOnKey") ?? "#"
            guard finish.count <= 1, finish.allSatisfy({ "0123456789*#".contains($0) }) else {
                throw RCMLError(line: element.line, reason: "<Gather finishOnKey> must be one of 0-9, * or #, or empty")
            }
            let prompts = try element.children.map { child throws(RCMLError) in try verb(child, nested: true) }
            return .gather(Gather(
                action: reader.string("action"), method: try reader.method(), timeout: timeout,
                finishOnKey: finish.first, numDigits: try reader.optionalInteger("numDigits", in: 1...128), prompts: prompts,
                dtmf: inputs.contains("dtmf"), speech: inputs.contains("speech") ? try speechInput(element, reader: reader, timeout: timeout) : nil))
        case "Record":
            try reader.noChildren()
            let finish = reader.string("finishOnKey") ?? "1234567890*#"
            guard finish.allSatisfy({ "0123456789*#".contains($0) }) else {
                throw RCMLError(line: element.line, reason: "<Record finishOnKey> may hold 0-9, * and #, not '\(finish)'")
            }
            return .record(Record(
                action: reader.string("action"), method: try reader.method(), timeout: try reader.integer("timeout", default: 5, in: 0...3600),
                finishOnKey: finish, maxLength: try reader.integer("maxLength", default: 3600, in: 1...14400),
                playBeep: try reader.boolean("playBeep", default: true)))
        case "Dial":
            return .dial(try dial(element, reader: reader))
        case "Enqueue":
            try reader.noChildren()
            guard !element.text.isEmpty else { throw RCMLError(line: element.line, reason: "<Enqueue> needs a queue name") }
            return .enqueue(Enqueue(
                name: element.text, action: reader.string("action"), method: try reader.method(), waitUrl: reader.string("waitUrl"),
                waitUrlMethod: try reader.method("waitUrlMethod")))
        case "Leave":
            try reader.noChildren()
            return .leave
        case "Hangup":
            try reader.noChildren()
            return .hangup
        case "Reject":
            try reader.noChildren()
            switch reader.string("reason")?.lowercased() ?? "rejected" {
            case "rejected": return .reject(busy: false)
            case "busy": return .reject(busy: true)
            case let other: throw RCMLError(line: element.line, reason: "<Reject reason=\"\(other)\">: must be rejected or busy")
            }
        case "Redirect":
            try reader.noChildren()
            guard !element.text.isEmpty else { throw RCMLError(line: element.line, reason: "<Redirect> needs a URL") }
            return .redirect(url: element.text, method: try reader.method())
        case "Sms":
            try reader.noChildren()
            guard !element.text.isEmpty else { throw RCMLError(line: element.line, reason: "<Sms> needs a message body") }
            return .sms(Sms(
                body: element.text, to: reader.string("to"), from: reader.string("from"), action: reader.string("action"),
                method: try reader.method(), statusCallback: reader.string("statusCallback")))
        case "Email":
            try reader.noChildren()
            func list(_ name: String) -> [String] {
                (reader.string(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            guard !list("to").isEmpty else { throw RCMLError(line: element.line, reason: "<Email> needs a 'to' address") }
            return .email(Email(
                body: element.text, to: list("to"), from: reader.string("from"), cc: list("cc"), bcc: list("bcc"), subject: reader.string("subject")))
        case "Fax":
            throw RCMLError(line: element.line, reason: "<\(element.name)> is not supported yet")
        default:
            throw RCMLError(line: element.line, reason: "unknown verb <\(element.name)>")
        }
    }

    private static func dial(_ element: RCMLElement, reader: AttributeReader) throws(RCMLError) -> Dial {
        var targets: [DialTarget] = []
        if !element.text.isEmpty { targets.append(.number(element.text)) }
        for noun in element.children {
            guard noun.children.isEmpty else {
                throw RCMLError(line: noun.line, reason: "<\(noun.children[0].name)> cannot be nested in <\(noun.name)>")
            }
            guard !noun.text.isEmpty || !["Number", "Client", "Sip"].contains(noun.name) else {
                throw RCMLError(line: noun.line, reason: "<\(noun.name)> needs a value")
            }
            switch noun.name {
            case "Number": targets.append(.number(noun.text))
            case "Client": targets.append(.client(noun.text))
            case "Sip": targets.append(.sip(noun.text))
            case "Conference":
                guard element.children.count == 1, element.text.isEmpty else {
                    throw RCMLError(line: noun.line, reason: "<Conference> must be the only noun of its <Dial>")
                }
                var dial = try dialAttributes(element, reader: reader, targets: [])
                dial.conference = try conference(noun)
                return dial
            case "Queue":
                guard element.children.count == 1, element.text.isEmpty else {
                    throw RCMLError(line: noun.line, reason: "<Queue> must be the only noun of its <Dial>")
                }
                var dial = try dialAttributes(element, reader: reader, targets: [])
                let nounReader = AttributeReader(element: noun)
                dial.queue = QueueNoun(
                    name: noun.text, url: nounReader.string("url"), method: try nounReader.method(), callSid: nounReader.string("callSid"))
                return dial
            default: throw RCMLError(line: noun.line, reason: "<\(noun.name)> cannot be nested in <Dial>")
            }
        }
        guard (1...10).contains(targets.count) else {
            throw RCMLError(line: element.line, reason: "<Dial> needs 1 to 10 numbers, Clients or SIP addresses, not \(targets.count)")
        }
        return try dialAttributes(element, reader: reader, targets: targets)
    }

    private static func dialAttributes(_ element: RCMLElement, reader: AttributeReader, targets: [DialTarget]) throws(RCMLError) -> Dial {
        Dial(
            targets: targets, action: reader.string("action"), method: try reader.method(),
            timeout: try reader.integer("timeout", default: 30, in: 1...600),
            timeLimit: try reader.integer("timeLimit", default: 14400, in: 1...14400), callerId: reader.string("callerId"),
            hangupOnStar: try reader.boolean("hangupOnStar", default: false), record: try dialRecording(reader))
    }

    private static func conference(_ noun: RCMLElement) throws(RCMLError) -> ConferenceNoun {
        let reader = AttributeReader(element: noun)
        var conference = ConferenceNoun(name: noun.text)
        conference.muted = try reader.boolean("muted", default: false)
        switch reader.string("beep")?.lowercased() ?? "true" {
        case "true": (conference.beepOnEnter, conference.beepOnExit) = (true, true)
        case "false": (conference.beepOnEnter, conference.beepOnExit) = (false, false)
        case "onenter": (conference.beepOnEnter, conference.beepOnExit) = (true, false)
        case "onexit": (conference.beepOnEnter, conference.beepOnExit) = (false, true)
        case let other: throw RCMLError(line: noun.line, reason: "<Conference beep=\"\(other)\">: must be true, false, onEnter or onExit")
        }
        conference.startConferenceOnEnter = try reader.boolean("startConferenceOnEnter", default: true)
        conference.endConferenceOnExit = try reader.boolean("endConferenceOnExit", default: false)
        conference.waitUrl = reader.string("waitUrl")
        conference.waitMethod = try reader.method("waitMethod")
        conference.maxParticipants = try reader.integer("maxParticipants", default: 40, in: 2...250)
        switch reader.string("record")?.lowercased() ?? "do-not-record" {
        case "do-not-record", "false": conference.record = false
        case "record-from-start", "true": conference.record = true
        case let other: throw RCMLError(line: noun.line, reason: "<Conference record=\"\(other)\">: must be record-from-start or do-not-record")
        }
        conference.recordingStatusCallback = reader.string("recordingStatusCallback")
        conference.recordingStatusCallbackMethod = try reader.method("recordingStatusCallbackMethod")
        if let coach = reader.string("coach") {
            guard coach.count == 34, coach.hasPrefix("CA") else {
                throw RCMLError(line: noun.line, reason: "<Conference coach=\"\(coach)\">: must be the CallSid of a participant")
            }
            conference.coach = coach
        }
        conference.statusCallback = reader.string("statusCallback")
        conference.statusCallbackMethod = try reader.method("statusCallbackMethod")
        conference.statusCallbackEvents = []
        for name in (reader.string("statusCallbackEvent") ?? "start end").split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let event = ConferenceEvent(rawValue: name.lowercased()) else {
                throw RCMLError(line: noun.line, reason: "<Conference statusCallbackEvent>: '\(name)' is not one of start, end, join, leave, mute, hold")
            }
            conference.statusCallbackEvents.insert(event)
        }
        return conference
    }

    private static func dialRecording(_ reader: AttributeReader) throws(RCMLError) -> DialRecording {
        switch reader.string("record")?.lowercased() ?? "false" {
        case "false", "do-not-record": return .none
        case "true", "record-from-answer", "record-from-ringing": return .mixed
        case "record-from-answer-dual", "record-from-ringing-dual": return .dual
        case let other:
            throw RCMLError(
                line: reader.element.line,
                reason: "<Dial record=\"\(other)\">: must be true, false, do-not-record, record-from-answer, record-from-ringing or their -dual forms")
        }
    }

    /// `<Gather input="speech">`'s attributes. `speechTimeout` defaults to `timeout` (as
    /// Twilio's); "auto" ends speech after a second of quiet.
    private static func speechInput(_ element: RCMLElement, reader: AttributeReader, timeout: Int) throws(RCMLError) -> SpeechInput {
        let endSilence: Int
        if reader.string("speechTimeout")?.lowercased() == "auto" {
            endSilence = 1
        } else {
            endSilence = try reader.integer("speechTimeout", default: timeout, in: 1...60)
        }
        let hints = (reader.string("hints") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return SpeechInput(
            language: reader.string("language") ?? "en-US", hints: hints, endSilence: endSilence,
            maxLength: try reader.integer("maxSpeechTime", default: 60, in: 1...60))
    }

    /// Attribute access with the element's name and line in every error.
    private struct AttributeReader {
        let element: RCMLElement

        func string(_ name: String) -> String? {
            element.attributes.first { $0.key.lowercased() == name.lowercased() }?.value.trimmingCharacters(in: .whitespaces)
        }

        func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(RCMLError) -> Int {
            try optionalInteger(name, in: range) ?? value
        }

        func optionalInteger(_ name: String, in range: ClosedRange<Int>) throws(RCMLError) -> Int? {
            guard let text = string(name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw RCMLError(line: element.line, reason: "<\(element.name) \(name)=\"\(text)\">: must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        func boolean(_ name: String, default value: Bool) throws(RCMLError) -> Bool {
            guard let text = string(name) else { return value }
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw RCMLError(line: element.line, reason: "<\(element.name) \(name)=\"\(text)\">: must be true or false")
            }
        }

        func method(_ name: String = "method") throws(RCMLError) -> WebhookMethod {
            guard let text = string(name) else { return .post }
            guard let method = WebhookMethod(rawValue: text.uppercased()) else {
                throw RCMLError(line: element.line, reason: "<\(element.name) \(name)=\"\(text)\">: must be GET or POST")
            }
            return method
        }

        func noChildren() throws(RCMLError) {
            if let child = element.children.first {
                throw RCMLError(line: child.line, reason: "<\(child.name)> cannot be nested in <\(element.name)>")
            }
        }
    }
}
