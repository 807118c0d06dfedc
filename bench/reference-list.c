/*
 * A reference for bench/run, not a baseline and not a target: a member's issue
 * list (`GET /api/portal/issues`) written directly in C on libfcgi and SQLite,
 * threaded like the portal worker. It tells how far the hello world is from
 * the work itself, so the portal's ratio can be read against what a
 * hand-written C program doing that work reaches on the same machine.
 *
 * Per request it does what the worker does for that answer:
 *   - the workspace by the first label of the Host (the same SELECT);
 *   - the session cookie hashed with SHA-256, the session and its customer by
 *     token hash and workspace (the same SELECT), expiry and revocation checked;
 *   - the portal's issue query for the member scope (the same SQL: 21 rows,
 *     the visible custom fields found in the issue's JSON column, as the
 *     worker now does it, by a small scanner here instead of a parser);
 *   - the same JSON shape, every string escaped, ISO-8601 timestamps, the cursor.
 * It leaves out what costs the worker extra: the log line, parsing the request
 * into HTTP types, the customer-safe projection as a step of its own (status
 * and priority are written as stored; the visible custom fields are read once
 * at start), and anything for other routes.
 *
 *   cc -O2 -pthread reference-list.c -lfcgi -lsqlite3 -lcrypto -o reference-list
 *   ./reference-list /path/to/socket THREADS DATABASE
 */
#include <fcgiapp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_FIELDS 8

static int listen_fd;
static const char *database_path;
/* The visible custom fields, from the acme workspace's settings at start. */
static int field_count;
static char field_keys[MAX_FIELDS][64];
static size_t field_key_lengths[MAX_FIELDS];
static char field_labels[MAX_FIELDS][128];

static const char workspace_sql[] = "SELECT w.id, w.updated_at, w.portal_settings_version, w.custom_domain_revision FROM workspace w WHERE w.slug = ?";
static const char session_sql[] =
    "SELECT s.id, s.workspace_id, s.customer_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, "
    "s.user_agent, s.client_address, c.id, c.workspace_id, c.email, c.name, c.company_id, c.external_id, "
    "c.portal_access, c.created_at, c.updated_at "
    "FROM portal_session s JOIN customer c ON c.workspace_id = s.workspace_id AND c.id = s.customer_id "
    "WHERE s.token_hash = ? AND s.workspace_id = ?";

typedef struct {
    char *bytes;
    size_t count, capacity;
} buffer;

static void reserve(buffer *b, size_t more) {
    if (b->count + more <= b->capacity) return;
    while (b->count + more > b->capacity) b->capacity = b->capacity ? b->capacity * 2 : 16384;
    b->bytes = realloc(b->bytes, b->capacity);
    if (!b->bytes) abort();
}

static void put(buffer *b, const char *text, size_t length) {
    reserve(b, length);
    memcpy(b->bytes + b->count, text, length);
    b->count += length;
}

#define PUT_LITERAL(b, text) put((b), (text), sizeof(text) - 1)

/* Bytes JSON must escape: `"`, `\\` and controls. */
static unsigned char needs_escape[256];

static void init_escapes(void) {
    for (int c = 0; c < 0x20; c++) needs_escape[c] = 1;
    needs_escape['"'] = needs_escape['\\'] = 1;
}

static void put_quoted(buffer *b, const unsigned char *text, size_t length) {
    static const char hex[] = "0123456789abcdef";
    reserve(b, length * 6 + 2);
    char *out = b->bytes + b->count;
    *out++ = '"';
    size_t i = 0;
    while (i < length) {
        size_t run = i;
        while (run < length && !needs_escape[text[run]]) run++;
        memcpy(out, text + i, run - i);
        out += run - i;
        if (run == length) break;
        unsigned char c = text[run];
        *out++ = '\\';
        if (c == '"' || c == '\\') *out++ = (char)c;
        else if (c == '\n') *out++ = 'n';
        else if (c == '\r') *out++ = 'r';
        else if (c == '\t') *out++ = 't';
        else { *out++ = 'u'; *out++ = '0'; *out++ = '0'; *out++ = hex[c >> 4]; *out++ = hex[c & 15]; }
        i = run + 1;
    }
    *out++ = '"';
    b->count = (size_t)(out - b->bytes);
}

