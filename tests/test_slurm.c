/* slurm: shell quoting (checked by a real shell), --array lists, and the
 * generated sbatch scripts as golden strings. */
#include "runs/slurm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"

/* Does "sh -c 'printf %s WORD'" print s back?  The shell itself is the
 * judge of slurm_quote's output. */
static int
shell_round_trip(const char *s)
{
	char  *q = slurm_quote(s), *cmd;
	char   buf[4096];
	size_t n, len;
	FILE  *f;
	int    same;

	if (q == NULL)
		return 0;
	len = strlen(q) + 32;
	if ((cmd = malloc(len)) == NULL) {
		free(q);
		return 0;
	}
	snprintf(cmd, len, "printf %%s %s", q);
	free(q);
	if ((f = popen(cmd, "r")) == NULL) {
		free(cmd);
		return 0;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	same = pclose(f) == 0 && n == strlen(s) && memcmp(buf, s, n) == 0;
	free(cmd);
	return same;
}

static void
test_quote(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "--scales", "--scales" },
		{ "0,0.25,0.5", "0,0.25,0.5" },
		{ "/shared/runs", "/shared/runs" },
		{ "a=b:c@d%e+f", "a=b:c@d%e+f" },
		{ "", "''" },
		{ "two words", "'two words'" },
		{ "it's", "'it'\\''s'" },
		{ "'", "''\\'''" },
		{ "$HOME", "'$HOME'" },
		{ "~", "'~'" },
		{ "a*b", "'a*b'" },
		{ "x;rm -rf /", "'x;rm -rf /'" },
	};
	static const char *const tricky[] = {
		"it's", "''", "$(touch /tmp/nt-quote-pwned)", "`id`",
		"back\\slash", "\"double\"", "new\nline", "tab\there",
		"!bang", "#hash", "*", "~root", "a b  c", "-n", "%s", "",
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *q = slurm_quote(cases[i].in);

		ok(q != NULL && strcmp(q, cases[i].want) == 0,
		    "quote \"%s\" -> %s (want %s)", cases[i].in,
		    q ? q : "(null)", cases[i].want);
		free(q);
	}
	for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
		ok(shell_round_trip(tricky[i]),
		    "sh reads the quoted word back as it was (case %zu)", i);
}

static void
test_array_spec(void)
{
	static const struct {
		int	    shards[8];
		int	    n, size;
		const char *want; /* NULL: must fail */
	} cases[] = {
		{ { 1, 2, 3, 4 }, 4, 4, "1-4" },
		{ { 1, 3 }, 2, 4, "1,3" },
		{ { 3, 1 }, 2, 4, "1,3" },
		{ { 1, 2 }, 2, 4, "1,2" },
		{ { 7, 2, 3, 4, 5 }, 5, 8, "2-5,7" },
		{ { 1, 2, 4, 5, 6, 8 }, 6, 8, "1,2,4-6,8" },
		{ { 5 }, 1, 5, "5" },
		{ { 0 }, 1, 4, NULL },
		{ { 5 }, 1, 4, NULL },
		{ { 2, 2 }, 2, 4, NULL },
		{ { 1 }, 0, 4, NULL },
	};
	char out[64], err[128];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = slurm_array_spec(cases[i].shards, cases[i].n,
		    cases[i].size, out, sizeof out, err, sizeof err);

		if (cases[i].want != NULL)
			ok(rc == 0 && strcmp(out, cases[i].want) == 0,
			    "array spec %zu -> %s (want %s)", i,
			    rc == 0 ? out : err, cases[i].want);
		else
			ok(rc == -1 && err[0] != '\0',
			    "array spec %zu refused: %s", i, err);
	}
	{
		int all[] = { 1, 3, 5, 7, 9 };

		ok(slurm_array_spec(all, 5, 9, out, 6, err, sizeof err) == -1,
		    "a list longer than the buffer is refused: %s", err);
	}
}

static const char *const sweep_args[] = { "--scales", "0,0.5", "--epochs",
	"20", "--data", "/data/my mnist" };
static const char *const sbatch_args[] = { "--time=2:00:00",
	"--partition=gpu" };

static slurm_plan
base_plan(void)
{
	slurm_plan p = { 0 };

	p.noisetop = "/opt/noisetop/bin/noisetop";
	p.sweep_argv = sweep_args;
	p.sweep_argc = 6;
	p.array_size = 4;
	p.runs_dir = "/shared/runs";
	p.cpus_per_task = 8;
	p.sbatch_args = sbatch_args;
	p.sbatch_argc = 2;
	return p;
}

static void
golden(const char *name, char *got, const char *want)
{
	int same = got != NULL && strcmp(got, want) == 0;

	ok(same, "%s", name);
	if (!same)
		diag("got:\n%s\nwant:\n%s", got ? got : "(null)", want);
	free(got);
}

