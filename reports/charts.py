"""Charts as SVG drawn on the server: the same markup on the page and in the PDF, no script, no style attribute
(the Content-Security-Policy allows none), colours as SVG presentation attributes.

Each chart is an image with a title and a description for screen readers (role="img", aria-labelledby);
the page puts the same figures in a table beside it. Plain data in, markup out: the figures are made by
`reports.figures` and `reports.selectors`.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# band -> (fill, text colour). A diverging red-blue scale that reads for the common colour-blindnesses; every
# cell also carries its figure as text, and a table beside the chart has them all.
BAND_COLOURS = {
    "full": ("#2166ac", "#ffffff"),
    "high": ("#92c5de", "#14202c"),
    "mid": ("#fddbc7", "#14202c"),
    "low": ("#ef8a62", "#14202c"),
    "bad": ("#b2182b", "#ffffff"),
    "none": ("#f4f5f7", "#5b6670"),
    "unrostered": ("#e3e6ea", "#5b6670"),
}
BAR_COLOUR = "#2f5d8a"
AXIS_COLOUR = "#8a949e"
TEXT_COLOUR = "#2b3640"


@dataclass(frozen=True)
class HeatCell:
    band: str
    text: str  # drawn in the cell ("" for none)
    tip: str  # the cell's tooltip (an SVG <title>)


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: list[HeatCell]


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (a day number)
    value: float | None  # None: no figure (drawn as a dash)
    tip: str


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(key: str, width: float, height: float, title: str, description: str, font: str | None) -> SafeString:
    font_attribute = format_html(' font-family="{}"', font) if font else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{key}" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{key}-title {key}-desc"{font}>'
        '<title id="{key}-title">{title}</title><desc id="{key}-desc">{description}</desc>',
        key=key, w=_number(width), h=_number(height), title=title, description=description, font=font_attribute)


def heatmap_svg(*, key: str, rows: list[HeatRow], columns: list[str], title: str, description: str,
                cell: float = 26, height: float = 20, label_width: float = 64, font: str | None = None,
                font_size: float = 9, tooltips: bool = True) -> SafeString:
    """A grid of coloured cells: one row per label, one column per header (hours).

    Without `tooltips` (print), neighbouring cells of one colour and no text are drawn as one rectangle:
    WeasyPrint's time grows with every element it draws."""
    top = 14
    width = label_width + cell * len(columns)
    total_height = top + height * len(rows)
    parts = [_open(key, width, total_height, title, description, font)]
    for index, column in enumerate(columns):
        parts.append(format_html(
            '<text x="{}" y="10" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
            _number(label_width + cell * index + cell / 2), _number(font_size), TEXT_COLOUR, column))
    for row_index, row in enumerate(rows):
        y = top + height * row_index
        parts.append(format_html(
            '<text x="{}" y="{}" font-size="{}" text-anchor="end" fill="{}">{}</text>',
            _number(label_width - 4), _number(y + height / 2 + font_size / 3), _number(font_size), TEXT_COLOUR,
            row.label))
        for index, span in _spans(row.cells, merge=not tooltips):
            item = row.cells[index]
            fill, ink = BAND_COLOURS.get(item.band, BAND_COLOURS["none"])
            x = label_width + cell * index
            rect = format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" '
                               'stroke-width="1"/>', _number(x), _number(y), _number(cell * span), _number(height),
                               fill)
            text = format_html('<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
                               _number(x + cell / 2), _number(y + height / 2 + font_size / 3), _number(font_size),
                               ink, item.text) if item.text else ""
            if tooltips:
                parts.append(format_html("<g><title>{}</title>{}{}</g>", item.tip, rect, text))
            else:
                parts.append(format_html("{}{}", rect, text))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def _spans(cells: list[HeatCell], *, merge: bool) -> list[tuple[int, int]]:
    """(first index, number of cells) of each rectangle: one per cell, or runs of one colour without text."""
    if not merge:
        return [(index, 1) for index in range(len(cells))]
    spans: list[tuple[int, int]] = []
    for index, item in enumerate(cells):
        previous = cells[spans[-1][0]] if spans else None
        if previous is not None and not item.text and not previous.text and previous.band == item.band:
            spans[-1] = (spans[-1][0], spans[-1][1] + 1)
        else:
            spans.append((index, 1))
    return spans


def bars_svg(*, key: str, bars: list[Bar], title: str, description: str, maximum: float | None = None,
             suffix: str = "", bar: float = 18, height: float = 110, font: str | None = None,
             font_size: float = 9, tooltips: bool = True, label_every: int = 1) -> SafeString:
    """Vertical bars with a scale on the left: one bar per day. `maximum` fixes the scale (100 for percentages);
    otherwise it is the largest value, rounded up. `label_every`: label the first bar and every n-th."""
    values = [b.value for b in bars if b.value is not None]
    # counts: at least 0, 1, 2 on the scale (never half an escalation)
    top_value = maximum if maximum is not None else max(2, nice_ceiling(max(values, default=0)))
    left, top, bottom = 34, 8, 16
    width = left + bar * len(bars) + 4
    total_height = top + height + bottom
    parts = [_open(key, width, total_height, title, description, font)]
    for fraction in (0, 0.5, 1):
        y = top + height * (1 - fraction)
        parts.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="0.5"/>'
            '<text x="{}" y="{}" font-size="{}" text-anchor="end" fill="{}">{}{}</text>',
            left, _number(y), _number(width - 2), _number(y), AXIS_COLOUR,
            left - 4, _number(y + font_size / 3), _number(font_size), TEXT_COLOUR,
            _number(top_value * fraction), suffix))
    for index, item in enumerate(bars):
        x = left + bar * index
        if item.value is None:
            shape = format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                _number(x + bar * 0.3), _number(top + height - 1), _number(x + bar * 0.7), _number(top + height - 1),
                AXIS_COLOUR)
        elif top_value > 0 and item.value > 0:
            size = height * min(item.value, top_value) / top_value
            shape = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                _number(x + bar * 0.15), _number(top + height - size), _number(bar * 0.7), _number(size),
                BAR_COLOUR)
        else:
            shape = ""
        label = format_html(
            '<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}">{}</text>',
            _number(x + bar / 2), _number(top + height + font_size + 3), _number(font_size), TEXT_COLOUR,
            item.label) if index % label_every == 0 or index == len(bars) - 1 else ""
        if tooltips:
            parts.append(format_html("<g><title>{}</title>{}{}</g>", item.tip, shape, label))
        else:
            parts.append(format_html("{}{}", shape, label))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


def nice_ceiling(value: float) -> float:
    """The scale's top: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def swatch_svg(band: str, size: float = 12) -> SafeString:
    """A small square of a band's colour, for the legend (decorative: the legend's words say the band)."""
    fill, _ink = BAND_COLOURS.get(band, BAND_COLOURS["none"])
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" class="swatch" width="{s}" height="{s}" '
                       'viewBox="0 0 {s} {s}" aria-hidden="true" focusable="false">'
                       '<rect width="{s}" height="{s}" fill="{fill}" stroke="#8a949e" stroke-width="0.5"/></svg>',
                       s=_number(size), fill=fill)
