/*
 * The report's private half: report_doc.c turns the run into a list of
 * blocks (headings, paragraphs, tables, figures, links), and
 * report_md.c and report_html.c each write that one list in their
 * format, so the two pages cannot say different things.
 */
#ifndef NOISETOP_REPORT_DOC_PRIV_H
#define NOISETOP_REPORT_DOC_PRIV_H

#include <stdio.h>

#include "render/report_doc.h"

typedef enum {
	RB_HEADING,  /* text, level 1 to 3 */
	RB_TEXT,     /* a paragraph */
	RB_CODE,     /* a block of code (a command line) */
	RB_TABLE,    /* cell: (nrows + 1) * ncols strings, row 0 the header;
	                text (may be NULL) its id in the HTML */
	RB_FACTS,    /* a two-column table without header: cell[2 r] the
	                key, cell[2 r + 1] the value */
	RB_FIGURE,   /* file: the SVG's name in the folder, svg its text,
	                text the caption */
	RB_LINKS,    /* cell: nrows names of files in the folder, text the
	                sentence before them */
} report_block_kind;

typedef struct {
	report_block_kind kind;
	int               level;
	char             *text;
	int               ncols, nrows;
	char            **cell;
	char             *file;
	const char       *svg;    /* points into the figure's report_file */
} report_block;

typedef struct {
	report_block *b;
	int           n, cap;
	int           oom;
} report_blocks;

/* The two pages of the blocks of title, onto f. */
void report_write_md(FILE *f, const char *title, const report_blocks *bl);
void report_write_html(FILE *f, const char *title, const report_blocks *bl);

#endif
