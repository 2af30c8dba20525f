# The jq reference: the same extraction as reference_extract.py, from a /history document.
to_entries[]
| .key as $id
| .value as $e
| ($e.status.messages // []) as $m
| ([$m[] | select(.[0] == "execution_error") | .[1]] | first) as $err
| {
    id: $id,
    status: (if $e.status.status_str == "success" then "completed"
             elif any($m[]; .[0] == "execution_interrupted") then "interrupted"
             else "failed" end),
    number: $e.prompt[0],
    create_time: $e.prompt[3].create_time,
    start_time: ([$m[] | select(.[0] == "execution_start") | .[1].timestamp] | first),
    end_time: ([$m[] | select(.[0] | IN("execution_success", "execution_error", "execution_interrupted")) | .[1].timestamp] | first),
    error_type: $err.exception_type,
    error_message: ($err.exception_message // "" | rtrimstr("\n"))
  }
