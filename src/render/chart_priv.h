#ifndef NOISETOP_CHART_PRIV_H
#define NOISETOP_CHART_PRIV_H

/* What chart.c, chart_lines.c and chart_heat.c share and nobody else
 * needs. */

#include "render/chart.h"

/* A usable grid? */
int chart_grid_ok(const chart_grid *g);

/* Blank and packed, returning -1: what a renderer leaves when it fails. */
int chart_fail(chart_grid *g);

/* s right-aligned in the w cells from x (s fits: the caller measured). */
void chart_text_right(chart_grid *g, int x, int y, int w, const char *s,
    int tag);

/* A cell table drawn: say where its cells are (where may be NULL), pack
 * the grid; returns 0. */
int chart_cells_done(chart_grid *g, chart_cells *where, int x0, int cw);

#endif
