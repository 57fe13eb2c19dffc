/* Stand-in for libcurl.so.4 in the bundled Tesseract (see packaging/README.md, "Linux").
 *
 * Debian's libtesseract links libcurl only to fetch images named by an http(s):// URL. The app feeds images on
 * stdin and must never use the network, so every call fails: curl_easy_init() returns NULL, which Tesseract
 * reports as "curl_easy_init failed" and stops. The real library would bring Kerberos, LDAP, SSH, GnuTLS and
 * nghttp2 into the package. Exported under libcurl's symbol version (libcurl.map), as Debian's binary asks.
 */
#include <stddef.h>

#define CURLE_FAILED_INIT 2

typedef void CURL;

CURL *curl_easy_init(void) { return NULL; }
int curl_easy_setopt(CURL *curl, int option, ...) { (void)curl; (void)option; return CURLE_FAILED_INIT; }
int curl_easy_perform(CURL *curl) { (void)curl; return CURLE_FAILED_INIT; }
void curl_easy_cleanup(CURL *curl) { (void)curl; }
const char *curl_easy_strerror(int code) { (void)code; return "network access is disabled in this Tesseract"; }
char *curl_version(void) { return (char *)"libcurl disabled (Bisq Support Redactor stub)"; }
