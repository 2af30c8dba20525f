# The jq reference for a /queue answer: id, status, number and create time of each item.
(.queue_running[] | {id: .[1], status: "running", number: .[0], create_time: .[3].create_time}),
(.queue_pending | sort_by(.[0]) | to_entries[]
 | {id: .value[1], status: "pending", number: .value[0], queue_position: (.key + 1), create_time: .value[3].create_time})
