"""The SVG charts: an accessible image, no inline style, the figures in the cells, the scale's top."""
import re

from reports import charts


def test_a_heatmap_is_an_image_with_a_title_a_description_and_one_cell_per_hour():
    rows = [charts.HeatRow("Voice", [charts.HeatCell("full", "3/2", "08:00: 3 on duty"),
                                     charts.HeatCell("bad", "0/2", "09:00: <nobody>")]),
            charts.HeatRow("Text", [charts.HeatCell("none", "", "none"), charts.HeatCell("unrostered", "", "x")])]
    svg = str(charts.heatmap_svg(key="h", rows=rows, columns=["8", "9"], title="Coverage & more",
                                 description="Two hours"))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="h"')
    assert 'role="img" aria-labelledby="h-title h-desc"' in svg
    assert '<title id="h-title">Coverage &amp; more</title><desc id="h-desc">Two hours</desc>' in svg
    assert svg.count("<rect") == 4 and ">3/2</text>" in svg and "&lt;nobody&gt;" in svg
    assert 'fill="#2166ac"' in svg and 'fill="#b2182b"' in svg  # full and bad
    assert not re.search(r"\sstyle\s*=", svg) and "<script" not in svg


def test_bars_are_drawn_to_the_scale_and_a_missing_figure_is_a_dash():
    bars = [charts.Bar("1", 50, "50%"), charts.Bar("2", 100, "100%"), charts.Bar("3", None, "no roster")]
    svg = str(charts.bars_svg(key="b", bars=bars, title="Coverage", description="d", maximum=100, suffix="%",
                              height=100))
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)]
    assert heights == [50, 100]
    assert ">100%</text>" in svg and ">50%</text>" in svg and ">0%</text>" in svg
    assert svg.count("<line") == 4  # three scale lines and the dash


def test_the_scale_tops_at_a_round_number():
    assert [charts.nice_ceiling(v) for v in (0, 1, 3, 7, 10, 11, 48, 120, 3000)] == [1, 1, 5, 10, 10, 20, 50, 200,
                                                                                     5000]


def test_the_pdf_gives_the_chart_its_fonts():
    svg = str(charts.bars_svg(key="b", bars=[], title="t", description="d", font="DejaVu Sans, WenQuanYi Micro Hei"))
    assert 'font-family="DejaVu Sans, WenQuanYi Micro Hei"' in svg
