/* Stand-in for libarchive.so.13 in the bundled Tesseract (see packaging/README.md, "Linux").
 *
 * Debian's libtesseract links libarchive only to read traineddata packed as zip/tar archives
 * (TessdataManager::LoadArchiveFile). The app ships plain .traineddata files, and Tesseract falls back to
 * reading the file directly when archive_read_new() returns NULL. The real library would bring libxml2 and
 * ICU (34 MB) into the package for nothing. Every function fails; none touches memory it is given.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARCHIVE_FATAL (-30)

struct archive;
struct archive_entry;

struct archive *archive_read_new(void) { return NULL; }
int archive_read_support_filter_all(struct archive *a) { (void)a; return ARCHIVE_FATAL; }
int archive_read_support_format_all(struct archive *a) { (void)a; return ARCHIVE_FATAL; }
int archive_read_open_filename(struct archive *a, const char *name, size_t block) {
  (void)a; (void)name; (void)block; return ARCHIVE_FATAL;
}
int archive_read_next_header(struct archive *a, struct archive_entry **e) {
  (void)a; if (e) *e = NULL; return ARCHIVE_FATAL;
}
ssize_t archive_read_data(struct archive *a, void *buf, size_t n) { (void)a; (void)buf; (void)n; return ARCHIVE_FATAL; }
int archive_read_free(struct archive *a) { (void)a; return 0; }
const char *archive_entry_pathname(struct archive_entry *e) { (void)e; return NULL; }
int64_t archive_entry_size(struct archive_entry *e) { (void)e; return 0; }
const char *archive_version_details(void) { return "libarchive disabled (Bisq Support Redactor stub)"; }
