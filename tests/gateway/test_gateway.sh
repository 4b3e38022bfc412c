#!/usr/bin/env bash
# test_gateway: start examples/gateway on 127.0.0.1 with a free port, send it
# a fixed list of requests with curl and check each status, the headers that
# matter and the exact body; then stop it with SIGTERM and check that it
# exits 0.
#
#   test_gateway.sh GATEWAY WIREKIT_CLI SOURCE_DIR
#
# The CLI makes the binary request bodies (from JSON, under the schemas in
# examples/gateway/schemas) and turns binary answers back into JSON to
# compare. The received time in an answer changes with every run, so it is
# checked for its form and then replaced by <time> before comparing.
#
# GATEWAY_WRAPPER runs the service under a tool, e.g.
#   GATEWAY_WRAPPER='valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9'
# and its exit status must still be 0. Registered in tests/CMakeLists.txt.
# Exit 0 pass, 1 fail, 2 usage, 77 skipped (no curl).
set -euo pipefail

if (($# != 3)); then
    echo "usage: $0 GATEWAY WIREKIT_CLI SOURCE_DIR" >&2
    exit 2
fi
gateway=$1
cli=$2
schemas=$3/examples/gateway/schemas
if ! command -v curl >/dev/null 2>&1; then
    echo "test_gateway: SKIP: curl is not installed (Debian: curl)"
    exit 77
fi
[[ -x $gateway && -x $cli && -f $schemas/order-1.1.0.proto ]] || {
    echo "test_gateway: $gateway, $cli or $schemas/order-1.1.0.proto is missing" >&2
    exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/wk-gateway-test.XXXXXX")
server_pid=
watchdog_pid=
# Whatever happens, the service and the watchdog go, and so does the folder.
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [[ -n $watchdog_pid ]] && kill "$watchdog_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    printf 'test_gateway: FAIL: %s\n' "$*" >&2
    if [[ -f $work/server.log ]]; then
        echo "--- the service's log:" >&2
        tail -n 30 "$work/server.log" >&2
    fi
    exit 1
}

# The whole run is bounded: past this many seconds the script stops itself.
# (Its sleep is killed with it, so that nothing keeps the output open.)
(
    sleep "${GATEWAY_TEST_TIMEOUT:-240}" &
    sleep_pid=$!
    trap 'kill "$sleep_pid" 2>/dev/null; exit 0' TERM
    wait "$sleep_pid"
    echo "test_gateway: FAIL: still running after ${GATEWAY_TEST_TIMEOUT:-240} s" >&2
    kill -TERM $$
) &
watchdog_pid=$!

# ---- start the service and learn its port ----
read -r -a wrapper <<<"${GATEWAY_WRAPPER:-}"
"${wrapper[@]}" "$gateway" --port 0 --bind 127.0.0.1 --schemas "$schemas" --max-body 64K \
    >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
port=
for _ in $(seq 1 300); do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$work/server.out")
    [[ -n $port ]] && break
    kill -0 "$server_pid" 2>/dev/null || fail "the service exited before listening"
    sleep 0.1
done
[[ -n $port ]] || fail "the service did not print 'listening on http://127.0.0.1:PORT' within 30 s"
base=http://127.0.0.1:$port
echo "service on $base"

# ---- request bodies ----
# One order in each version; the same order in every format.
cat >"$work/order-1.1.0.json" <<'EOF'
{"customerEmail":"ana@example.com","items":[{"sku":"MUG-01","quantity":2,"unitPriceCents":"1299"}],"status":"STATUS_PLACED","labels":{"channel":"web"},"currencyCode":"EUR"}
EOF
cat >"$work/order-1.0.0.json" <<'EOF'
{"customerEmail":"bo@example.com","items":[{"sku":"TEA-7","quantity":1,"unitPriceCents":"450"}],"status":"STATUS_PAID"}
EOF
for version in 1.0.0 1.1.0; do
    for format in xml msgpack protobuf; do
        "$cli" convert "$work/order-$version.json" -s "$schemas/order-$version.proto" -m acme.orders.Order \
            --to "$format" -o "$work/order-$version.$format" || fail "cannot make order-$version.$format"
    done
done

# ---- checking answers ----
status=
# request EXPECTED_STATUS CURL_ARGS...: one request; the answer in
# $work/body and $work/headers, its status checked.
request() {
    local expected=$1
    shift
    rm -f "$work/body" "$work/headers"
    status=$(curl -sS --max-time 5 -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@") ||
        fail "curl $* failed"
    [[ $status == "$expected" ]] || fail "curl $*: status $status, expected $expected; body: $(head -c 600 "$work/body")"
}

# header NAME -> its value in the last answer (without the CR)
header() {
    sed -n "s/^$1: \(.*\)\r\$/\1/Ip" "$work/headers" | head -n 1
}

expect_header() {
    local got
    got=$(header "$1")
    [[ $got == "$2" ]] || fail "header $1: got '$got', expected '$2'"
}

# expect_body TEXT: the body of the last answer is TEXT and a line feed.
expect_body() {
    local expected
    expected=$(printf '%s\n' "$1")
    [[ $(cat "$work/body"; echo x) == "$expected"$'\n'x ]] ||
        fail "body: got '$(head -c 600 "$work/body")', expected '$1'"
}

# expect_order FORMAT VERSION JSON: the body, an order in FORMAT under
# VERSION, is JSON once converted (with its received time checked and made <time>).
expect_order() {
    local format=$1 version=$2 expected=$3 json
    if [[ $format == json ]]; then
        json=$(cat "$work/body")
    else
        json=$("$cli" convert "$work/body" --from "$format" -s "$schemas/order-$version.proto" \
            -m acme.orders.Order --to json) || fail "the $format answer does not read as version $version"
    fi
    local time_re='"receivedAt":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z"'
    [[ $json =~ $time_re ]] || fail "no receivedAt time in $json"
    json=$(sed -E "s/$time_re/\"receivedAt\":\"<time>\"/" <<<"$json")
    [[ $json == "$expected" ]] || fail "order: got $json, expected $expected"
}

vnd=application/vnd.acme.order
order_11='"customerEmail":"ana@example.com","items":[{"sku":"MUG-01","quantity":2,"unitPriceCents":"1299"}],"status":"STATUS_PLACED","receivedAt":"<time>","labels":{"channel":"web"},"currencyCode":"EUR"}'
order_10='"customerEmail":"bo@example.com","items":[{"sku":"TEA-7","quantity":1,"unitPriceCents":"450"}],"status":"STATUS_PAID","receivedAt":"<time>"}'
supported="$vnd+json, +msgpack, +protobuf, +xml (or application/json, application/msgpack, application/x-protobuf, application/xml), versions 1.0.0, 1.1.0"
orders=0   # orders stored so far: the next id is ord-$((orders + 1))

# ---- each format in, answered in the same format at the current version ----
for format in json xml msgpack protobuf; do
    request 201 -H "Content-Type: $vnd+$format; version=1.1.0" --data-binary "@$work/order-1.1.0.$format" "$base/orders"
    orders=$((orders + 1))
    expect_header Content-Type "$vnd+$format; version=1.1.0"
    expect_header Location "/orders/ord-$orders"
    expect_order "$format" 1.1.0 "{\"id\":\"ord-$orders\",$order_11"
done
echo "ok: four formats in"

# ---- JSON in, each format out ----
for format in json xml msgpack protobuf; do
    request 201 -H "Content-Type: application/json" -H "Accept: $vnd+$format" \
        --data-binary "@$work/order-1.1.0.json" "$base/orders"
    orders=$((orders + 1))
    expect_header Content-Type "$vnd+$format; version=1.1.0"
    expect_order "$format" 1.1.0 "{\"id\":\"ord-$orders\",$order_11"
done
# A plain media type is answered with the plain type.
request 201 -H "Content-Type: application/json" -H "Accept: application/msgpack" \
    --data-binary "@$work/order-1.1.0.json" "$base/orders"
orders=$((orders + 1))
expect_header Content-Type "application/msgpack; version=1.1.0"
expect_order msgpack 1.1.0 "{\"id\":\"ord-$orders\",$order_11"
echo "ok: four formats out"

# ---- 1.0.0 data, every format: read under 1.0.0, migrated to 1.1.0 ----
for format in json xml msgpack protobuf; do
    request 201 -H "Content-Type: $vnd+$format; version=1.0.0" -H "Accept: $vnd+json" \
        --data-binary "@$work/order-1.0.0.$format" "$base/orders"
    orders=$((orders + 1))
    expect_header Content-Type "$vnd+json; version=1.1.0"
    expect_order json 1.1.0 "{\"id\":\"ord-$orders\",$order_10"
done
echo "ok: 1.0.0 read and migrated"

# ---- answers in 1.0.0: currency_code left out ----
request 201 -H "Content-Type: $vnd+json; version=1.1.0" -H "Accept: $vnd+msgpack; version=1.0.0" \
    --data-binary "@$work/order-1.1.0.json" "$base/orders"
orders=$((orders + 1))
expect_header Content-Type "$vnd+msgpack; version=1.0.0"
expect_order msgpack 1.0.0 "{\"id\":\"ord-$orders\",\"customerEmail\":\"ana@example.com\",\"items\":[{\"sku\":\"MUG-01\",\"quantity\":2,\"unitPriceCents\":\"1299\"}],\"status\":\"STATUS_PLACED\",\"receivedAt\":\"<time>\",\"labels\":{\"channel\":\"web\"}}"
# The highest weight wins; version=1 means the current 1.x.
request 201 -H "Content-Type: $vnd+json" \
    -H "Accept: $vnd+json;q=0.2, $vnd+xml;version=1;q=0.8, text/html, */*;q=0.1" \
    --data-binary "@$work/order-1.1.0.json" "$base/orders"
orders=$((orders + 1))
expect_header Content-Type "$vnd+xml; version=1.1.0"
# A reader of a newer minor version gets the current one; data of a newer
# minor version is read with its unknown fields kept.
request 201 -H "Content-Type: $vnd+json; version=1.4.2" -H "Accept: $vnd+json; version=1.4.0" \
    --data-binary '{"customerEmail":"cy@example.com","giftWrap":true}' "$base/orders"
orders=$((orders + 1))
expect_header Content-Type "$vnd+json; version=1.1.0"
expect_order json 1.1.0 "{\"id\":\"ord-$orders\",\"customerEmail\":\"cy@example.com\",\"receivedAt\":\"<time>\",\"giftWrap\":true}"
echo "ok: Accept"

# ---- stored orders ----
request 200 -H "Accept: $vnd+xml; version=1.0.0" "$base/orders/ord-5"
expect_header Content-Type "$vnd+xml; version=1.0.0"
expect_header Vary Accept
expect_order xml 1.0.0 "{\"id\":\"ord-5\",\"customerEmail\":\"ana@example.com\",\"items\":[{\"sku\":\"MUG-01\",\"quantity\":2,\"unitPriceCents\":\"1299\"}],\"status\":\"STATUS_PLACED\",\"receivedAt\":\"<time>\",\"labels\":{\"channel\":\"web\"}}"
request 200 "$base/orders/ord-$orders"
expect_header Content-Type "$vnd+json; version=1.1.0"
expect_order json 1.1.0 "{\"id\":\"ord-$orders\",\"customerEmail\":\"cy@example.com\",\"receivedAt\":\"<time>\",\"giftWrap\":true}"
request 404 "$base/orders/ord-999"
expect_body "no order ord-999 here (the last 1024 orders are kept)"
echo "ok: GET /orders/{id}"

# ---- versions and types refused ----
request 415 -H "Content-Type: $vnd+json; version=2.0.0" --data-binary "@$work/order-1.1.0.json" "$base/orders"
expect_body "version 2.0.0 of acme.orders.Order is not supported: this service reads $supported"
request 415 -H "Content-Type: $vnd+protobuf; version=0.9" --data-binary "@$work/order-1.1.0.protobuf" "$base/orders"
expect_body "version 0.9 of acme.orders.Order is not supported: this service reads $supported"
request 406 -H "Content-Type: $vnd+json" -H "Accept: $vnd+json; version=2.0.0" \
    --data-binary "@$work/order-1.1.0.json" "$base/orders"
expect_body "cannot answer as any of \"$vnd+json; version=2.0.0\": this service writes $supported"
request 406 -H "Content-Type: $vnd+json" -H "Accept: text/html, $vnd+json;q=0" \
    --data-binary "@$work/order-1.1.0.json" "$base/orders"
expect_body "cannot answer as any of \"text/html, $vnd+json;q=0\": this service writes $supported"
request 406 -H "Accept: application/vnd.acme.invoice+json" "$base/orders/ord-1"
expect_body "cannot answer as any of \"application/vnd.acme.invoice+json\": this service writes $supported"
request 415 -H "Content-Type: text/plain" --data-binary "hello" "$base/orders"
expect_body "unsupported Content-Type \"text/plain\": this service reads $supported"
request 415 -H "Content-Type: application/vnd.acme.invoice+json" --data-binary "@$work/order-1.1.0.json" "$base/orders"
expect_body "unsupported Content-Type \"application/vnd.acme.invoice+json\": this service reads $supported"
request 415 -H "Content-Type: application/json; version=1.x" --data-binary "@$work/order-1.1.0.json" "$base/orders"
[[ $(cat "$work/body") == 'Content-Type "application/json; version=1.x" does not parse: '* ]] ||
    fail "body: $(cat "$work/body")"
request 415 -H "Content-Type:" --data-binary "@$work/order-1.1.0.json" "$base/orders"
expect_body "a Content-Type is required: this service reads $supported"
echo "ok: 415 and 406"

# ---- malformed bodies: 400 with the decoder's message and position ----
head -c 20 "$work/order-1.1.0.protobuf" >"$work/truncated.protobuf"
request 400 -H "Content-Type: $vnd+protobuf" --data-binary "@$work/truncated.protobuf" "$base/orders"
expect_body 'not a valid acme.orders.Order 1.1.0 in protobuf: byte 17: $.items[0]: length 13 runs past the end of its message (1 bytes left)'
request 400 -H "Content-Type: $vnd+json" --data-binary '{"customerEmail": "ana@example.com",}' "$base/orders"
expect_body 'not a valid acme.orders.Order 1.1.0 in json: line 1, column 37: invalid object key (must be a string)'
request 400 -H "Content-Type: $vnd+json; version=1.0.0" --data-binary '{"items": [{"quantity": "two"}]}' "$base/orders"
expect_body 'not a valid acme.orders.Order 1.0.0 in json: line 1, column 25: $.items[0].quantity: expected an integer, got the string "two"'
request 400 -H "Content-Type: $vnd+xml" --data-binary '<Order><customer_email>ana</Order>' "$base/orders"
expect_body 'not a valid acme.orders.Order 1.1.0 in xml: line 1, column 35: Opening and ending tag mismatch: customer_email line 1 and Order'
request 400 -H "Content-Type: $vnd+msgpack" --data-binary $'\x81\xadcustomerEmail\xc1' "$base/orders"
expect_body 'not a valid acme.orders.Order 1.1.0 in msgpack: byte 15: $.customerEmail: type byte 0xc1 is never used in MessagePack'
request 400 -H "Content-Type: $vnd+msgpack" --data-binary $'\x82\xa2id' "$base/orders"
expect_body 'not a valid acme.orders.Order 1.1.0 in msgpack: $: unexpected end of input: fixmap of 2 members needs 4 bytes at least, but 3 are left'
request 400 -H "Content-Type: $vnd+json" --data-binary '' "$base/orders"
expect_body "the body is empty: it must hold an order"
# Too large: with a Content-Length (refused before it is read), and chunked.
head -c 70000 /dev/zero | tr '\0' ' ' >"$work/huge.json"
request 413 -H "Content-Type: $vnd+json" --data-binary "@$work/huge.json" "$base/orders"
expect_body "the body is larger than the limit of 65536 bytes"
request 413 -H "Content-Type: $vnd+json" -H "Transfer-Encoding: chunked" --data-binary "@$work/huge.json" "$base/orders"
expect_body "the body is larger than the limit of 65536 bytes"
echo "ok: malformed bodies"

# ---- routes and methods ----
request 404 "$base/"
expect_body "no such resource: / (try POST /orders)"
request 404 -X POST -H "Content-Type: $vnd+json" --data-binary "@$work/order-1.1.0.json" "$base/orders/ord-1/items"
expect_body "no such resource: /orders/ord-1/items (try POST /orders)"
request 405 "$base/orders"
expect_header Allow POST
expect_body "GET /orders is not allowed: use POST"
request 405 -X DELETE "$base/orders/ord-1"
expect_header Allow "GET, HEAD"
expect_body "DELETE /orders/{id} is not allowed: use GET"
echo "ok: 404 and 405"

# ---- and after all that, the service still takes orders ----
request 201 -H "Content-Type: $vnd+protobuf" -H "Accept: $vnd+json" \
    --data-binary "@$work/order-1.1.0.protobuf" "$base/orders"
orders=$((orders + 1))
expect_order json 1.1.0 "{\"id\":\"ord-$orders\",$order_11"
echo "ok: still serving"

# ---- a clean stop ----
kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=
((rc == 0)) || fail "the service exited with status $rc after SIGTERM"
grep -q '^gateway: SIGTERM, stopping$' "$work/server.log" || fail "no 'stopping' line in the log"
echo "test_gateway: all passed"