static void put_column_string(buffer *b, sqlite3_stmt *statement, int column) {
    const unsigned char *text = sqlite3_column_text(statement, column);
    put_quoted(b, text ? text : (const unsigned char *)"", (size_t)sqlite3_column_bytes(statement, column));
}

static char *write_digits(char *out, uint64_t value, int width) {
    char digits[20];
    int count = 0;
    do { digits[count++] = (char)('0' + value % 10); value /= 10; } while (value);
    while (count < width) digits[count++] = '0';
    while (count) *out++ = digits[--count];
    return out;
}

/* The end of the JSON value starting at `p` (strings, numbers, literals,
 * nested arrays and objects), or NULL if the text ends first. */
static const char *skip_value(const char *p, const char *end) {
    int depth = 0;
    while (p < end) {
        char c = *p++;
        if (c == '"') {
            while (p < end && *p != '"') p += *p == '\\' && p + 1 < end ? 2 : 1;
            if (p >= end) return NULL;
            p++;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (--depth < 0) return p - 1;
        } else if (c == ',' && depth == 0) {
            return p - 1;
        }
        if (depth == 0 && (c == '"' || c == ']' || c == '}')) return p;
    }
    return depth == 0 ? p : NULL;
}

/* The value of visible field `f` in a stored custom-field object (written by
 * the worker: no whitespace, keys without escapes), or NULL if absent. */
static const char *find_member(const char *p, const char *end, int f, const char **value_end) {
    if (p >= end || *p != '{') return NULL;
    p++;
    while (p < end && *p == '"') {
        const char *key = ++p;
        while (p < end && *p != '"') p += *p == '\\' && p + 1 < end ? 2 : 1;
        if (p >= end || p + 1 >= end || p[1] != ':') return NULL;
        size_t key_length = (size_t)(p - key);
        const char *value = p + 2, *after = skip_value(value, end);
        if (!after) return NULL;
        if (key_length == field_key_lengths[f] && memcmp(key, field_keys[f], key_length) == 0) {
            *value_end = after;
            return value;
        }
        p = after < end && *after == ',' ? after + 1 : end;
    }
    return NULL;
}

static void put_integer(buffer *b, int64_t value) {
    reserve(b, 21);
    char *out = b->bytes + b->count;
    uint64_t magnitude = value < 0 ? (uint64_t)(-(value + 1)) + 1 : (uint64_t)value;
    if (value < 0) *out++ = '-';
    b->count = (size_t)(write_digits(out, magnitude, 1) - b->bytes);
}

/* `"2026-11-26T12:00:00.000Z"` from milliseconds since the epoch (days to civil date, Hinnant's algorithm). */
static void put_timestamp(buffer *b, int64_t milliseconds) {
    int64_t days = milliseconds >= 0 ? milliseconds / 86400000 : (milliseconds - 86399999) / 86400000;
    int64_t rest = milliseconds - days * 86400000;
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9, year = yoe + era * 400 + (month <= 2);
    reserve(b, 48);
    char *out = b->bytes + b->count;
    *out++ = '"';
    if (year < 0) { *out++ = '-'; year = -year; }
    out = write_digits(out, (uint64_t)year, 4); *out++ = '-';
    out = write_digits(out, (uint64_t)month, 2); *out++ = '-';
    out = write_digits(out, (uint64_t)day, 2); *out++ = 'T';
    out = write_digits(out, (uint64_t)(rest / 3600000), 2); *out++ = ':';
    out = write_digits(out, (uint64_t)(rest / 60000 % 60), 2); *out++ = ':';
    out = write_digits(out, (uint64_t)(rest / 1000 % 60), 2); *out++ = '.';
    out = write_digits(out, (uint64_t)(rest % 1000), 3);
    *out++ = 'Z';
    *out++ = '"';
    b->count = (size_t)(out - b->bytes);
}

