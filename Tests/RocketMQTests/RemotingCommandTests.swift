import Foundation
import NIOCore
import Testing

@testable import RocketMQ

@Suite("RemotingCommand encoding and decoding")
struct RemotingCommandTests {
    static let samples: [RemotingCommand] = [
        RemotingCommand(code: 105, extFields: ["topic": "kymon_test", "acceptStandardJsonOnly": "true"]),
        RemotingCommand(
            code: 310,
            opaque: 7,
            extFields: [
                "i": "KEYS\u{1}k\u{2}TAGS\u{1}status", "q": "quote \" backslash \\ tab \t nl \n", "u": "ünï €",
            ],
            body: Array(#"{"host":"ci","status":"ok"}"#.utf8)
        ),
        RemotingCommand(
            code: 17,
            language: "JAVA",
            opaque: -5,
            flag: RemotingCommand.responseFlag,
            remark: "No topic route info\nSee faq",
            body: [0, 1, 2, 255]
        ),
        RemotingCommand(code: 9999, version: 0, opaque: Int32.max, flag: RemotingCommand.onewayFlag),
    ]

    @Test("encode then decode gives the same command", arguments: samples)
    func roundTrip(command: RemotingCommand) throws {
        let frame = try command.encodedFrame()
        let decoded = try RemotingCommand(frame: frame)
        #expect(decoded == command)
        let length = Int(frame[0]) << 24 | Int(frame[1]) << 16 | Int(frame[2]) << 8 | Int(frame[3])
        #expect(length == frame.count - 4)
        #expect(frame[4] == 0, "serialize type byte must be 0 (json)")
        let headerLength = Int(frame[5]) << 16 | Int(frame[6]) << 8 | Int(frame[7])
        #expect(headerLength == command.encodedHeader().count)
        #expect(Array(frame.suffix(command.body.count)) == command.body)
    }

    @Test("every captured frame decodes, and re-encodes to the same fields")
    func decodesEveryCapturedFrame() throws {
        let files = try Wire.frameFiles()
        #expect(files.count == 88)
        for file in files {
            let bytes = Array(try Data(contentsOf: file))
            let command = try RemotingCommand(frame: bytes)
            let parts = file.deletingPathExtension().lastPathComponent.split(separator: "_")
            try #require(parts.count == 3, "unexpected file name \(file.lastPathComponent)")
            #expect(command.isResponse == (parts[1] == "resp"), "\(file.lastPathComponent)")
            #expect(String(command.code) == parts[2], "\(file.lastPathComponent)")
            if command.isResponse {
                #expect(command.version == 409 && command.language == "JAVA", "\(file.lastPathComponent)")
            }
            let again = try RemotingCommand(frame: command.encodedFrame(maxFrameBytes: 1 << 20))
            #expect(again == command, "\(file.lastPathComponent)")
        }
    }

    @Test("the frames behind the key vectors decode to the headers listed in index.json")
    func keyVectorsMatchIndex() throws {
        let entries = try Wire.index()
        let files = try Wire.frameFiles()
        #expect(entries.count >= 30)
        for entry in entries {
            let name = try #require(entry["name"] as? String)
            let number = try #require(entry["frame"] as? Int)
            let prefix = String(format: "%03d_", number)
            let file = try #require(files.first { $0.lastPathComponent.hasPrefix(prefix) })
            let expected = try #require(entry["header"] as? [String: Any])
            let command = try RemotingCommand(frame: Array(Data(contentsOf: file)))
            #expect(command.code == expected["code"] as? Int, "\(name)")
            #expect(Int(command.opaque) == expected["opaque"] as? Int, "\(name)")
            #expect(command.flag == expected["flag"] as? Int, "\(name)")
            #expect(command.version == expected["version"] as? Int, "\(name)")
            #expect(command.language == expected["language"] as? String, "\(name)")
            #expect(command.remark == expected["remark"] as? String, "\(name)")
            #expect(command.extFields == (expected["extFields"] as? [String: String] ?? [:]), "\(name)")
            #expect(command.body.count == entry["bodyLen"] as? Int, "\(name)")
            // A key vector is one of the frames listed under its name (a name can cover two frames).
            let namesakes = entries.filter { $0["name"] as? String == name }.compactMap { $0["frame"] as? Int }
            let keyBytes = try Wire.key(name)
            let matches = try namesakes.contains { frameNumber in
                let namesake = try #require(
                    files.first { $0.lastPathComponent.hasPrefix(String(format: "%03d_", frameNumber)) })
                return Array(try Data(contentsOf: namesake)) == keyBytes
            }
            #expect(matches, "\(name)")
        }
    }

