#include "cresolver.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

static int append(char *out, size_t out_size, size_t *used, const char *text, size_t length) {
    if (*used + length + 1 > out_size) return 0;
    memcpy(out + *used, text, length);
    out[*used + length] = '\0';
    *used += length + 1;
    return 1;
}

cresolver_status cresolver_query(const char *server_ipv4, int port, int timeout_seconds, const char *name, int type,
                                 char *out, size_t out_size, int *count) {
    *count = 0;
    if (!name || !out || out_size == 0) return CRESOLVER_ERROR;
    struct __res_state state;
    memset(&state, 0, sizeof state);
    if (res_ninit(&state) != 0) return CRESOLVER_ERROR;
    if (server_ipv4) {
        struct in_addr address;
        if (inet_pton(AF_INET, server_ipv4, &address) != 1 || port <= 0 || port > 65535) {
            res_nclose(&state);
            return CRESOLVER_ERROR;
        }
        state.nsaddr_list[0].sin_family = AF_INET;
        state.nsaddr_list[0].sin_addr = address;
        state.nsaddr_list[0].sin_port = htons((unsigned short)port);
        state.nscount = 1;
    }
    state.retrans = timeout_seconds > 0 ? timeout_seconds : 2;
    state.retry = 1;
    /* The full name as given: no search domains appended. */
    state.options &= ~(RES_DNSRCH | RES_DEFNAMES);

    unsigned char answer[NS_MAXMSG > 65536 ? 65536 : NS_MAXMSG];
    int length = res_nquery(&state, name, ns_c_in, type, answer, sizeof answer);
    if (length < 0) {
        int error = state.res_h_errno;
        res_nclose(&state);
        switch (error) {
        case HOST_NOT_FOUND: return CRESOLVER_NXDOMAIN;
        case NO_DATA: return CRESOLVER_NODATA;
        default: return CRESOLVER_NO_ANSWER;
        }
    }
    res_nclose(&state);

    ns_msg message;
    if (ns_initparse(answer, length, &message) != 0) return CRESOLVER_ERROR;
    size_t used = 0;
    int records = ns_msg_count(message, ns_s_an);
    for (int index = 0; index < records; index++) {
        ns_rr record;
        if (ns_parserr(&message, ns_s_an, index, &record) != 0) return CRESOLVER_ERROR;
        if (ns_rr_type(record) != type) continue;
        const unsigned char *data = ns_rr_rdata(record);
        size_t data_length = ns_rr_rdlen(record);
        if (type == CRESOLVER_TYPE_TXT) {
            char text[4096];
            size_t text_length = 0;
            for (size_t offset = 0; offset < data_length;) {
                size_t part = data[offset];
                if (offset + 1 + part > data_length || text_length + part >= sizeof text) return CRESOLVER_ERROR;
                memcpy(text + text_length, data + offset + 1, part);
                text_length += part;
                offset += 1 + part;
            }
            if (append(out, out_size, &used, text, text_length)) (*count)++;
        } else if (type == CRESOLVER_TYPE_CNAME) {
            char target[NS_MAXDNAME];
            if (dn_expand(ns_msg_base(message), ns_msg_end(message), data, target, sizeof target) < 0) return CRESOLVER_ERROR;
            if (append(out, out_size, &used, target, strlen(target))) (*count)++;
        }
    }
    return *count > 0 ? CRESOLVER_OK : CRESOLVER_NODATA;
}
