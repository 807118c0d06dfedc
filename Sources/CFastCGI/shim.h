// The C boundary to libfcgi (Debian's libfcgi-dev), found through pkg-config `fcgi`.
#ifndef PORTAL_CFASTCGI_SHIM_H
#define PORTAL_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#endif
