#include "csmtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *data;
    size_t length;
    size_t offset;
} payload;

static size_t read_payload(char *buffer, size_t size, size_t count, void *context) {
    payload *source = (payload *)context;
    size_t room = size * count;
    size_t left = source->length - source->offset;
    size_t chunk = left < room ? left : room;
    memcpy(buffer, source->data + source->offset, chunk);
    source->offset += chunk;
    return chunk;
}

static pthread_once_t global_init = PTHREAD_ONCE_INIT;

/* curl_global_init is not guaranteed thread-safe: run it once, whoever sends first. */
static void initialise_curl(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

int csmtp_send(const csmtp_server *server, const char *from, const char *to, const char *message, size_t length,
               char *error, size_t error_size, int *permanent) {
    *permanent = 0;
    if (error_size > 0) error[0] = '\0';
    pthread_once(&global_init, initialise_curl);
    CURL *curl = curl_easy_init();
    if (!curl) {
        snprintf(error, error_size, "cannot initialise libcurl");
        return CURLE_FAILED_INIT;
    }
    char details[CURL_ERROR_SIZE] = {0};
    payload source = {message, length, 0};
    struct curl_slist *recipients = curl_slist_append(NULL, to);

    curl_easy_setopt(curl, CURLOPT_URL, server->url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_payload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &source);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, details);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, server->timeout_seconds > 0 ? server->timeout_seconds : 30L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    if (server->username && server->username[0]) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, server->username);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, server->password ? server->password : "");
    }
    switch (server->tls) {
    case CSMTP_TLS_REQUIRED: curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL); break;
    case CSMTP_TLS_NONE: curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_NONE); break;
    default: curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY); break;
    }
    if (server->ca_file && server->ca_file[0]) curl_easy_setopt(curl, CURLOPT_CAINFO, server->ca_file);

    CURLcode result = curl_easy_perform(curl);
    if (result != CURLE_OK) {
        long response = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
        *permanent = (response >= 500 && response < 600) || result == CURLE_LOGIN_DENIED;
        snprintf(error, error_size, "%s%s%s (SMTP %ld)", curl_easy_strerror(result), details[0] ? ": " : "", details, response);
    }
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    return (int)result;
}
