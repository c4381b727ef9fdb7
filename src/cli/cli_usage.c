/*
 * The usage text of `noisetop help` and `noisetop help COMMAND`, made from
 * the command and option tables (the man page is tested against it).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli_priv.h"

#define NCMD cli_ncmds
#define NOPT cli_nopts

/* help after a 23-column margin, wrapped at word boundaries to fit 79
 * columns. */
static void
usage_wrap(FILE *f, const char *help)
{
	const int   width = 79 - 23;
	const char *p = help;

	while (*p != '\0') {
		int len = (int)strlen(p);

		if (len > width) {
			len = width;
			while (len > 0 && p[len] != ' ')
				len--;
			if (len == 0)
				len = width;
		}
		fprintf(f, "%s%.*s\n", p == help ? "" : "                       ",
		    len, p);
		p += len;
		while (*p == ' ')
			p++;
	}
}

/* One option's line: "  --name ARG" padded, then its help. */
static void
usage_option(FILE *f, const struct cli_opt *p)
{
	char left[64];

	snprintf(left, sizeof left, "--%s%s%s", p->name, p->arg ? " " : "",
	    p->arg ? p->arg : "");
	if (strlen(left) > 20)
		fprintf(f, "  %s\n  %-20s ", left, "");
	else
		fprintf(f, "  %-20s ", left);
	usage_wrap(f, p->help);
}

/* The options of the commands in mask, grouped as in the table. */
static void
usage_options(FILE *f, unsigned mask)
{
	const char *groups[NOPT];
	size_t      ngroup = 0;

	for (size_t i = 0; i < NOPT; i++) {
		size_t g;

		for (g = 0; g < ngroup; g++)
			if (strcmp(groups[g], cli_opts[i].group) == 0)
				break;
		if (g == ngroup)
			groups[ngroup++] = cli_opts[i].group;
	}
	for (size_t g = 0; g < ngroup; g++) {
		int head = 0;

		for (size_t i = 0; i < NOPT; i++) {
			if (strcmp(cli_opts[i].group, groups[g]) != 0 ||
			    (cli_opts[i].cmds & mask) == 0)
				continue;
			if (!head++)
				fprintf(f, "%s:\n", groups[g]);
			usage_option(f, &cli_opts[i]);
		}
	}
}

int
cli_option_takes_value(const char *name)
{
	for (size_t i = 0; i < NOPT; i++)
		if (strcmp(name, cli_opts[i].name) == 0)
			return cli_opts[i].arg != NULL;
	return 0;
}

int
cli_usage(FILE *f, const char *topic)
{
	const cli_cmd *c;

	if (topic != NULL) {
		if ((c = cli_find_command(topic)) == NULL)
			return -1;
		fprintf(f, "usage: noisetop %s%s%s [OPTIONS]\n\n%s.\n\n",
		    c->name, c->args[0] ? " " : "", c->args, c->help);
		usage_options(f, B(c->cmd));
		return 0;
	}
	fputs("usage: noisetop [COMMAND] [OPTIONS]\n\nCommands:\n", f);
	fprintf(f, "  %-20s %s\n", "(none)", "open the dashboard");
	for (size_t i = 0; i < NCMD; i++) {
		char left[64];

		if (cli_cmds[i].cmd == CLI_DASHBOARD)
			continue;
		snprintf(left, sizeof left, "%s%s%s", cli_cmds[i].name,
		    cli_cmds[i].args[0] ? " " : "", cli_cmds[i].args);
		fprintf(f, "  %-20s ", left);
		usage_wrap(f, cli_cmds[i].help);
	}
	fputc('\n', f);
	usage_options(f, ~0u);
	fputs("\n'noisetop help COMMAND' lists one command's options.\n", f);
	return 0;
}