static void
test_scripts(void)
{
	slurm_plan p = base_plan();
	char	   err[256];
	int	   redo[] = { 3, 1 };

	golden("array script, all shards, run id from the job",
	    slurm_array_script(&p, err, sizeof err),
	    "#!/bin/bash\n"
	    "# Written by noisetop slurm: array task K runs shard K of the "
	    "sweep.\n"
	    "#SBATCH --job-name=noisetop\n"
	    "#SBATCH --array=1-4\n"
	    "#SBATCH --cpus-per-task=8\n"
	    "#SBATCH --time=2:00:00\n"
	    "#SBATCH --partition=gpu\n"
	    "set -eu\n"
	    "exec /opt/noisetop/bin/noisetop sweep --scales 0,0.5 --epochs 20 "
	    "--data '/data/my mnist' \\\n"
	    "    --runs /shared/runs --run-id \"$SLURM_ARRAY_JOB_ID\" \\\n"
	    "    --shard \"$SLURM_ARRAY_TASK_ID/4\" "
	    "--threads \"${SLURM_CPUS_PER_TASK:-8}\"\n");
	golden("merge script, run id from its argument",
	    slurm_merge_script(&p, err, sizeof err),
	    "#!/bin/bash\n"
	    "# Written by noisetop slurm: merges the shards once every array "
	    "task has\n"
	    "# succeeded (sbatch --dependency=afterok:ARRAYJOB this-script "
	    "ARRAYJOB).\n"
	    "#SBATCH --job-name=noisetop-merge\n"
	    "#SBATCH --cpus-per-task=1\n"
	    "#SBATCH --time=2:00:00\n"
	    "#SBATCH --partition=gpu\n"
	    "set -eu\n"
	    "exec /opt/noisetop/bin/noisetop merge "
	    "/shared/runs/\"${1:?no array job id given}\"\n");

	/* A resubmission of shards 1 and 3 of run 4242, by resume. */
	p.resume = 1;
	p.run_id = "4242";
	p.shards = redo;
	p.nshards = 2;
	p.runs_dir = "/shared/my runs";
	p.sbatch_argc = 0;
	p.job_name = "mnist-noise";
	golden("array script resubmitting shards 1 and 3 by resume",
	    slurm_array_script(&p, err, sizeof err),
	    "#!/bin/bash\n"
	    "# Written by noisetop slurm: array task K runs shard K of the "
	    "sweep.\n"
	    "#SBATCH --job-name=mnist-noise\n"
	    "#SBATCH --array=1,3\n"
	    "#SBATCH --cpus-per-task=8\n"
	    "set -eu\n"
	    "exec /opt/noisetop/bin/noisetop resume '/shared/my runs/4242' "
	    "\\\n"
	    "    --shard \"$SLURM_ARRAY_TASK_ID/4\" "
	    "--threads \"${SLURM_CPUS_PER_TASK:-8}\"\n");
	golden("merge script with a fixed run id",
	    slurm_merge_script(&p, err, sizeof err),
	    "#!/bin/bash\n"
	    "# Written by noisetop slurm: merges the shards once every array "
	    "task has\n"
	    "# succeeded (sbatch --dependency=afterok:ARRAYJOB this-script "
	    "ARRAYJOB).\n"
	    "#SBATCH --job-name=mnist-noise-merge\n"
	    "#SBATCH --cpus-per-task=1\n"
	    "set -eu\n"
	    "exec /opt/noisetop/bin/noisetop merge '/shared/my runs/4242'\n");

	/* A fixed run id with sweep: --run-id is that id, not the job's. */
	p = base_plan();
	p.run_id = "mnist-2026";
	p.sweep_argc = 0;
	p.sbatch_argc = 0;
	p.array_size = 1;
	p.cpus_per_task = 1;
	golden("array script of one shard with a fixed run id",
	    slurm_array_script(&p, err, sizeof err),
	    "#!/bin/bash\n"
	    "# Written by noisetop slurm: array task K runs shard K of the "
	    "sweep.\n"
	    "#SBATCH --job-name=noisetop\n"
	    "#SBATCH --array=1\n"
	    "#SBATCH --cpus-per-task=1\n"
	    "set -eu\n"
	    "exec /opt/noisetop/bin/noisetop sweep \\\n"
	    "    --runs /shared/runs --run-id mnist-2026 \\\n"
	    "    --shard \"$SLURM_ARRAY_TASK_ID/1\" "
	    "--threads \"${SLURM_CPUS_PER_TASK:-1}\"\n");

	golden("submit script",
	    slurm_submit_script("/home/me/sweep.sbatch", "/home/me/it's.sbatch",
		err, sizeof err),
	    "#!/bin/sh\n"
	    "# Written by noisetop slurm: submits the sweep's job array, then "
	    "its merge\n"
	    "# job to start when every task has succeeded; prints the array's "
	    "job id.\n"
	    "set -e\n"
	    "jid=$(sbatch --parsable /home/me/sweep.sbatch)\n"
	    "jid=${jid%%;*}\n"
	    "sbatch --parsable --dependency=\"afterok:$jid\" "
	    "'/home/me/it'\\''s.sbatch' \"$jid\" >/dev/null\n"
	    "echo \"$jid\"\n");
}

