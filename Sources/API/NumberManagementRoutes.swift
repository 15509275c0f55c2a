import Foundation
import Hummingbird
import Store

/// FlexIO's Number Management API under `/cpaas-mgmt/1.0.0`, behind bearer tokens: search the
/// pool, reserve, list and release numbers. Bodies are JSON in the guide's shapes; numbers are
/// written as digits without `+` (`3222060746`).
struct NumberManagementRoutes {
    let desk: NumberDesk
    let numbers: any NumberRepository
    let clock: any WallClock

    func register(on group: RouterGroup<ParleyRequestContext>) {
        group.get("phonenumbers/available") { request, context in
            let query = try request.queryForm()
            var filter = try Self.filter(
                zone: query.string("zone"), type: query.string("type"),
                tier: query.string("priceTier"), contains: query.string("filter"))
            filter.smsSupported = try query.bool("smsSupported")
            let page = PageRequest(
                page: try query.integer("page", in: 0...1_000_000) ?? 0,
                size: try query.integer("size", in: 1...PageRequest.maximumSize) ?? PageRequest.defaultSize)
            guard try await numbers.poolSize() > 0 else { throw APIError.noNumberPool }
            let result = try await numbers.available(filter, at: clock.now(), page: page)
            return Self.json(.array(element: "PhoneNumber", result.items.map(Self.representation)))
        }
        group.post("phonenumbers") { request, context in
            let account = try context.requireAuthenticated()
            let body = try await Self.reservationBody(request)
            var filter = try Self.filter(
                zone: body.zone, type: body.type, tier: body.pricingTier, contains: body.filter)
            filter.smsSupported = body.supportsSMS
            let number = try await desk.reserve(
                filter, addressInZoneConfirmed: try Self.confirmed(request), for: account.sid)
            return Self.json(Self.representation(number), status: .created)
        }
        group.post("phonenumbers/{phonenumber}") { request, context in
            let account = try context.requireAuthenticated()
            let e164 = try Self.e164(context)
            let number = try await desk.reserve(
                NumberFilter(e164: e164), addressInZoneConfirmed: try Self.confirmed(request),
                for: account.sid)
            return Self.json(Self.representation(number), status: .created)
        }
        group.get("phonenumbers") { request, context in
            let account = try context.requireAuthenticated()
            let result = try await numbers.owned(
                by: account.sid, filter: NumberFilter(), page: PageRequest(size: PageRequest.maximumSize))
            return Self.json(.array(element: "PhoneNumber", result.items.map(Self.representation)))
        }
        group.delete("phonenumbers/{phonenumber}") { request, context in
            let account = try context.requireAuthenticated()
            let e164 = try Self.e164(context)
            guard let number = try await numbers.owned(
                by: account.sid, filter: NumberFilter(e164: e164), page: PageRequest(size: 1)
            ).items.first, let sid = number.sid, try await desk.release(sid, of: account.sid)
            else { throw APIError.notFound(e164) }
            return ResourceResponse.noContent()
        }
    }

    /// The guide's reservation body; every field optional.
    struct ReservationBody: Decodable {
        var supportsSMS: Bool?
        var type: String?
        var filter: String?
        var zone: String?
        var pricingTier: String?
    }

    private static func reservationBody(_ request: Request) async throws -> ReservationBody {
        var copy = request
        let buffer = try await copy.collectBody(upTo: 64 * 1024)
        if buffer.readableBytes == 0 { return ReservationBody() }
        do {
            return try JSONDecoder().decode(ReservationBody.self, from: Data(buffer: buffer))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalidParameter(field, "has the wrong type")
        } catch {
            throw APIError(status: .badRequest, code: 20001, message: "The body is not a JSON object")
        }
    }

    private static func confirmed(_ request: Request) throws -> Bool {
        try request.queryForm().bool("addressInZoneConfirmed") ?? false
    }

    private static func e164(_ context: ParleyRequestContext) throws -> String {
        let raw = context.parameters.get("phonenumber") ?? ""
        guard let e164 = BelgianNumberPlan.normalise(raw.hasPrefix("32") ? "+" + raw : raw) else {
            throw APIError.invalidParameter("phonenumber", "'\(raw)' is not a Belgian number")
        }
        return e164
    }

    static func filter(zone: String?, type: String?, tier: String?, contains: String?) throws -> NumberFilter {
        var filter = NumberFilter()
        if let zone, !zone.isEmpty {
            guard let canonical = BelgianNumberPlan.zone(zone) else {
                throw APIError.invalidParameter("zone", "'\(zone)' is not a Belgian zone")
            }
            filter.zone = canonical
        }
        if let type, !type.isEmpty {
            guard let parsed = NumberType(rawValue: type.uppercased()) else {
                throw APIError.invalidParameter("type", "must be FIXED or MOBILE")
            }
            filter.type = parsed
        }
        if let tier, !tier.isEmpty {
            guard let parsed = PriceTier(rawValue: tier.uppercased()) else {
                throw APIError.invalidParameter("priceTier", "must be REGULAR or PREMIUM")
            }
            filter.priceTier = parsed
        }
        if let contains, !contains.isEmpty {
            let digits = contains.hasPrefix("+") ? String(contains.dropFirst()) : contains
            guard digits.allSatisfy(\.isNumber), digits.count <= 15 else {
                throw APIError.invalidParameter("filter", "must be digits")
            }
            filter.contains = digits
        }
        return filter
    }

    static func representation(_ number: PhoneNumber) -> ResourceValue {
        .object([
            "phonenumber": .string(number.digits),
            "type": .string(number.type.rawValue),
            "zone": .string(number.zone),
            "smsSupported": .boolean(number.smsSupported),
            "priceTier": .string(number.priceTier.rawValue),
        ])
    }

    private static func json(_ value: ResourceValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: value.json)))
    }
}
