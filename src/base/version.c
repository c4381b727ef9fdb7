/* The one place the version string lives (the Makefile passes it here). */
#include "base/version.h"

#ifndef NOISETOP_VERSION
#define NOISETOP_VERSION "unknown"
#endif

const char *
version_string(void)
{
	return NOISETOP_VERSION;
}
