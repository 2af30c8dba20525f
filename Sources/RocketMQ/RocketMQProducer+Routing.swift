extension RocketMQProducer {
    /// The answer of the name servers for one topic.
    enum RouteLookup {
        case found(TopicRouteData)
        case topicNotExist
    }

    /// The cached route of the topic, fetched again when stale or `forceRefresh` is set.
    ///
    /// When a refresh fails, a cached route is still used: an old route beats no route.
    func currentPublishInfo(forceRefresh: Bool, deadline: ContinuousClock.Instant) async throws -> TopicPublishInfo {
        if let cached = publishInfo, !forceRefresh,
            !cached.isStale(now: clock.now, refreshInterval: configuration.routeRefreshInterval)
        {
            return cached
        }
        do {
            let fresh = try await fetchPublishInfo(deadline: deadline)
            publishInfo = fresh
            return fresh
        } catch let error as RocketMQError {
            if let cached = publishInfo, error != .shutDown { return cached }
            throw error
        }
    }

    /// Looks up the topic; if the name servers do not know it, uses TBW102's queues (capped at 4 per broker).
    private func fetchPublishInfo(deadline: ContinuousClock.Instant) async throws -> TopicPublishInfo {
        let topic = configuration.topic
        switch try await lookUpRoute(topic: topic, deadline: deadline) {
        case .found(let route):
            let queues = route.writableQueues()
            guard !queues.isEmpty else {
                throw RocketMQError.noRoute(topic: topic, reason: "no writable queue on a master broker")
            }
            return TopicPublishInfo(queues: queues, usesDefaultTopic: false, fetchedAt: clock.now)
        case .topicNotExist:
            let template = SendMessageRequestHeader.defaultTopic
            guard case .found(let route) = try await lookUpRoute(topic: template, deadline: deadline) else {
                throw RocketMQError.noRoute(
                    topic: topic,
                    reason: "the name servers know neither it nor the auto-create template \(template)"
                )
            }
            let queues = route.writableQueues(maxQueuesPerBroker: SendMessageRequestHeader.defaultTopicQueueNums)
            guard !queues.isEmpty else {
                throw RocketMQError.noRoute(
                    topic: topic, reason: "template \(template) has no writable queue on a master broker")
            }
            return TopicPublishInfo(queues: queues, usesDefaultTopic: true, fetchedAt: clock.now)
        }
    }

    /// Asks the name servers in turn, starting with the last one that answered.
    ///
    /// Each server gets an equal share of the remaining time. Code 17 means the topic is unknown.
    private func lookUpRoute(topic: String, deadline: ContinuousClock.Instant) async throws -> RouteLookup {
        let servers = configuration.nameServers
        var lastError: RocketMQError?
        for step in 0..<servers.count {
            let index = (preferredNameServer + step) % servers.count
            let address = servers[index]
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                throw lastError ?? RocketMQError.timeout(address: address.description, operation: "route lookup")
            }
            let serverDeadline = clock.now + remaining / (servers.count - step)
            do {
                let connection = try await pool.connection(to: address, timeout: serverDeadline - clock.now)
                let reply = try await connection.request(
                    .routeRequest(topic: topic),
                    timeout: serverDeadline - clock.now,
                    operation: "route lookup"
                )
                switch reply.code {
                case ResponseCode.success:
                    let route = try TopicRouteData(json: reply.body)
                    preferredNameServer = index
                    return .found(route)
                case ResponseCode.topicNotExist:
                    preferredNameServer = index
                    return .topicNotExist
                default:
                    lastError = .brokerError(
                        code: reply.code,
                        remark: reply.remark ?? "",
                        address: address.description,
                        operation: "route lookup"
                    )
                }
            } catch let error as RocketMQError {
                if error == .shutDown { throw error }
                lastError = error
            }
        }
        throw lastError ?? RocketMQError.noRoute(topic: topic, reason: "no name server answered")
    }
}

extension RocketMQProducer {
    /// Looks up the topic's route without sending anything, for health checks.
    ///
    /// Returns a summary such as `topic t: 4 writable queues on broker-a`, or says that the topic will
    /// be auto-created through TBW102.
    public func describeRoute() async throws -> String {
        guard !isShutDown else { throw RocketMQError.shutDown }
        let info = try await currentPublishInfo(forceRefresh: true, deadline: clock.now + configuration.sendTimeout)
        let brokers = Set(info.queues.map(\.brokerName)).sorted().joined(separator: ", ")
        let topic = configuration.topic
        if info.usesDefaultTopic {
            return "topic \(topic) is new; it will be auto-created on \(brokers) (\(info.queues.count) queues)"
        }
        return "topic \(topic): \(info.queues.count) writable queues on \(brokers)"
    }
}