static void
test_refusals(void)
{
	static const char *const bad_arg[] = { "partition=gpu" };
	static const char *const nl_arg[] = { "--comment=a\n#SBATCH --x" };
	int	   too_big[] = { 5 };
	char	   err[256];
	char	  *s;
	slurm_plan p;

#define REFUSED(what, want)                                                   \
	do {                                                                  \
		err[0] = '\0';                                                \
		s = slurm_array_script(&p, err, sizeof err);                  \
		ok(s == NULL && strstr(err, want) != NULL,                    \
		    "refused: %s (%s)", what, err);                           \
		free(s);                                                      \
	} while (0)

	p = base_plan();
	p.noisetop = "";
	REFUSED("no binary", "no noisetop binary");
	p = base_plan();
	p.runs_dir = NULL;
	REFUSED("no runs dir", "no runs directory");
	p = base_plan();
	p.array_size = 0;
	REFUSED("array size 0", "--array-size 0");
	p.array_size = 1001;
	REFUSED("array size 1001", "--array-size 1001");
	p = base_plan();
	p.cpus_per_task = 0;
	REFUSED("0 cpus", "--cpus-per-task 0");
	p = base_plan();
	p.run_id = "../elsewhere";
	REFUSED("a run id with a slash", "run id '../elsewhere'");
	p.run_id = "..";
	REFUSED("run id ..", "run id '..'");
	p = base_plan();
	p.resume = 1;
	REFUSED("resume without a run id", "needs the run id");
	p = base_plan();
	p.sbatch_args = bad_arg;
	p.sbatch_argc = 1;
	REFUSED("an sbatch argument without -", "partition=gpu");
	p.sbatch_args = nl_arg;
	REFUSED("an sbatch argument with a newline", "holds a newline");
	p = base_plan();
	p.shards = too_big;
	p.nshards = 1;
	REFUSED("a shard beyond the array", "shard 5: must be from 1 to 4");
	p = base_plan();
	p.job_name = "a b";
	REFUSED("a job name with a space", "job name 'a b'");
	p = base_plan();
	p.array_size = 0;
	s = slurm_merge_script(&p, err, sizeof err);
	ok(s == NULL && strstr(err, "--array-size 0") != NULL,
	    "the merge script checks the plan too (%s)", err);
	free(s);
	s = slurm_submit_script("", "m.sbatch", err, sizeof err);
	ok(s == NULL && strstr(err, "no script path") != NULL,
	    "the submit script needs both paths (%s)", err);
	free(s);
#undef REFUSED
}

/* Write text to dir/name (mode 0755).  Returns 0 or -1. */
static int
write_file(const char *dir, const char *name, const char *text)
{
	char  path[4096];
	FILE *f;
	int   rc;

	if (text == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	rc = fputs(text, f) < 0;
	rc |= fclose(f) != 0;
	rc |= chmod(path, 0755) != 0;
	return rc ? -1 : 0;
}

/*
 * test_slurm write DIR NOISETOP RUNS N [RUNID SHARD...]: write
 * array.sbatch, merge.sbatch and submit.sh into DIR for tests/slurm.t, which
 * runs them under a real Slurm with a stand-in noisetop.  Without RUNID
 * the plan is a first submission of all N shards, sweep options
 * "--scales 0,0.5 --note it's $HOME"; with it, a resubmission of the
 * SHARDs by resume.  One CPU per task.
 */
static int
write_scripts(int argc, char **argv)
{
	static const char *const sweep[] = { "--scales", "0,0.5", "--note",
		"it's $HOME" };
	char	   err[256], arr[4096], mrg[4096];
	int	   shards[64], ns = 0;
	slurm_plan p = { 0 };

	if (argc < 6 || argc > 7 + 64) {
		fprintf(stderr, "usage: test_slurm write DIR NOISETOP RUNS N "
		    "[RUNID SHARD...]\n");
		return 2;
	}
	p.noisetop = argv[3];
	p.sweep_argv = sweep;
	p.sweep_argc = 4;
	p.runs_dir = argv[4];
	p.array_size = atoi(argv[5]);
	p.cpus_per_task = 1;
	if (argc > 6) {
		p.resume = 1;
		p.run_id = argv[6];
		for (int i = 7; i < argc; i++)
			shards[ns++] = atoi(argv[i]);
		p.shards = ns ? shards : NULL;
		p.nshards = ns;
	}
	snprintf(arr, sizeof arr, "%s/array.sbatch", argv[2]);
	snprintf(mrg, sizeof mrg, "%s/merge.sbatch", argv[2]);
	if (write_file(argv[2], "array.sbatch",
	    slurm_array_script(&p, err, sizeof err)) != 0 ||
	    write_file(argv[2], "merge.sbatch",
	    slurm_merge_script(&p, err, sizeof err)) != 0 ||
	    write_file(argv[2], "submit.sh",
	    slurm_submit_script(arr, mrg, err, sizeof err)) != 0) {
		fprintf(stderr, "test_slurm write: %s: failed\n", argv[2]);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "write") == 0)
		return write_scripts(argc, argv);
	test_quote();
	test_array_spec();
	test_scripts();
	test_refusals();
	return tap_done();
}
