#ifndef NOISETOP_CLI_PRIV_H
#define NOISETOP_CLI_PRIV_H

/*
 * What cli.c (the tables and the parsing) and cli_usage.c (the usage text
 * made from the tables) share; nobody else needs it.
 */
#include <stddef.h>

#include "cli/cli.h"

/* A command's bit in an option row's set of commands. */
#define B(c) (1u << (c))

/* How an option row turns its value into a field of cli_options. */
enum opt_kind {
	OPT_STRING,   /* the value itself (argv outlives the options) */
	OPT_FLAG,     /* no value: the field (an int) is set to lo */
	OPT_INT,      /* a whole number in [lo, hi], into an int, size_t or
	                 uint64_t field (by the field's size) */
	OPT_FLOAT,    /* a finite number in [lo, hi] (above lo when lo_open),
	                 into a float field */
	OPT_COMMAND,  /* no value: the command is lo (--help, --version) */
	OPT_CUSTOM,   /* parse() does it */
};

/* An option row: its name, its value, the commands it applies to, its
 * help, and how its value reaches cli_options, with its limits. */
struct cli_opt {
	const char   *name;
	const char   *arg;    /* the value's name; NULL for a flag */
	unsigned      cmds;   /* the commands it applies to */
	const char   *group;
	const char   *help;
	enum opt_kind kind;
	size_t        off, size;  /* the field, in cli_options */
	double        lo, hi;     /* its limits (whole numbers for OPT_INT) */
	int           lo_open;
	size_t        given;  /* an int field set to 1 when the option is
	                         given; 0 for none (offset 0 is cmd) */
	int         (*parse)(cli_options *o, const char *s, char *err,
	                 size_t errlen);
};

/* The tables, in the order `noisetop help` lists them. */
extern const cli_cmd        cli_cmds[];
extern const size_t         cli_ncmds;
extern const struct cli_opt cli_opts[];
extern const size_t         cli_nopts;

/* The command named s, or NULL. */
const cli_cmd *cli_find_command(const char *s);

#endif
