"""Writes a trace document of about 25 MB in the proto3 JSON form of
bench/peers/trace.proto (TracesData), the same bytes on every run.

    python3 make_trace.py OUT.json [MEGABYTES]
"""
import base64
import json
import random
import sys

SPAN_NAMES = ["GET /api/orders", "SELECT orders", "redis GET", "POST /checkout",
              "kafka publish", "grpc ProductService/Get"]


def attribute(rng_key, value):
    if isinstance(value, bool):
        return {"key": rng_key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": rng_key, "value": {"intValue": str(value)}}
    if isinstance(value, float):
        return {"key": rng_key, "value": {"doubleValue": value}}
    return {"key": rng_key, "value": {"stringValue": value}}


def span(rng, i):
    start = 1700000000000000000 + i * 1000003
    status = ({"code": "STATUS_CODE_OK"} if rng.random() < 0.9
              else {"code": "STATUS_CODE_ERROR", "message": "deadline exceeded"})
    events = ([{"timeUnixNano": str(start + 500), "name": "retry",
                "attributes": [attribute("attempt", 2)]}] if rng.random() < 0.2 else [])
    return {
        "traceId": base64.b64encode(rng.randbytes(16)).decode(),
        "spanId": base64.b64encode(rng.randbytes(8)).decode(),
        "parentSpanId": base64.b64encode(rng.randbytes(8)).decode(),
        "name": rng.choice(SPAN_NAMES),
        "kind": rng.choice(["SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_INTERNAL"]),
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + rng.randrange(1000, 10**9)),
        "attributes": [attribute("http.method", "GET"),
                       attribute("http.status_code", rng.choice([200, 201, 404, 500])),
                       attribute("net.peer.name", "db-%d.internal" % rng.randrange(8)),
                       attribute("sampled", rng.random() < 0.5),
                       attribute("load", round(rng.random(), 4))],
        "events": events,
        "status": status,
    }


def main():
    out = sys.argv[1]
    target = int(float(sys.argv[2]) * 1_000_000) if len(sys.argv) > 2 else 25_000_000
    rng = random.Random(7)
    resource_spans = []
    size = 0
    i = 0
    while size < target:
        spans = [span(rng, i + k) for k in range(200)]
        i += 200
        group = {"resource": {"attributes": [attribute("service.name", "checkout-%d" % (i % 7)),
                                             attribute("host.name", "node-%d" % (i % 13))]},
                 "scopeSpans": [{"scope": {"name": "opentelemetry.instrumentation.http",
                                           "version": "0.44b0"},
                                 "spans": spans}]}
        resource_spans.append(group)
        size += len(json.dumps(group, separators=(",", ":")))
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"resourceSpans": resource_spans}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
