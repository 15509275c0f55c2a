import Foundation
import Store

/// The rules for making and changing applications from form parameters, shared by the REST API
/// and the console: one place decides what a valid application is.
public struct ApplicationEditor: Sendable {
    let applications: any ApplicationRepository

    public init(applications: any ApplicationRepository) {
        self.applications = applications
    }

    /// A new application of `account` from `form` (FriendlyName required), stored.
    public func create(in account: AccountSid, form: FormParameters) async throws -> Store.Application {
        guard let name = try form.text("FriendlyName", maxLength: 64), !name.isEmpty else {
            throw APIError.missingParameter("FriendlyName")
        }
        let now = Date()
        var application = Store.Application(sid: .generate(), accountSid: account, friendlyName: name, dateCreated: now, dateUpdated: now)
        try apply(form, to: &application)
        try await applications.insert(application)
        return application
    }

    /// `application` with what `form` gives changed (absent parameters leave values alone), stored.
    public func update(_ application: Store.Application, form: FormParameters) async throws -> Store.Application {
        var application = application
        if let name = try form.text("FriendlyName", maxLength: 64) {
            guard !name.isEmpty else { throw APIError.invalidParameter("FriendlyName", "must not be empty") }
            application.friendlyName = name
        }
        try apply(form, to: &application)
        application.dateUpdated = Date()
        try await applications.update(application)
        return application
    }

    /// The application `sid` of `account`, or a 404 naming it.
    public func find(_ sid: ApplicationSid, in account: AccountSid) async throws -> Store.Application {
        guard let application = try await applications.find(sid, account: account) else { throw APIError.notFound(sid.rawValue) }
        return application
    }

    /// `RcmlUrl` (Restcomm) is accepted as another name for `VoiceUrl` (Twilio).
    private func apply(_ form: FormParameters, to application: inout Store.Application) throws {
        if let url = try form.url("VoiceUrl") ?? form.url("RcmlUrl") { application.voiceUrl = url }
        if let method = try form.method("VoiceMethod") { application.voiceMethod = method }
        if let url = try form.url("VoiceFallbackUrl") { application.voiceFallbackUrl = url }
        if let method = try form.method("VoiceFallbackMethod") { application.voiceFallbackMethod = method }
        if let url = try form.url("StatusCallback") { application.statusCallback = url }
        if let method = try form.method("StatusCallbackMethod") { application.statusCallbackMethod = method }
        if let lookup = try form.bool("VoiceCallerIdLookup") { application.voiceCallerIdLookup = lookup }
        if let kind = try form.choice("Kind", as: ApplicationChannel.self) { application.kind = kind }
    }
}
