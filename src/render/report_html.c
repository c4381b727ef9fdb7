/*
 * The report's report.html: one HTML5 page that needs nothing else, the
 * figures' SVG inline (their ids made unique per figure), a few lines of
 * CSS, no script and no resource fetched from anywhere, so it opens the
 * same from a mail attachment, a USB stick or a web server.  All text is
 * escaped (svg_put_escaped: & < > " ' and bad bytes).
 */
#include "render/report_doc_priv.h"

#include <string.h>

#include "render/svg.h"

static const char style[] =
    "body{font-family:system-ui,sans-serif;max-width:62em;margin:2em auto;"
    "padding:0 1em;color:#111;line-height:1.4}\n"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
    "th,td{border:1px solid #ccc;padding:0.2em 0.6em}\n"
    "td{text-align:right;font-variant-numeric:tabular-nums}\n"
    "table.facts td{text-align:left}\n"
    "table.facts th,tbody th{text-align:left;background:#f6f6f6}\n"
    "thead th{background:#eee}\n"
    "pre{background:#f6f6f6;padding:0.6em;overflow-x:auto;"
    "white-space:pre-wrap}\n"
    "figure{margin:1em 0 2em}\nfigure svg{max-width:100%;height:auto}\n";

static void
put(FILE *f, const char *s)
{
	svg_put_escaped(f, s);
}

/*
 * An SVG document inline, as element n of the page: the XML declaration
 * left out, and every id="X" and url(#X) renamed fN-X, so that two
 * figures' gradients and clip paths do not collide.
 */
static void
put_svg(FILE *f, const char *svg, int n)
{
	const char *p = strstr(svg, "<svg");

	for (p = p ? p : ""; *p != '\0'; ) {
		if (strncmp(p, "id=\"", 4) == 0) {
			fprintf(f, "id=\"f%d-", n);
			p += 4;
		} else if (strncmp(p, "url(#", 5) == 0) {
			fprintf(f, "url(#f%d-", n);
			p += 5;
		} else
			fputc(*p++, f);
	}
}

static void
table(FILE *f, const report_block *b)
{
	fprintf(f, "<table class=\"%s\">\n<thead><tr>", b->text ? b->text :
	    "data");
	for (int c = 0; c < b->ncols; c++) {
		fputs("<th scope=\"col\">", f);
		put(f, b->cell[c]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (int r = 1; r <= b->nrows; r++) {
		fputs("<tr>", f);
		for (int c = 0; c < b->ncols; c++) {
			/* the first column names the row */
			fputs(c == 0 ? "<th scope=\"row\">" : "<td>", f);
			put(f, b->cell[(size_t)r * (size_t)b->ncols + (size_t)c]);
			fputs(c == 0 ? "</th>" : "</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void
block(FILE *f, const report_block *b, int *nfig)
{
	switch (b->kind) {
	case RB_HEADING:
		fprintf(f, "<h%d>", b->level);
		put(f, b->text);
		fprintf(f, "</h%d>\n", b->level);
		break;
	case RB_TEXT:
		fputs("<p>", f);
		put(f, b->text);
		fputs("</p>\n", f);
		break;
	case RB_CODE:
		fputs("<pre><code>", f);
		put(f, b->text);
		fputs("</code></pre>\n", f);
		break;
	case RB_FACTS:
		fputs("<table class=\"facts\">\n<tbody>\n", f);
		for (int r = 0; r < b->nrows; r++) {
			fputs("<tr><th scope=\"row\">", f);
			put(f, b->cell[2 * r]);
			fputs("</th><td>", f);
			put(f, b->cell[2 * r + 1]);
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody>\n</table>\n", f);
		break;
	case RB_TABLE:
		table(f, b);
		break;
	case RB_FIGURE:
		fputs("<figure>\n", f);
		put_svg(f, b->svg, ++*nfig);
		fputs("<figcaption>", f);
		put(f, b->text);
		fputs(" (<a href=\"", f);
		put(f, b->file);
		fputs("\">", f);
		put(f, b->file);
		fputs("</a>)</figcaption>\n</figure>\n", f);
		break;
	case RB_LINKS:
		fputs("<p>", f);
		put(f, b->text);
		fputs("</p>\n<ul>\n", f);
		for (int r = 0; r < b->nrows; r++) {
			if (strcmp(b->cell[r], REPORT_HTML) == 0)
				continue;
			fputs("<li><a href=\"", f);
			put(f, b->cell[r]);
			fputs("\">", f);
			put(f, b->cell[r]);
			fputs("</a></li>\n", f);
		}
		fputs("</ul>\n", f);
		break;
	}
}

void
report_write_html(FILE *f, const char *title, const report_blocks *bl)
{
	int nfig = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>", f);
	put(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
	    style);
	for (int i = 0; i < bl->n; i++)
		block(f, &bl->b[i], &nfig);
	fputs("</main>\n</body>\n</html>\n", f);
}
