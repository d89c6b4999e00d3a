#!/usr/bin/env bash
# The buyer's flow with curl and jq: discover, REQUEST, wait for an offer, ACCEPT, COMMIT, wait for
# the commitment, CONFIRM the delivery. Pair it with examples/seller-agent.ts.
#
#   ASP_URL=http://127.0.0.1:7450 ASP_TOKEN=<token of "asp agent add procurement"> examples/buyer-flow.sh
set -euo pipefail
URL=${ASP_URL:-http://127.0.0.1:7450}
AUTH="Authorization: Bearer ${ASP_TOKEN:?set ASP_TOKEN}"

get () { curl -sSf -H "$AUTH" "$URL$1"; }
# Each state-changing call carries its own Idempotency-Key: run the same line again and it acts once.
post () { curl -sS -H "$AUTH" -H 'content-type: application/json' -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" -d "$2" "$URL$1"; }
# Waits for the first of this agent's events after id $1 that matches the jq filter $2; prints it.
wait_for () {
  local after=$1
  while true; do
    local found
    found=$(get "/v1/events/list?after=$after" | jq -c "[.events[] | select($2)][0] // empty")
    if [ -n "$found" ]; then echo "$found"; return; fi
    sleep 0.3
  done
}

SELLER=''
until [ -n "$SELLER" ]; do
  SELLER=$(get '/v1/discover?capability=sell:gpu-hours' | jq -c '.agents[0] // empty')
  [ -n "$SELLER" ] || sleep 0.5
done
echo "found: $(echo "$SELLER" | jq -r '.agent + " of " + .org')"

SESSION=$(post /v1/sessions "$(jq -nc --argjson s "$SELLER" '{to: {org: $s.org, agent: $s.agent}, message: {type: "REQUEST", body: {capability: "sell:gpu-hours", description: "500 GPU hours this week"}}}')" | jq -r .id)
echo "session: $SESSION"

wait_for 0 ".type == \"message.received\" and .data.session == \"$SESSION\" and .data.message.type == \"PROPOSE\"" > /dev/null
OFFER=$(get "/v1/sessions/$SESSION" | jq -r .liveOffer.cid)
AGREEMENT=$(post "/v1/sessions/$SESSION/messages" "{\"type\":\"ACCEPT\",\"body\":{\"offer\":\"$OFFER\"}}" | jq -r .agreement.cid)
echo "accepted; agreement: $AGREEMENT"
post "/v1/sessions/$SESSION/messages" "{\"type\":\"COMMIT\",\"body\":{\"agreement\":\"$AGREEMENT\"}}" | jq -r '"phase: " + .phase'

COMMITMENT=$(wait_for 0 ".type == \"commitment.signed\" and .data.session == \"$SESSION\"" | jq -r .data.commitment)
echo "commitment signed by both: $COMMITMENT"
post "/v1/sessions/$SESSION/messages" '{"type":"CONFIRM","body":{"obligation":"deliver"}}' | jq -r '"phase: " + .phase'
