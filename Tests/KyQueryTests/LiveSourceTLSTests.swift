import AsyncHTTPClient
import Foundation
import KyTestSupport
import Logging
import Testing
@testable import KyQuery

/// `LiveSource` against the fake ComfyUI over HTTPS, with a CA and certificate made for the test.
@Suite("Live source over HTTPS")
struct LiveSourceTLSTests {
    private static let routes: [String: FakeComfyUI.Response] = ["/queue": .json(#"{"queue_running": [], "queue_pending": []}"#)]

    /// Writes `text` to a fresh file and returns its path.
    private func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kymon-ca-\(UUID().uuidString).pem")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// GETs `/queue` with a client that fails at the first refused connection, as kymon's does.
    private func fetchQueue(_ url: String, tls: UpstreamTLS) async throws -> [UInt8] {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            let live = LiveSource(server: try ServerURL(url), historyMaxItems: 1, client: client, timeout: .seconds(5), tls: tls, logger: Logger(label: "t"))
            return try await live.fetch("/queue")
        }
    }

    @Test("the CA in ca_file makes the server trusted; headers and basic auth go over TLS")
    func trustedThroughCAFile() async throws {
        let certificates = try TestCertificates.make()
        let tls = try UpstreamTLS(caFile: try file(certificates.authorityPEM), insecure: false)
        try await FakeComfyUI.with(routes: Self.routes, tls: try certificates.serverConfiguration()) { server in
            let url = server.baseURL.replacingOccurrences(of: "://", with: "://admin:s%40cret@")
            let body = try await fetchQueue(url, tls: tls)
            #expect(String(decoding: body, as: UTF8.self).contains("queue_running"))
            #expect(server.requests.first?.headers["authorization"] == "Basic YWRtaW46c0BjcmV0")
        }
    }

    @Test("a certificate from an unknown CA is refused as not trusted, naming the URL without credentials")
    func untrusted() async throws {
        let certificates = try TestCertificates.make()
        try await FakeComfyUI.with(routes: Self.routes, tls: try certificates.serverConfiguration()) { server in
            let url = server.baseURL.replacingOccurrences(of: "://", with: "://admin:hunter2@")
            let error = try await #require(throws: LiveSourceError.self) { try await fetchQueue(url, tls: UpstreamTLS()) }
            guard case .tls(let detail) = error.reason else { Issue.record("not a TLS error: \(error)"); return }
            #expect(detail.contains("certificate not trusted"))
            #expect(error.url == server.baseURL + "/queue")
            #expect(error.description.contains(server.baseURL) && !error.description.contains("hunter2"))
            #expect(server.requests.isEmpty, "no request goes to an untrusted server")
        }
    }

    @Test("a trusted certificate for another host is refused as a hostname mismatch")
    func hostnameMismatch() async throws {
        let certificates = try TestCertificates.make(hostNames: ["comfy.example"], ipAddresses: [])
        let tls = try UpstreamTLS(caFile: try file(certificates.authorityPEM), insecure: false)
        try await FakeComfyUI.with(routes: Self.routes, tls: try certificates.serverConfiguration()) { server in
            let error = try await #require(throws: LiveSourceError.self) { try await fetchQueue(server.baseURL, tls: tls) }
            #expect(error.reason == .tls("hostname mismatch: the server's certificate is not issued for this host"))
        }
    }

    @Test("insecure reads a server whose certificate nobody trusts")
    func insecure() async throws {
        let certificates = try TestCertificates.make(hostNames: ["comfy.example"], ipAddresses: [])
        try await FakeComfyUI.with(routes: Self.routes, tls: try certificates.serverConfiguration()) { server in
            let body = try await fetchQueue(server.baseURL, tls: try UpstreamTLS(caFile: nil, insecure: true))
            #expect(!body.isEmpty)
        }
    }

    @Test("https:// to a plain HTTP port says the server does not speak TLS")
    func plainServer() async throws {
        try await FakeComfyUI.with(routes: Self.routes) { server in
            let url = server.baseURL.replacingOccurrences(of: "http://", with: "https://")
            let error = try await #require(throws: LiveSourceError.self) { try await fetchQueue(url, tls: UpstreamTLS()) }
            guard case .tls(let detail) = error.reason else { Issue.record("not a TLS error: \(error)"); return }
            #expect(detail.contains("does not speak TLS"))
        }
    }

    @Test("a missing, empty or non-PEM ca_file is a configuration error naming the file")
    func badCAFile() throws {
        let missing = "/nonexistent/kymon-ca.pem"
        let noFile = try #require(throws: ConfigurationError.self) { try UpstreamTLS(caFile: missing, insecure: false) }
        #expect(noFile.message == "cannot read ca_file '\(missing)': No such file or directory")
        #expect(!noFile.isFromFlag)
        let junk = try file("not a certificate\n")
        let notPEM = try #require(throws: ConfigurationError.self) { try UpstreamTLS(caFile: junk, insecure: false) }
        #expect(notPEM.message.hasPrefix("ca_file '\(junk)' holds no PEM certificate"))
        let key = try file(try TestCertificates.make().serverKeyPEM)
        #expect(throws: ConfigurationError.self) { try UpstreamTLS(caFile: key, insecure: false) }
    }

    @Test("ca_file and insecure come from flags, the environment or the file")
    func configuration() throws {
        let certificates = try TestCertificates.make()
        let path = try file(certificates.authorityPEM)
        let configuration = try Configuration.load(explicitFile: nil, environment: ["KY_MONITOR_CA_FILE": path, "KY_MONITOR_INSECURE": "yes"])
        let tls = try configuration.upstreamTLS
        #expect(tls.caFile == path && tls.insecure)
        let plain = try Configuration.load(explicitFile: nil, environment: [:]).upstreamTLS
        #expect(plain.caFile == nil && !plain.insecure)
    }
}
