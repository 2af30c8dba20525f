import Foundation
import KyQuery
import Testing

/// The man page must describe every option that `--help` lists.
@Suite("Man page")
struct ManualTests {
    private static let commands = [[String](), ["snapshot"], ["watch"], ["replay"], ["publish"], ["doctor"], ["config"]]

    private func renderedManual() async throws -> String {
        let output = try KymonProcess.temporaryFile("", name: "kymon.1.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let page = KymonProcess.packageRoot.appendingPathComponent("man/kymon.1").path
        process.arguments = ["-c", "mandoc -T utf8 '\(page)' | col -b > '\(output)'"]
        try await KymonProcess.runToExit(process)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        try #require(process.terminationStatus == 0 && !text.isEmpty, "mandoc and col are needed (scripts/setup installs them)")
        return text
    }

    @Test("every --option in help appears in the man page", arguments: commands)
    func optionsDocumented(command: [String]) async throws {
        let manual = try await renderedManual()
        let help = try await KymonProcess.run(command + ["--help"])
        #expect(help.status == 0)
        let options = Set(help.stdout.matches(of: /--[a-z][a-z-]+/).map { String($0.output) })
        #expect(!options.isEmpty)
        for option in options {
            #expect(manual.contains(option), "\(option) of `kymon \(command.joined(separator: " "))` is missing from man/kymon.1")
        }
        for subcommand in command { #expect(manual.contains(subcommand)) }
    }

    @Test("every configuration key is documented in the man page and the README")
    func configurationDocumented() async throws {
        let manual = try await renderedManual()
        let readme = try String(contentsOf: KymonProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for key in ConfigKey.catalog {
            #expect(manual.contains(key.environment), "\(key.environment) is missing from man/kymon.1")
            #expect(manual.contains(key.path), "\(key.path) is missing from man/kymon.1")
            #expect(readme.contains("| `\(key.path)` | `\(key.environment)` |"), "\(key.path) is missing from the README's configuration table")
        }
    }
}
