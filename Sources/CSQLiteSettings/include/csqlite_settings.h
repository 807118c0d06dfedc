// Process-wide SQLite settings. sqlite3_config is variadic and cannot be
// called from Swift, so each setting is one typed C function.
#ifndef PORTAL_CSQLITE_SETTINGS_H
#define PORTAL_CSQLITE_SETTINGS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Turns off SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS). With them
/// on, every allocation inside SQLite takes one process-wide mutex, which all
/// worker threads contend for. Must run before SQLite is first used; returns
/// SQLite's result code (SQLITE_MISUSE once it is too late).
int csqlite_disable_memory_statistics(void);

#ifdef __cplusplus
}
#endif

#endif
