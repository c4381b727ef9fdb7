#ifndef NOISETOP_VERSION_H
#define NOISETOP_VERSION_H

/*
 * The version of this build: `git describe --tags --always --dirty` when
 * the Makefile built it from a git checkout, else the VERSION file's
 * content.  Only src/version.c is compiled with it, so a new version
 * rebuilds one object.  Returns a static string, never NULL.
 */
const char *version_string(void);

#endif