    @Test("our route request carries the captured python request's fields plus acceptStandardJsonOnly")
    func routeRequestMatchesCapture() throws {
        let ours = try RemotingCommand(frame: RemotingCommand.routeRequest(topic: "kymon_test").encodedFrame())
        let python = try RemotingCommand(frame: Wire.key("py_route_req_v409"))
        let flagged = try RemotingCommand(frame: Wire.key("py_route_req_v399_acceptStandardJsonOnly"))
        let java = try RemotingCommand(frame: Wire.key("java_route_req_v409"))
        #expect(ours.code == python.code)
        #expect(ours.language == python.language)
        #expect(ours.version == python.version)
        #expect(ours.version == java.version)
        #expect(ours.flag == python.flag)
        #expect(ours.remark == nil)
        #expect(ours.body.isEmpty)
        #expect(ours.extFields == python.extFields.merging(["acceptStandardJsonOnly": "true"]) { $1 })
        #expect(ours.extFields == flagged.extFields)
        #expect(ours.extFields["topic"] == java.extFields["topic"])
    }

    @Test("our send request carries the captured Java and python requests' fields")
    func sendRequestMatchesCapture() throws {
        let java = try RemotingCommand(frame: Wire.key("java_send_v2_req"))
        let python = try RemotingCommand(frame: Wire.key("py_send_v2_req"))
        for captured in [java, python] {
            let header = SendMessageRequestHeader(
                producerGroup: try #require(captured.extFields["a"]),
                topic: "kymon_test",
                queueId: 0,
                bornTimestamp: 1_795_973_082_255,
                properties: try #require(captured.extFields["i"]),
                brokerName: "broker-a"
            )
            let ours = try RemotingCommand(
                frame: RemotingCommand.sendRequest(header: header, body: captured.body).encodedFrame())
            #expect(ours.code == captured.code)
            #expect(ours.flag == captured.flag)
            #expect(ours.version == captured.version)
            #expect(ours.language == "OTHER")
            #expect(Set(ours.extFields.keys) == Set(captured.extFields.keys))
            for (key, value) in captured.extFields where key != "g" {
                #expect(ours.extFields[key] == value, "field \(key)")
            }
            #expect(ours.body == captured.body)
        }
    }

    @Test("separators are written as \\u0001 and \\u0002 exactly as the Java client writes them")
    func headerEscapingMatchesCapture() throws {
        let captured = try RemotingCommand(frame: Wire.key("java_send_v2_req"))
        let properties = try #require(captured.extFields["i"])
        let ours = String(
            decoding: RemotingCommand(code: 310, extFields: ["i": properties]).encodedHeader(), as: UTF8.self)
        let frame = try Wire.key("java_send_v2_req")
        let capturedHeader = String(decoding: frame[8..<(8 + 431)], as: UTF8.self)
        let expected =
            #""i":"KEYS\u0001kymon-key-1\u0002source\u0001kymon\u0002UNIQ_KEY\u0001FD00000000000000000000000000000243375FFD2B2793EE848E0000\u0002WAIT\u0001true\u0002TAGS\u0001status""#
        #expect(capturedHeader.contains(expected))
        #expect(ours.contains(expected))
    }

    @Test("numeric and boolean extFields values become strings; unknown keys and nulls are ignored")
    func tolerantHeaderDecoding() throws {
        let json =
            #"{"code":0,"flag":1,"opaque":3,"serializeTypeCurrentRPC":"JSON","extra":{"x":[1]},"extFields":{"d":4,"big":9007199254740993,"f":1.5,"k":false,"n":null,"s":"v"}}"#
        let command = try RemotingCommand(headerJSON: Array(json.utf8), body: [])
        #expect(command.extFields == ["d": "4", "big": "9007199254740993", "f": "1.5", "k": "false", "s": "v"])
        #expect(command.language == "")
        #expect(command.version == 0)
        #expect(command.isResponse)
    }
}
