/*
 * hello: JSON to MessagePack and back, through wirekit's public API only.
 *
 *     hello                                   a built-in sample
 *     hello '{"id": 7, "tags": ["a", "b"]}'   JSON text from the command line
 *
 * Finds the two formats the way a service would from its Content-Type and
 * Accept headers, decodes the JSON into a value tree, encodes that as
 * MessagePack, decodes the MessagePack again and compares the two trees.
 * Prints "round trip ok: N bytes of JSON -> M bytes of MessagePack" and exits
 * 0 when they are equal; exits 1 (with the reason on stderr) when the JSON is
 * bad or the trees differ, and 2 on bad usage.
 */
#include <wirekit/wirekit.h>

#include <stdio.h>
#include <string.h>

static const char hello_sample[] =
    "{\"order\": 1042, \"customer\": \"Ada Lovelace\", \"paid\": true, \"note\": null,"
    " \"items\": [{\"sku\": \"A-17\", \"qty\": 2, \"price\": 9.5},"
    " {\"sku\": \"B-3\", \"qty\": 1, \"price\": 120.25}]}";

/* GNU style: "WHERE:LINE:COL: error: MESSAGE", the position where there is one. */
static void hello_report(const char *where, const wk_status *st)
{
    const char *msg = st->msg[0] ? st->msg : wk_code_message(st->code);
    if (st->line)
        fprintf(stderr, "%s:%u:%u: error: %s\n", where, (unsigned)st->line, (unsigned)st->col, msg);
    else
        fprintf(stderr, "%s: error: %s (at byte %zu)\n", where, msg, st->offset);
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: %s [JSON]\n", argv[0]);
        return 2;
    }
    const char *text = argc == 2 ? argv[1] : hello_sample;
    const char *where = argc == 2 ? "<argument>" : "<sample>";
    size_t text_len = strlen(text);

    const wk_format *json = wk_format_find("application/json");
    const wk_format *msgpack = wk_format_find("msgpack");
    if (!json || !msgpack) {
        fprintf(stderr, "hello: this wirekit has no %s format\n", json ? "MessagePack" : "JSON");
        return 1;
    }

    wk_arena *arena = wk_arena_new(0);
    if (!arena) {
        fprintf(stderr, "hello: out of memory\n");
        return 1;
    }
    wk_buf packed;
    wk_buf_init(&packed);
    wk_status st;
    const wk_value *from_json = NULL;
    const wk_value *from_msgpack = NULL;
    int status = 1;

    /* Both trees live in the one arena, freed together below. */
    if (wk_decode(json, text, text_len, NULL, arena, &from_json, &st) != WK_OK)
        hello_report(where, &st);
    else if (wk_encode(msgpack, from_json, NULL, &packed, &st) != WK_OK)
        hello_report("MessagePack encode", &st);
    else if (wk_decode(msgpack, packed.data, packed.len, NULL, arena, &from_msgpack, &st) != WK_OK)
        hello_report("MessagePack decode", &st);
    else if (!wk_value_equal(from_json, from_msgpack))
        fprintf(stderr, "hello: the value read back from MessagePack differs from the JSON one\n");
    else {
        printf("round trip ok: %zu bytes of JSON -> %zu bytes of MessagePack\n", text_len, packed.len);
        status = 0;
    }

    wk_buf_destroy(&packed);
    wk_arena_free(arena);
    return status;
}
