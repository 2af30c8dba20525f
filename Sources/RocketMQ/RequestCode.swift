/// Request codes of the remoting protocol that the producer sends.
enum RequestCode {
    /// SEND_MESSAGE_V2: a message with one-letter header fields, to the master broker.
    static let sendMessageV2 = 310
    /// GET_ROUTEINFO_BY_TOPIC: a topic's brokers and queues, from a name server.
    static let getRouteInfoByTopic = 105
}
