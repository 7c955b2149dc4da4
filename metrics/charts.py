"""Server-side SVG bar charts: no JavaScript, no CDN, nothing for the CSP to block.

Each chart stands beside its data table (the accessible version); suppressed cells are simply not
drawn, so a chart never shows more than the table.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from metrics.tables import Published

# Colour-blind-safe palette (Okabe-Ito), dark enough for white gaps to read.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#7F3C8D")
WIDTH, LABEL_W, BAR_H, GAP, LEGEND_H = 720, 150, 18, 6, 20


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list]], *, unit: str = "") -> SafeString:
    """Horizontal stacked bars: one bar per label, one segment per series; None/"" values are skipped."""
    if not labels or not series:
        return format_html("")
    totals = [sum(_number(values[i]) for _name, values in series) for i in range(len(labels))]
    scale = (WIDTH - LABEL_W - 60) / (max(totals) or 1)
    legend_rows = (len(series) + 2) // 3
    height = len(labels) * (BAR_H + GAP) + legend_rows * LEGEND_H + 10
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img" '
            'aria-label="{}"><title>{}</title>',
            WIDTH,
            height,
            title,
            title,
        )
    ]
    for i, label in enumerate(labels):
        y = i * (BAR_H + GAP)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>', LABEL_W - 6, y + BAR_H - 4, label
            )
        )
        x = float(LABEL_W)
        for j, (name, values) in enumerate(series):
            value = _number(values[i])
            if value <= 0:
                continue
            width = value * scale
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}{}</title></rect>',
                    f"{x:.1f}",
                    y,
                    f"{width:.1f}",
                    BAR_H,
                    PALETTE[j % len(PALETTE)],
                    name,
                    values[i],
                    unit,
                )
            )
            x += width
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                f"{x + 4:.1f}",
                y + BAR_H - 4,
                _fmt(totals[i]) + unit,
            )
        )
    base = len(labels) * (BAR_H + GAP) + 6
    for j, (name, _values) in enumerate(series if len(series) > 1 else []):
        x, y = (j % 3) * (WIDTH // 3), base + (j // 3) * LEGEND_H
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
                '<text x="{}" y="{}" class="chart-legend">{}</text>',
                x,
                y,
                PALETTE[j % len(PALETTE)],
                x + 16,
                y + 11,
                name,
            )
        )
    parts.append(format_html("</svg>"))
    # Every part is already safe (format_html), so joining escapes nothing twice.
    return format_html_join("", "{}", ((part,) for part in parts))


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def table_chart(table: Published, *, columns: list[str] | None = None) -> SafeString:
    """A chart of a published table: count tables stacked by column, statistics by the chosen columns."""
    keys = [key for key, _label in table.columns]
    chosen = columns or keys
    labels = [" ".join(str(part) for part in row if part) for row in table.rows]
    series = [(label, [row[keys.index(key)] for row in table.cells]) for key, label in table.columns if key in chosen]
    return bar_chart(table.title, labels, series)
