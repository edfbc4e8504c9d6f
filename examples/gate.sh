#!/bin/sh
# deploy-guard gate with nothing but curl and a JSON tool (jq, or python3 when jq is missing): for CI images without
# Node. Polls GET /api/v1/gates/verdict like `deploy-guard gate` and exits the same way:
#   0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error.
set -u

usage() {
  cat <<'EOF'
usage: sh gate.sh --url URL (--service S --version V [--environment E] | --release ID) [--batch K]
                  [--timeout 45m] [--interval 10s] [--status-file FILE]

Waits for a release's verdict from deploy-guard and exits with it:
  0 pass or warn, 1 fail, 2 hold or timeout, 3 usage or connection error.

  --url URL            deploy-guard's base URL (default DEPLOY_GUARD_URL)
  --service S          the service deployed, with --version
  --version V          the version deployed
  --environment E      default production
  --release ID         a release id instead of --service and --version
  --batch K            wait for batch K of a rolling deploy
  --timeout D          give up (exit 2) after D (90s, 45m, 1h30m); default: until the release's longest window
                       ends, as the server says, plus 10 minutes
  --interval D         how often to ask (default 10s)
  --status-file FILE   write the final status there (pass, warn, fail, hold, timeout or error)
  -h, --help           this help

The API token comes from DEPLOY_GUARD_TOKEN only (never an argument, so it stays out of process lists).
Needs curl, and jq or python3 (jq is used when both are there; GATE_JSON_TOOL=python3 picks python3).
EOF
}

url=${DEPLOY_GUARD_URL:-} service="" version="" environment=production release="" batch="" timeout="" interval=10s status_file=""
die() { printf 'gate.sh: %s\n(sh gate.sh --help shows the usage)\n' "$1" >&2; finish_status error; exit 3; }
finish_status() { [ -z "$status_file" ] || printf '%s\n' "$1" >"$status_file"; }

while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --url|--service|--version|--environment|--release|--batch|--timeout|--interval|--status-file)
      [ $# -ge 2 ] || die "$1 needs a value."
      name=$(printf '%s' "${1#--}" | tr - _)
      eval "$name=\$2"
      shift 2 ;;
    *) die "unknown option '$1'." ;;
  esac
done

# Durations as the CLI takes them (90s, 45m, 1h30m, 500ms, or plain seconds), in seconds.
seconds() {
  printf '%s\n' "$1" | awk '
    /^[0-9]+(\.[0-9]+)?$/ { print $0; exit }
    { s = $0; t = 0
      while (match(s, /^[0-9]+(\.[0-9]+)?(ms|s|m|h|d)/)) {
        tok = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1); u = tok; sub(/^[0-9.]+/, "", u); n = tok + 0
        t += n * (u == "ms" ? 0.001 : u == "s" ? 1 : u == "m" ? 60 : u == "h" ? 3600 : 86400)
      }
      if (s != "" || t == 0) exit 1
      print t }'
}

[ -n "$url" ] || die "--url is required (or DEPLOY_GUARD_URL)."
if [ -n "$release" ]; then
  [ -z "$service$version" ] || die "give --release, or --service and --version, not both."
elif [ -z "$service" ] || [ -z "$version" ]; then
  die "give --release ID, or --service and --version."
fi
case $batch in ''|*[!0-9]*|0) [ -z "$batch" ] || die "--batch '$batch' is not a batch number (1, 2, ...)." ;; esac
interval_s=$(seconds "$interval") || die "--interval '$interval' is not a duration such as 10s."
[ -n "$interval_s" ] || die "--interval '$interval' is not a duration such as 10s."
if [ -n "$timeout" ]; then
  timeout_s=$(seconds "$timeout") && [ -n "$timeout_s" ] || die "--timeout '$timeout' is not a duration such as 45m."
fi
command -v curl >/dev/null 2>&1 || die "curl is not installed."
# GATE_JSON_TOOL=python3 uses the fallback even where jq is installed (the tests run both).
if [ "${GATE_JSON_TOOL:-}" != python3 ] && command -v jq >/dev/null 2>&1; then json=jq
elif command -v python3 >/dev/null 2>&1; then json=python3
else die "neither jq nor python3 is installed."
fi

body=$(mktemp) || exit 3
trap 'rm -f "$body"' EXIT

# GET a path with the token sent through curl's stdin config, so it never appears in a process list.
# Prints the HTTP status; the body goes to $body. Exit non-zero when curl could not connect.
get() {
  path=$1
  shift
  printf 'header = "Authorization: Bearer %s"\n' "${DEPLOY_GUARD_TOKEN:-}" |
    curl -sS --max-time 15 --config - -o "$body" -w '%{http_code}' -G "${url%/}$path" "$@" 2>"$body.err"
}

