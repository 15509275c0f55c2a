import Testing

@testable import Voice

@Suite("RCML verbs")
struct RCMLVerbTests {
    func program(_ text: String) throws -> [RCMLVerb] {
        try RCMLVerb.program(RCMLDocument(parsing: text))
    }

    @Test("Gather input: speech alone or with keys; language, hints, speechTimeout (default the timeout, auto a second), maxSpeechTime")
    func gatherSpeech() throws {
        let verbs = try program("""
            <Response>
              <Gather input="speech" timeout="7" hints=" sales, talk to an agent ,, billing" language="en-GB" maxSpeechTime="20"/>
              <Gather input="DTMF speech" speechTimeout="auto"/>
              <Gather input="speech dtmf" speechTimeout="3"/>
            </Response>
            """)
        guard verbs.count == 3, case .gather(let first) = verbs[0], case .gather(let second) = verbs[1], case .gather(let third) = verbs[2] else {
            Issue.record("not three gathers: \(verbs)")
            return
        }
        #expect(!first.dtmf)
        #expect(first.speech == .init(language: "en-GB", hints: ["sales", "talk to an agent", "billing"], endSilence: 7, maxLength: 20))
        #expect(second.dtmf && second.speech == .init(language: "en-US", hints: [], endSilence: 1, maxLength: 60))
        #expect(third.dtmf && third.speech?.endSilence == 3)
    }

