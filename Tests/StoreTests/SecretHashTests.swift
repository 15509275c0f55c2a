import Foundation
import Testing

@testable import Store

@Suite("Secrets at rest")
struct SecretHashTests {
    @Test("HA1 in MD5 matches RFC 2617's worked example")
    func md5HA1() {
        #expect(
            SecretHash.ha1MD5(login: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life")
                == "939e7578ed9e3c518a452acee763bce9")
    }

    @Test("HA1 in SHA-256 is H(login:realm:password) as RFC 7616 defines it")
    func sha256HA1() {
        #expect(
            SecretHash.ha1SHA256(login: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life")
                == "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232")
    }

    @Test("a token matches only its own hash")
    func tokenMatching() {
        let stored = SecretHash.token("tok")
        #expect(stored == "1a7674eb4ee78df7e1ac439a93c3fa8e3c945784d4dec9fd8e3011738b2f1d62")
        #expect(SecretHash.matches("tok", storedHash: stored))
        #expect(!SecretHash.matches("tok ", storedHash: stored))
        #expect(!SecretHash.matches("", storedHash: stored))
    }
}

@Suite("Token sealer")
struct TokenSealerTests {
    @Test("a sealed token opens with the same key file only, and the key file is private")
    func sealAndOpen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sealer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("token-seal.key").path
        let sealer = try TokenSealer(keyFile: keyFile)
        let sealed = sealer.seal("0123456789abcdef-token")
        #expect(!sealed.contains("0123456789abcdef"))
        #expect(try TokenSealer(keyFile: keyFile).open(sealed) == "0123456789abcdef-token")
        #expect(TokenSealer().open(sealed) == nil)
        #expect(sealer.seal("same") != sealer.seal("same"))  // a fresh nonce each time
        let permissions = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }
}