# Reads the answer in $body. `fields` prints: status, final, release id, server time and the default deadline (epoch
# seconds, empty while unknown), then the progress line. `verdict` prints the final lines. `detail` a problem's detail.
py() { python3 -c "$1" "$body" "${2:-}"; }
fields() {
  if [ "$json" = jq ]; then
    jq -r --arg first "${1:-}" '
      def t: sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;
      def hm: t | strftime("%H:%M UTC");
      (.timing.now | t) as $now
      | (if .timing.window_ends_at then (.timing.window_ends_at | t) + 600
         else (if $first == "" then $now else ($first | tonumber) end) + .timing.max_minutes * 60 + 600 end) as $deadline
      | .status, (.final | tostring), (.release_id // ""), ($now | floor | tostring), ($deadline | floor | tostring),
        "waiting until \($deadline | strftime("%H:%M UTC")) at the most: " + (if .timing.window_ends_at
          then "the longest window (\(.timing.max_minutes) minutes) ends at \(.timing.window_ends_at | hm), plus a 10-minute margin"
          else "the rule'"'"'s longest window (\(.timing.max_minutes) minutes) from when the gate started, plus a 10-minute margin" end),
        (if .release_id == null then "waiting for \(.service) \(.version) (\(.environment)) to be reported: \(.summary)"
         elif .status == "analyzing" then
           "analyzing \(.service) \(.version) (\(.environment)): "
           + (if .timing.minutes_of_data == null then "" else "\(.timing.minutes_of_data) of up to \(.timing.max_minutes) minutes of data; " end)
           + (if .timing.decision_expected_by == null then "no decision is expected yet"
              elif (.timing.decision_expected_by | t) > $now then "a decision is expected by \(.timing.decision_expected_by | hm) (in about \((((.timing.decision_expected_by | t) - $now) / 60) | ceil) min)"
              else "a decision is due now (it was expected by \(.timing.decision_expected_by | hm))" end)
           + (if .timing.next_look_at and ((.timing.next_look_at | t) > $now) then "; next look \(.timing.next_look_at | hm)" else "" end)
         else "\(.status) \(.service) \(.version) (\(.environment)): \(.summary)" end)' "$body"
  else
    py '
import calendar, json, sys, time
v = json.load(open(sys.argv[1])); tm = v["timing"]; first = sys.argv[2]
t = lambda s: calendar.timegm(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S"))
hm = lambda s: s[11:16] + " UTC"
now = t(tm["now"])
deadline = t(tm["window_ends_at"]) + 600 if tm["window_ends_at"] else (float(first) if first else now) + tm["max_minutes"] * 60 + 600
who = "%s %s (%s)" % (v["service"], v["version"], v["environment"])
if v["release_id"] is None: line = "waiting for %s to be reported: %s" % (who, v["summary"])
elif v["status"] == "analyzing":
    line = "analyzing %s: " % who
    if tm["minutes_of_data"] is not None: line += "%d of up to %d minutes of data; " % (tm["minutes_of_data"], tm["max_minutes"])
    by = tm["decision_expected_by"]
    if not by: line += "no decision is expected yet"
    elif t(by) > now: line += "a decision is expected by %s (in about %d min)" % (hm(by), -((now - t(by)) // 60))
    else: line += "a decision is due now (it was expected by %s)" % hm(by)
    if tm["next_look_at"] and t(tm["next_look_at"]) > now: line += "; next look " + hm(tm["next_look_at"])
else: line = "%s %s: %s" % (v["status"], who, v["summary"])
if tm["window_ends_at"]: why = "the longest window (%d minutes) ends at %s, plus a 10-minute margin" % (tm["max_minutes"], hm(tm["window_ends_at"]))
else: why = "the rule\x27s longest window (%d minutes) from when the gate started, plus a 10-minute margin" % tm["max_minutes"]
said = "waiting until %s at the most: %s" % (time.strftime("%H:%M UTC", time.gmtime(deadline)), why)
for x in (v["status"], "true" if v["final"] else "false", v["release_id"] or "", int(now), int(deadline), said, line): print(x)
' "${1:-}"
  fi
}
batch_fields() {
  if [ "$json" = jq ]; then jq -r '.status, (.final | tostring), "batch \(.batch.index) of \(.batch.total): \(.status) — \(.summary)"' "$body"
  else py 'import json,sys; v=json.load(open(sys.argv[1])); print(v["status"]); print("true" if v["final"] else "false"); print("batch %d of %d: %s — %s" % (v["batch"]["index"], v["batch"]["total"], v["status"], v["summary"]))'
  fi
}
verdict() {
  if [ "$json" = jq ]; then jq -r '"\(.status | ascii_upcase): \(.summary)", (.checks[] | "  \(.status) \(.signal): \(.reason)")' "$body"
  else py 'import json,sys; v=json.load(open(sys.argv[1])); print("%s: %s" % (v["status"].upper(), v["summary"])); [print("  %s %s: %s" % (c["status"], c["signal"], c["reason"])) for c in v["checks"]]'
  fi
}
detail() {
  if [ "$json" = jq ]; then jq -r '.detail // empty' "$body" 2>/dev/null || head -c 300 "$body"
  else py 'import json,sys; print(json.load(open(sys.argv[1])).get("detail",""))' 2>/dev/null || head -c 300 "$body"
  fi
}

# One request with up to 3 tries on a connection error or a 5xx; exits 3 when it still fails or on a 4xx (a 404 only
# when $missing_ok is empty: a batch not started yet is a 404 to wait through).
ask() {
  tries=0
  while :; do
    code=$(get "$@") && case $code in 5*) ;; *) break ;; esac
    tries=$((tries + 1))
    if [ $tries -ge 3 ]; then
      printf 'gate.sh: cannot get %s from %s: %s\n' "$1" "$url" "$( [ "${code:-000}" = 000 ] && cat "$body.err" || printf '%s %s' "$code" "$(detail)")" >&2
      rm -f "$body.err"; finish_status error; exit 3
    fi
    sleep "$interval_s"
  done
  rm -f "$body.err"
  case $code in
    2*) ;;
    404) [ -n "${missing_ok:-}" ] || { printf 'gate.sh: 404 from %s: %s\n' "$1" "$(detail)" >&2; finish_status error; exit 3; } ;;
    *) printf 'gate.sh: %s from %s: %s\n' "$code" "$1" "$(detail)" >&2; finish_status error; exit 3 ;;
  esac
}

