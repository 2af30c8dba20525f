extension RemotingCommand {
    /// GET_ROUTEINFO_BY_TOPIC for `topic`, asking for standard JSON (quoted map keys).
    static func routeRequest(topic: String) -> RemotingCommand {
        RemotingCommand(
            code: RequestCode.getRouteInfoByTopic,
            extFields: ["topic": topic, "acceptStandardJsonOnly": "true"]
        )
    }

    /// SEND_MESSAGE_V2 with `header` and the message `body`.
    static func sendRequest(header: SendMessageRequestHeader, body: [UInt8]) -> RemotingCommand {
        RemotingCommand(code: RequestCode.sendMessageV2, extFields: header.extFields, body: body)
    }
}