static void put_base64url(buffer *b, const unsigned char *bytes, size_t count) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    reserve(b, count * 4 / 3 + 4);
    for (size_t i = 0; i < count; i += 3) {
        uint32_t chunk = (uint32_t)bytes[i] << 16 | (i + 1 < count ? (uint32_t)bytes[i + 1] << 8 : 0) |
                         (i + 2 < count ? bytes[i + 2] : 0);
        b->bytes[b->count++] = alphabet[chunk >> 18 & 63];
        b->bytes[b->count++] = alphabet[chunk >> 12 & 63];
        if (i + 1 < count) b->bytes[b->count++] = alphabet[chunk >> 6 & 63];
        if (i + 2 < count) b->bytes[b->count++] = alphabet[chunk & 63];
    }
}

static int64_t now_milliseconds(void) {
    struct timeval now;
    gettimeofday(&now, NULL);
    return (int64_t)now.tv_sec * 1000 + now.tv_usec / 1000;
}

static void answer(FCGX_Request *request, const char *status, const char *body) {
    /* snprintf, not FCGX_FPrintF: libfcgi's own formatter knows no %zu. */
    char head[256];
    int length = snprintf(head, sizeof head, "Status: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                          status, strlen(body));
    FCGX_PutStr(head, length, request->out);
    FCGX_PutStr(body, (int)strlen(body), request->out);
}

/* The session token of `woes_portal_session=` in a Cookie header, or NULL. */
static const char *session_cookie(const char *cookies, size_t *length) {
    static const char name[] = "woes_portal_session=";
    for (const char *p = cookies; p && *p;) {
        while (*p == ' ' || *p == ';') p++;
        if (strncmp(p, name, sizeof(name) - 1) == 0) {
            const char *value = p + sizeof(name) - 1;
            *length = strcspn(value, ";");
            return value;
        }
        p = strchr(p, ';');
    }
    return NULL;
}

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *workspace, *session, *issues;
    buffer body, response;
} worker;