started=$(date +%s)
[ -z "${timeout_s:-}" ] || fixed=$(awk -v a="$started" -v b="$timeout_s" 'BEGIN { printf "%d", a + b }')
first="" last="" last_at=0
while :; do
  if [ -n "$release" ]; then ask /api/v1/gates/verdict --data-urlencode "release=$release"
  else ask /api/v1/gates/verdict --data-urlencode "service=$service" --data-urlencode "version=$version" --data-urlencode "environment=$environment"
  fi
  out=$(fields "$first") || { printf 'gate.sh: the answer is not the JSON expected.\n' >&2; finish_status error; exit 3; }
  status=$(printf '%s\n' "$out" | sed -n 1p) final=$(printf '%s\n' "$out" | sed -n 2p) id=$(printf '%s\n' "$out" | sed -n 3p)
  now=$(printf '%s\n' "$out" | sed -n 4p) deadline=$(printf '%s\n' "$out" | sed -n 5p) said=$(printf '%s\n' "$out" | sed -n 6p)
  line=$(printf '%s\n' "$out" | sed -n '7,$p')
  [ -n "$first" ] || first=$now
  if [ -z "${fixed:-}" ] && [ "$said" != "${said_before:-}" ]; then
    printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$said" >&2
    said_before=$said
  fi
  if [ -n "$batch" ] && [ -n "$id" ]; then
    missing_ok=1
    ask "/api/v1/releases/$id/batches/$batch/verdict"
    missing_ok=""
    if [ "$code" = 404 ]; then final=false line="waiting for batch $batch of release $id to start"
    else
      out=$(batch_fields)
      status=$(printf '%s\n' "$out" | sed -n 1p) final=$(printf '%s\n' "$out" | sed -n 2p) line=$(printf '%s\n' "$out" | sed -n '3,$p')
    fi
  elif [ -n "$batch" ]; then final=false
  fi
  if [ "$line" != "$last" ] || [ $(( $(date +%s) - last_at )) -ge 60 ]; then
    printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$line" >&2
    last=$line last_at=$(date +%s)
  fi
  if [ "$final" = true ]; then
    verdict
    finish_status "$status"
    case $status in pass|warn) exit 0 ;; fail) exit 1 ;; *) exit 2 ;; esac
  fi
  # --timeout counts on this machine's clock; the default, on the server's (the one the window is measured by).
  if [ -n "${fixed:-}" ]; then late=$(awk -v n="$(date +%s)" -v i="$interval_s" -v d="$fixed" 'BEGIN { print (n + i > d) ? 1 : 0 }')
  else late=$(awk -v n="$now" -v i="$interval_s" -v d="$deadline" 'BEGIN { print (n + i > d) ? 1 : 0 }')
  fi
  if [ "$late" = 1 ]; then
    printf 'gate.sh: no final verdict %s; treating as hold.\n' "$( [ -n "${fixed:-}" ] && printf 'within --timeout %s' "$timeout" || by=${said#waiting until }; printf 'by %s (%s)' "${by%% at the most:*}" "${by#*at the most: }")" >&2
    finish_status timeout
    exit 2
  fi
  sleep "$interval_s"
done
