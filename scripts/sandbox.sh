# Sourced by the scripts that need a sandbox in the background (bench-process.sh,
# bench-licence.sh, test-windows.sh):
#   . scripts/sandbox.sh
#   sandbox_start CLI JSONFILE [FLAGS...]
# runs `CLI sandbox --json --quiet FLAGS` in the background, waits up to 10 s for its
# JSON, and sets sandbox_pid and inst, cid, secret: the healthy scenario's values
# (the first object of the JSON array). The caller stops it (kill "$sandbox_pid").
sandbox_start() {
	local cli=$1 json=$2
	shift 2
	: >"$json"
	"$cli" sandbox --json --quiet "$@" >"$json" 2>"$json.log" &
	sandbox_pid=$!
	for _ in $(seq 100); do [ -s "$json" ] && break; sleep 0.1; done
	[ -s "$json" ] || { echo "the sandbox did not start: $(cat "$json.log")" >&2; return 3; }
	inst=$(sandbox_field "$json" instance) cid=$(sandbox_field "$json" client_id) secret=$(sandbox_field "$json" client_secret)
}

# sandbox_field JSONFILE NAME: NAME's string value in the first object of the array.
sandbox_field() {
	tr -d '\n' <"$1" | sed -E 's/\},[[:space:]]*\{.*//' | sed -E "s/.*\"$2\": *\"([^\"]*)\".*/\1/"
}