    @Test("defaults of restcomm-compat §2.2, attribute names and values in any case, comments and declarations ignored")
    func defaults() throws {
        var verbs = try program("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a menu -->
            <Response>
              <Say voice="Woman" language="fr-BE" loop="0">Bonjour</Say>
              <Gather NUMDIGITS="2" method="get"><Play loop="2">https://x/a.wav</Play><Pause/></Gather>
              <Play digits="12w#"/>
              <Redirect>next.xml</Redirect>
              <Reject reason="Busy"/>
              <Hangup/>
            </Response>
            """)
        #expect(verbs.count == 6)
        #expect(verbs.removeFirst() == .say(.init(text: "Bonjour", voice: .woman, language: "fr-BE", loop: 0)))
        guard case .gather(let gather) = verbs[0] else { Issue.record("not a gather"); return }
        #expect(gather.numDigits == 2 && gather.method == .get && gather.timeout == 5 && gather.finishOnKey == "#" && gather.action == nil)
        #expect(gather.prompts == [.play(.init(url: "https://x/a.wav", digits: nil, loop: 2)), .pause(seconds: 1)])
        #expect(gather.dtmf && gather.speech == nil)
        #expect(verbs[1] == .play(.init(url: nil, digits: "12w#", loop: 1)))
        #expect(verbs[2] == .redirect(url: "next.xml", method: .post))
        #expect(verbs[3] == .reject(busy: true))
        #expect(verbs[4] == .hangup)
    }

    @Test("Record: Twilio's defaults, and each attribute read")
    func record() throws {
        let verbs = try program("""
            <Response><Record/><Record action="done" method="GET" timeout="0" finishOnKey="#" maxLength="30" playBeep="FALSE"/></Response>
            """)
        #expect(verbs == [
            .record(.init(action: nil, method: .post, timeout: 5, finishOnKey: "1234567890*#", maxLength: 3600, playBeep: true)),
            .record(.init(action: "done", method: .get, timeout: 0, finishOnKey: "#", maxLength: 30, playBeep: false)),
        ])
    }

    @Test("Dial: a bare number or up to 10 nouns, with Twilio's defaults")
    func dial() throws {
        let verbs = try program("""
            <Response>
              <Dial>+32470206100</Dial>
              <Dial action="after" timeout="20" timeLimit="60" callerId="+3222060746" hangupOnStar="true" record="record-from-answer-dual">
                <Number>0470206101</Number><Client>agent</Client><Sip>sip:desk@example.com</Sip>
              </Dial>
            </Response>
            """)
        #expect(verbs == [
            .dial(.init(targets: [.number("+32470206100")], action: nil, method: .post, timeout: 30, timeLimit: 14400, callerId: nil, hangupOnStar: false)),
            .dial(.init(
                targets: [.number("0470206101"), .client("agent"), .sip("sip:desk@example.com")], action: "after", method: .post,
                timeout: 20, timeLimit: 60, callerId: "+3222060746", hangupOnStar: true, record: .dual)),
        ])
    }

    @Test("Dial Conference: attributes with their defaults; the only noun of its Dial")
    func conference() throws {
        let verbs = try program("""
            <Response>
              <Dial timeLimit="60"><Conference>standup</Conference></Dial>
              <Dial><Conference muted="true" beep="onExit" startConferenceOnEnter="false" endConferenceOnExit="true" waitUrl="" maxParticipants="3">x</Conference></Dial>
              <Dial><Conference waitUrl="wait.xml" waitMethod="GET" record="record-from-start" recordingStatusCallback="rec">y</Conference></Dial>
            </Response>
            """)
        guard case .dial(let plain) = verbs[0], case .dial(let custom) = verbs[1] else { Issue.record("not dials"); return }
        #expect(plain.timeLimit == 60 && plain.targets.isEmpty)
        #expect(plain.conference == RCMLVerb.ConferenceNoun(name: "standup"))
        let expected = RCMLVerb.ConferenceNoun(
            name: "x", muted: true, beepOnEnter: false, beepOnExit: true, startConferenceOnEnter: false, endConferenceOnExit: true,
            waitUrl: "", maxParticipants: 3)
        #expect(custom.conference == expected)
        guard case .dial(let recorded) = verbs[2] else { Issue.record("not a dial"); return }
        var withDocument = RCMLVerb.ConferenceNoun(name: "y", waitUrl: "wait.xml")
        withDocument.waitMethod = .get
        withDocument.record = true
        withDocument.recordingStatusCallback = "rec"
        #expect(recorded.conference == withDocument)
    }

    @Test("Enqueue, Leave and Dial Queue")
    func queues() throws {
        let verbs = try program("""
            <Response>
              <Enqueue waitUrl="wait.xml" waitUrlMethod="GET" action="done">support</Enqueue>
              <Leave/>
              <Dial><Queue>support</Queue></Dial>
            </Response>
            """)
        #expect(verbs[0] == .enqueue(.init(name: "support", action: "done", method: .post, waitUrl: "wait.xml", waitUrlMethod: .get)))
        #expect(verbs[1] == .leave)
        guard case .dial(let dial) = verbs[2] else { Issue.record("not a dial"); return }
        #expect(dial.queue == RCMLVerb.QueueNoun(name: "support") && dial.targets.isEmpty && dial.conference == nil)
    }

    @Test("errors name the element and its line", arguments: [
        ("<Response><Enqueue/></Response>", 1, "<Enqueue> needs a queue name"),
        ("<Response><Enqueue waitUrlMethod=\"PUT\">q</Enqueue></Response>", 1, "waitUrlMethod"),
        ("<Response><Dial><Queue>q</Queue><Client>a</Client></Dial></Response>", 1, "<Queue> must be the only noun"),
        ("<Response><Dial><Conference>a</Conference><Number>+32470206100</Number></Dial></Response>", 1, "only noun"),
        ("<Response><Dial><Conference maxParticipants=\"251\">a</Conference></Dial></Response>", 1, "from 2 to 250"),
        ("<Response><Dial><Conference beep=\"loud\">a</Conference></Dial></Response>", 1, "onEnter"),
        ("<Response><Dial><Conference record=\"sometimes\">a</Conference></Dial></Response>", 1, "record-from-start"),
        ("<Response><Dial><Conference coach=\"someone\">a</Conference></Dial></Response>", 1, "CallSid of a participant"),
        ("<Response><Dial/></Response>", 1, "needs 1 to 10"),
        ("<Response>\n<Dial><Jump>x</Jump></Dial></Response>", 2, "<Jump> cannot be nested in <Dial>"),
        ("<Response><Dial><Say>hi</Say></Dial></Response>", 1, "<Say> cannot be nested in <Dial>"),
        ("<Response><Dial><Client/></Dial></Response>", 1, "<Client> needs a value"),
        ("<Response><Dial record=\"always\">+32470206100</Dial></Response>", 1, "record-from-answer"),
        ("<Response><Record playBeep=\"maybe\"/></Response>", 1, "must be true or false"),
        ("<Response><Record maxLength=\"0\"/></Response>", 1, "from 1 to 14400"),
        ("<Response><Record finishOnKey=\"x\"/></Response>", 1, "may hold 0-9, * and #"),
        ("<Response>\n<Jump/>\n</Response>", 2, "unknown verb <Jump>"),
        ("<Response><Pause length=\"0\"/></Response>", 1, "must be a whole number from 1 to 14400"),
        ("<Response>\n\n<Gather><Redirect>x</Redirect></Gather></Response>", 3, "<Redirect> cannot be nested in <Gather>"),
        ("<Response><Reject reason=\"later\"/></Response>", 1, "must be rejected or busy"),
        ("<Response><Play digits=\"12x\"/></Response>", 1, "may hold 0-9"),
        ("<Response><Gather finishOnKey=\"##\"/></Response>", 1, "finishOnKey"),
        ("<Response><Gather input=\"voice\"/></Response>", 1, "must be dtmf, speech or"),
        ("<Response><Gather input=\"speech\" speechTimeout=\"soon\"/></Response>", 1, "speechTimeout"),
        ("<Response><Gather input=\"speech\" maxSpeechTime=\"61\"/></Response>", 1, "from 1 to 60"),
        ("<Response><Play/></Response>", 1, "needs a URL or a digits attribute"),
        ("<Response><Say voice=\"robot\">hi</Say></Response>", 1, "must be man or woman"),
        ("<Response><Say language=\"tlh\">hi</Say></Response>", 1, "Parley speaks"),
        ("<Response><Say/></Response>", 1, "<Say> needs text"),
        ("<Html/>", 1, "not <Response>"),
        ("<Response><Pause>", 1, "not well-formed XML"),
        ("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n<Response><Say>&b;</Say></Response>", 2, "<!DOCTYPE> is not allowed"),
        ("<!doctype Response SYSTEM \"file:///etc/passwd\"><Response/>", 1, "<!DOCTYPE> is not allowed"),
    ])
    func errors(text: String, line: Int, reason: String) {
        do {
            _ = try program(text)
            Issue.record("accepted: \(text)")
        } catch let error as RCMLError {
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
