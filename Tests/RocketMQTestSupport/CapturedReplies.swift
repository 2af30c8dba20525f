/// The captured server replies the fakes answer with, loaded from the key vectors of the wire capture.
public struct CapturedReplies: Sendable {
    /// The broker address inside captured route bodies, replaced by the fake broker's.
    public static let capturedBrokerAddress = "127.0.0.1:10911"
    /// The topic the captured replies were made for.
    public static let capturedTopic = "kymon_test"

    /// Route of `kymon_test`, standard JSON (perm 6, 4 queues): `java_route_resp_std_json`.
    public var routeStandard: CapturedFrame
    /// Route of `kymon_test` with the bare `{0:` key: `py_route_resp_legacy_unquoted_keys`.
    public var routeLegacy: CapturedFrame
    /// Route of TBW102 (perm 7, 8 queues): `java_route_resp_TBW102_ok`.
    public var routeTemplate: CapturedFrame
    /// Code 17 for `kymon_test`: `java_route_resp_17_topic_not_exist`.
    public var topicNotExist: CapturedFrame
    /// SEND_OK with queueId 0, queueOffset 0: `java_send_v2_resp_ok`.
    public var sendOK: CapturedFrame
    /// Code 1 for an illegal topic: `py_send_v2_resp_1_system_error`.
    public var sendSystemError: CapturedFrame
    /// Code 3 for an unknown request code: `py_resp_3_request_code_not_supported`.
    public var requestCodeNotSupported: CapturedFrame

    /// Loads the frames; `load` maps a key vector name (without `.bin`) to its bytes.
    public init(load: (String) throws -> [UInt8]) throws {
        routeStandard = try CapturedFrame(bytes: load("java_route_resp_std_json"))
        routeLegacy = try CapturedFrame(bytes: load("py_route_resp_legacy_unquoted_keys"))
        routeTemplate = try CapturedFrame(bytes: load("java_route_resp_TBW102_ok"))
        topicNotExist = try CapturedFrame(bytes: load("java_route_resp_17_topic_not_exist"))
        sendOK = try CapturedFrame(bytes: load("java_send_v2_resp_ok"))
        sendSystemError = try CapturedFrame(bytes: load("py_send_v2_resp_1_system_error"))
        requestCodeNotSupported = try CapturedFrame(bytes: load("py_resp_3_request_code_not_supported"))
    }
}
