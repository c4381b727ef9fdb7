/*
 * The report's README.md: GitHub-flavoured Markdown that every Git forge
 * renders (GitHub, GitLab, Gitea, Forgejo): ATX headings, pipe tables,
 * fenced code, images by relative path.  Text is escaped so that nothing
 * in a path or a data set's name turns into markup.
 */
#include "render/report_doc_priv.h"
#include "render/svg.h"

#include <string.h>

/* s as Markdown inline text: the characters markup uses escaped with a
 * backslash, control bytes and newlines as spaces, invalid UTF-8 as '?'. */
static void
put_md(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned c = *p;
		int      len = svg_utf8_len(p);

		if (len == 0) {
			fputc('?', f);
			p++;
		} else if (len > 1) {
			fwrite(p, 1, (size_t)len, f);
			p += len;
		} else {
			if (c < 0x20 || c == 0x7f)
				c = ' ';
			else if (strchr("\\`*_[]<>|#~&!", (int)c) != NULL)
				fputc('\\', f);
			fputc((int)c, f);
			p++;
		}
	}
}

/* A fence that text does not contain. */
static const char *
fence(const char *text)
{
	return strstr(text, "```") == NULL ? "```" : "~~~~~~";
}

/* A pipe table: the header, a rule (numbers right-aligned), the rows. */
static void
table(FILE *f, const report_block *b)
{
	for (int r = 0; r <= b->nrows; r++) {
		fputc('|', f);
		for (int c = 0; c < b->ncols; c++) {
			fputc(' ', f);
			put_md(f, b->cell[(size_t)r * (size_t)b->ncols +
			    (size_t)c]);
			fputs(" |", f);
		}
		fputc('\n', f);
		if (r == 0) {
			fputc('|', f);
			for (int c = 0; c < b->ncols; c++)
				fputs(c == 0 ? "---|" : "--:|", f);
			fputc('\n', f);
		}
	}
	fputc('\n', f);
}

void
report_write_md(FILE *f, const char *title, const report_blocks *bl)
{
	(void)title;
	for (int i = 0; i < bl->n; i++) {
		const report_block *b = &bl->b[i];

		switch (b->kind) {
		case RB_HEADING:
			fprintf(f, "%.*s ", b->level, "###");
			put_md(f, b->text);
			fputs("\n\n", f);
			break;
		case RB_TEXT:
			put_md(f, b->text);
			fputs("\n\n", f);
			break;
		case RB_CODE:
			fprintf(f, "%s\n%s\n%s\n\n", fence(b->text), b->text,
			    fence(b->text));
			break;
		case RB_FACTS:
			/* a header row of empty cells: GFM tables need one */
			fputs("| | |\n|---|---|\n", f);
			for (int r = 0; r < b->nrows; r++) {
				fputs("| **", f);
				put_md(f, b->cell[2 * r]);
				fputs("** | ", f);
				put_md(f, b->cell[2 * r + 1]);
				fputs(" |\n", f);
			}
			fputc('\n', f);
			break;
		case RB_TABLE:
			table(f, b);
			break;
		case RB_FIGURE:
			fputs("![", f);
			put_md(f, b->text);
			fprintf(f, "](%s)\n\n", b->file);
			break;
		case RB_LINKS:
			put_md(f, b->text);
			fputs("\n\n", f);
			for (int r = 0; r < b->nrows; r++)
				if (strcmp(b->cell[r], REPORT_README) != 0) {
					fputs("- [", f);
					put_md(f, b->cell[r]);
					fprintf(f, "](%s)\n", b->cell[r]);
				}
			fputc('\n', f);
			break;
		}
	}
}