static void respond(worker *w, FCGX_Request *request) {
    const char *host = FCGX_GetParam("HTTP_HOST", request->envp);
    const char *cookies = FCGX_GetParam("HTTP_COOKIE", request->envp);
    const char *dot = host ? strchr(host, '.') : NULL;
    size_t token_length = 0;
    const char *token = cookies ? session_cookie(cookies, &token_length) : NULL;
    if (!dot || !token) {
        answer(request, "401 Unauthorized", "{\"error\":{\"code\":\"unauthenticated\"}}");
        return;
    }
    sqlite3_bind_text(w->workspace, 1, host, (int)(dot - host), SQLITE_STATIC);
    int64_t workspace_id = -1;
    if (sqlite3_step(w->workspace) == SQLITE_ROW) workspace_id = sqlite3_column_int64(w->workspace, 0);
    sqlite3_reset(w->workspace);
    if (workspace_id < 0) {
        answer(request, "404 Not Found", "{\"error\":{\"code\":\"not_found\"}}");
        return;
    }

    unsigned char hash[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, token_length, hash);
    sqlite3_bind_blob(w->session, 1, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_int64(w->session, 2, workspace_id);
    int64_t customer_id = -1;
    char name[256] = "";
    if (sqlite3_step(w->session) == SQLITE_ROW && sqlite3_column_int64(w->session, 5) > now_milliseconds() &&
        sqlite3_column_type(w->session, 6) == SQLITE_NULL) {
        customer_id = sqlite3_column_int64(w->session, 2);
        const unsigned char *text = sqlite3_column_text(w->session, 12);
        if (!text) text = sqlite3_column_text(w->session, 11);
        snprintf(name, sizeof name, "%s", text ? (const char *)text : "");
    }
    sqlite3_reset(w->session);
    if (customer_id < 0) {
        answer(request, "401 Unauthorized", "{\"error\":{\"code\":\"unauthenticated\"}}");
        return;
    }

    sqlite3_bind_int64(w->issues, 1, workspace_id);
    sqlite3_bind_int64(w->issues, 2, customer_id);
    sqlite3_bind_int64(w->issues, 3, 21);
    buffer *b = &w->body;
    b->count = 0;
    PUT_LITERAL(b, "{\"object\":\"list\",");
    size_t has_more_at = b->count;
    PUT_LITERAL(b, "\"issues\":[");
    int rows = 0;
    int64_t last_updated = 0, last_id = 0;
    while (sqlite3_step(w->issues) == SQLITE_ROW) {
        if (++rows > 20) break;
        sqlite3_stmt *s = w->issues;
        if (rows > 1) PUT_LITERAL(b, ",");
        PUT_LITERAL(b, "{\"object\":\"portal_issue\",\"ref\":\"ISS-");
        put_integer(b, sqlite3_column_int64(s, 2));
        PUT_LITERAL(b, "\",\"title\":");
        put_column_string(b, s, 3);
        PUT_LITERAL(b, ",\"description\":");
        put_column_string(b, s, 4);
        PUT_LITERAL(b, ",\"status\":{\"label\":");
        put_column_string(b, s, 5);
        PUT_LITERAL(b, "}");
        if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
            PUT_LITERAL(b, ",\"priority\":");
            put_column_string(b, s, 6);
        }
        PUT_LITERAL(b, ",\"requester\":{\"name\":");
        put_quoted(b, (const unsigned char *)name, strlen(name));
        PUT_LITERAL(b, "}");
        int written = 0;
        const char *object = (const char *)sqlite3_column_text(s, 8);
        const char *object_end = object + sqlite3_column_bytes(s, 8);
        for (int f = 0; object && f < field_count; f++) {
            const char *value_end, *value = find_member(object, object_end, f, &value_end);
            if (!value || (value_end - value == 4 && memcmp(value, "null", 4) == 0)) continue;
            if (written++) PUT_LITERAL(b, ",{");
            else PUT_LITERAL(b, ",\"customFields\":[{");
            PUT_LITERAL(b, "\"key\":");
            put_quoted(b, (const unsigned char *)field_keys[f], strlen(field_keys[f]));
            PUT_LITERAL(b, ",\"label\":");
            put_quoted(b, (const unsigned char *)field_labels[f], strlen(field_labels[f]));
            PUT_LITERAL(b, ",\"value\":");
            put(b, value, (size_t)(value_end - value)); /* stored JSON, copied as it is */
            PUT_LITERAL(b, "}");
        }
        if (written) PUT_LITERAL(b, "]");
        PUT_LITERAL(b, ",\"createdAt\":");
        put_timestamp(b, sqlite3_column_int64(s, 12));
        PUT_LITERAL(b, ",\"updatedAt\":");
        last_updated = sqlite3_column_int64(s, 13);
        last_id = sqlite3_column_int64(s, 0);
        put_timestamp(b, last_updated);
        PUT_LITERAL(b, ",\"editableFields\":[\"title\",\"priority\",\"cf.environment\"]}");
    }
    sqlite3_reset(w->issues);
    PUT_LITERAL(b, "]}");

    /* hasMore and nextCursor go before the issues, as in the worker's answer. */
    char middle[160];
    size_t middle_length;
    if (rows > 20) {
        char position[96];
        int length = snprintf(position, sizeof position, "member:%lld||%lld.%lld", (long long)customer_id,
                              (long long)last_updated, (long long)last_id);
        buffer cursor = {0};
        put_base64url(&cursor, (const unsigned char *)position, (size_t)length);
        middle_length = (size_t)snprintf(middle, sizeof middle, "\"hasMore\":true,\"nextCursor\":\"%.*s\",",
                                         (int)cursor.count, cursor.bytes);
        free(cursor.bytes);
    } else {
        middle_length = (size_t)snprintf(middle, sizeof middle, "\"hasMore\":false,\"nextCursor\":null,");
    }
    buffer *r = &w->response;
    r->count = 0;
    char head[160];
    int head_length = snprintf(head, sizeof head,
                               "Status: 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                               "Content-Length: %zu\r\n\r\n", b->count + middle_length);
    put(r, head, (size_t)head_length);
    put(r, b->bytes, has_more_at);
    put(r, middle, middle_length);
    put(r, b->bytes + has_more_at, b->count - has_more_at);
    FCGX_PutStr(r->bytes, (int)r->count, request->out);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) != SQLITE_OK) {
        fprintf(stderr, "reference-list: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    return statement;
}

static void open_worker(worker *w) {
    if (sqlite3_open_v2(database_path, &w->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        fprintf(stderr, "reference-list: cannot open %s\n", database_path);
        exit(1);
    }
    w->workspace = prepare(w->db, workspace_sql);
    w->session = prepare(w->db, session_sql);
    char sql[2048];
    int length = snprintf(sql, sizeof sql,
                          "SELECT i.id, i.workspace_id, i.number, i.title, i.description, i.status, i.priority, i.tags, "
                          "i.custom_fields, i.requester_id, i.company_id, i.form_key, i.created_at, i.updated_at, NULL, NULL");
    snprintf(sql + length, sizeof sql - (size_t)length,
             " FROM issue i WHERE i.workspace_id = ? AND i.requester_id = ? ORDER BY i.updated_at DESC, i.id DESC LIMIT ?");
    w->issues = prepare(w->db, sql);
}

/* The visible custom fields of the acme portal, as the worker reads them from its settings. */
static void load_fields(void) {
    sqlite3 *db;
    if (sqlite3_open_v2(database_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) exit(1);
    sqlite3_stmt *s = prepare(db,
        "SELECT json_extract(f.value, '$.key'), json_extract(f.value, '$.label') "
        "FROM workspace w, json_each(w.custom_fields) f, json_each(w.portal_settings, '$.issueFields') v "
        "WHERE w.slug = 'acme' AND json_extract(v.value, '$.key') = 'cf.' || json_extract(f.value, '$.key') "
        "AND json_extract(v.value, '$.visible') ORDER BY v.key");
    while (sqlite3_step(s) == SQLITE_ROW && field_count < MAX_FIELDS) {
        const char *key = (const char *)sqlite3_column_text(s, 0), *label = (const char *)sqlite3_column_text(s, 1);
        if (!key) continue;
        snprintf(field_keys[field_count], sizeof field_keys[0], "%s", key);
        field_key_lengths[field_count] = strlen(field_keys[field_count]);
        snprintf(field_labels[field_count], sizeof field_labels[0], "%s", label ? label : key);
        field_count++;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void *serve(void *unused) {
    (void)unused;
    worker w = {0};
    open_worker(&w);
    FCGX_Request request;
    if (FCGX_InitRequest(&request, listen_fd, 0) != 0) return NULL;
    while (FCGX_Accept_r(&request) >= 0) {
        respond(&w, &request);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SOCKET THREADS DATABASE\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[2]);
    if (threads < 1) threads = 1;
    database_path = argv[3];
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    init_escapes();
    load_fields();
    FCGX_Init();
    unlink(argv[1]);
    listen_fd = FCGX_OpenSocket(argv[1], 1024);
    if (listen_fd < 0) return 1;
    chmod(argv[1], 0666);
    pthread_t *ids = calloc((size_t)threads, sizeof(pthread_t));
    for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, serve, NULL);
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    return 0;
}
