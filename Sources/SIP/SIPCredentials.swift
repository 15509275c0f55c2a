/// A user name and password Parley presents to a carrier that challenges it (digest, RFC 7616):
/// on its REGISTER to the trunk and on the INVITEs it sends there, never to anyone else.
public struct SIPCredentials: Sendable, Equatable {
    public let username: String
    public let password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}
