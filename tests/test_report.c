/*
 * The report's pages (render/report_doc.h) from hand-made CSV text: the
 * summary table made column by column (a column the code has never heard
 * of, such as a data set, shows up as written), the matrix grouped by
 * every column that is not a cell's place or value, the text escaped for
 * Markdown and HTML, no figures without a table, and the CSV errors.
 */
#include "render/report_doc.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

static const char summary[] =
    "# noisetop summary: final metrics over seeds\n"
    "# config: layers=784-16-10 seeds=2\n"
    "dataset,corruption,scale,seeds_done,seeds,val_accuracy_mean,"
    "val_accuracy_sd,val_accuracy_min,val_accuracy_max\n"
    "mnist,gaussian,0,2,2,0.980000,0.001414,0.979000,0.981000\n"
    "fashion,gaussian,0,2,2,0.880000,0.014142,0.870000,0.890000\n";

static const char matrix[] =
    "# noisetop train x test matrix\n"
    "dataset,corruption,train_scale,test_scale,seed,test_accuracy,"
    "test_loss\n"
    "mnist,gaussian,0,0,42,0.98,0.1\n"
    "mnist,gaussian,0,0.5,42,0.50,0.1\n"
    "mnist,gaussian,0,0,43,0.96,0.1\n"
    "mnist,gaussian,0,0.5,43,0.40,0.1\n"
    "fashion,gaussian,0,0,42,0.88,0.4\n"
    "fashion,gaussian,0,0.5,42,0.30,0.4\n"
    "fashion,gaussian,0,0,43,0.86,0.4\n"
    "fashion,gaussian,0,0.5,43,0.30,0.4\n";

static const report_file *
file(const report_files *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->file[i].name, name) == 0)
			return &f->file[i];
	return NULL;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

int
main(void)
{
	report_fact  facts[] = {
		{ "Command", "noisetop sweep --run-id 'a|b' ```", 1 },
		{ "Data", "<b>digits</b> & *stars* | pipes_", 0 },
	};
	report_input in;
	report_files out;
	char         err[512];
	const report_file *md, *html;

	memset(&in, 0, sizeof in);
	in.title = "run <x>";
	in.facts = facts;
	in.nfacts = 2;
	in.summary_csv = summary;
	in.matrix_csv = matrix;
	ok(report_render(&in, &out, err, sizeof err) == 0, "renders: %s",
	    err);
	md = file(&out, REPORT_README);
	html = file(&out, REPORT_HTML);
	ok(md != NULL && html != NULL && out.n == 4 && file(&out,
	    "summary.csv") && file(&out, "matrix.csv") && strcmp(file(&out,
	    "summary.csv")->data, summary) == 0,
	    "README.md, report.html and the two CSV copies; no figure without "
	    "a table");
	if (md == NULL || html == NULL)
		return tap_done();
	ok(strstr(md->data, "| dataset | corruption | scale | seeds\\_done | "
	    "seeds | val\\_accuracy |") != NULL,
	    "an unknown column (dataset) is in the summary; _min, _max, _sd "
	    "are folded or left out");
	ok(strstr(md->data, "| fashion | gaussian | 0 | 2 | 2 | 0.8800 ± "
	    "0.0141 |") != NULL, "a row: the plain fields as written, mean ± "
	    "sd to 4 decimals");
	ok(count(md->data, "| train \\\\ test |") == 2 &&
	    strstr(md->data, "dataset fashion, corruption gaussian") != NULL &&
	    strstr(md->data, "| 0 | 0.8700 ± 0.0141 | 0.3000 ± 0.0000 |") !=
	    NULL && strstr(md->data, "| 0 | 0.9700 ± 0.0141 | 0.4500 ± "
	    "0.0707 |") != NULL,
	    "a matrix per (dataset, corruption), mean ± sample sd per cell");
	ok(strstr(md->data, "\\<b\\>digits\\</b\\> \\& \\*stars\\* \\| "
	    "pipes\\_") != NULL, "Markdown: markup characters escaped");
	ok(strstr(md->data, "~~~~~~\nnoisetop sweep --run-id 'a|b' ```\n"
	    "~~~~~~\n") != NULL, "a command with ``` gets a ~~~ fence");
	ok(strstr(html->data, "&lt;b&gt;digits&lt;/b&gt; &amp; *stars* | "
	    "pipes_") != NULL && strstr(html->data, "<title>run &lt;x&gt;"
	    "</title>") != NULL && count(html->data, "<b>") == 0,
	    "HTML: text escaped, title included");
	ok(count(html->data, "<table class=\"matrix\">") == 2 &&
	    count(html->data, "<table class=\"summary\">") == 1 &&
	    count(html->data, "<script") == 0 && count(html->data, "src=") ==
	    0, "HTML: one summary and two matrix tables, no script, no src");
	ok(strstr(html->data, "<li><a href=\"summary.csv\">") != NULL &&
	    strstr(html->data, "href=\"report.html\"") == NULL &&
	    strstr(md->data, "- [report.html](report.html)") != NULL &&
	    strstr(md->data, "(README.md)") == NULL,
	    "each page links the other files, not itself");
	report_files_free(&out);

	/* one training and one test scale (a train run): no matrix */
	in.matrix_csv = "corruption,train_scale,test_scale,seed,"
	    "test_accuracy\ngaussian,0.5,0.5,42,0.9\n";
	ok(report_render(&in, &out, err, sizeof err) == 0 &&
	    strstr(out.file[0].data, "Train × test") == NULL,
	    "a matrix of one cell is left out");
	report_files_free(&out);
	in.matrix_csv = matrix;
	in.summary_csv = "# only a comment\n";
	ok(report_render(&in, &out, err, sizeof err) == -1 &&
	    strstr(err, "summary.csv: no header line") != NULL,
	    "a CSV without a header: '%s'", err);
	report_files_free(&out);
	in.summary_csv = "a,b\n1,2\n3\n";
	ok(report_render(&in, &out, err, sizeof err) == -1 &&
	    strstr(err, "summary.csv: line 3 has 1 fields, its header 2") !=
	    NULL, "a short line: '%s'", err);
	report_files_free(&out);
	in.summary_csv = NULL;
	in.matrix_csv = NULL;
	ok(report_render(&in, &out, err, sizeof err) == 0 && out.n == 2 &&
	    strstr(out.file[0].data, "No row has finished yet.") != NULL,
	    "no CSV yet: the pages say so");
	report_files_free(&out);
	return tap_done();
}
