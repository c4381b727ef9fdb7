/* One-line error messages for the library modules. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>

int
err_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
