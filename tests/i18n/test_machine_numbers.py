"""Numbers in SVG and other machine formats are never localised.

Dutch writes 79,2 where SVG needs 79.2: a coordinate rendered with the active locale breaks the chart
(`cy="79,2"`). Templates write such numbers inside `{% localize off %}` (or with `|unlocalize`), Python
formats them itself; these tests render the charts in Dutch and read every template for the rule.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from metrics.charts import bar_chart
from tests.world import judge, open_case

ROOT = Path(__file__).resolve().parents[2]
APPS = ("safetyteams", "partners", "security", "cases", "workflows", "metrics", "exchange")

FLOAT = r"-?\d+(?:\.\d+)?"
# SVG attributes that hold numbers (lists of numbers for viewBox and points).
GEOMETRY = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "width", "height"}
GEOMETRY_TEMPLATE = GEOMETRY | {"viewbox", "points", "d", "transform", "offset", "stroke-width", "font-size"}
# On these elements value, min, max … are numbers read by the browser.
NUMERIC_ELEMENTS = {"progress", "meter"}
NUMERIC_ELEMENT_ATTRS = {"value", "min", "max", "low", "high", "optimum"}
SVG_NS = "{http://www.w3.org/2000/svg}"


def _svgs(html: str) -> list[ET.Element]:
    # Our own page, rendered by the test: no entity or DTD to defuse.
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]  # noqa: S314


def _elements(svg: ET.Element, tag: str) -> list[ET.Element]:
    # Inline SVG in HTML may or may not name its namespace.
    return [e for e in svg.iter() if e.tag.removeprefix(SVG_NS) == tag]


def _numbers_that_do_not_parse(svg: ET.Element) -> list[str]:
    wrong = []
    for element in svg.iter():
        tag = element.tag.removeprefix(SVG_NS)
        for name, value in element.attrib.items():
            if name in GEOMETRY and not re.fullmatch(FLOAT, value):
                wrong.append(f'<{tag} {name}="{value}">')
            elif name == "viewBox" and not re.fullmatch(rf"{FLOAT}( {FLOAT}){{3}}", value):
                wrong.append(f'<{tag} viewBox="{value}">')
            elif name == "points" and not all(re.fullmatch(rf"{FLOAT},{FLOAT}", p) for p in value.split()):
                wrong.append(f'<{tag} points="{value}">')
    return wrong


def test_the_safety_score_chart_writes_coordinates_with_a_decimal_point_in_dutch(region, client, login_verified):
    case = open_case(region)
    for score in (2, 7, 4):  # y = 97.6, 51.6, 79.2: each has a decimal part the locale would turn into a comma
        judge(region, case, score=score)
    login_verified(client, region.cvc_user)

    body = client.get(reverse("case-detail", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert '<html lang="nl">' in body
    [svg] = _svgs(body)
    assert not _numbers_that_do_not_parse(svg)
    dots = [c for c in _elements(svg, "circle") if c.get("class") == "score-dot"]
    assert [float(dot.get("cy")) for dot in dots] == [97.6, 51.6, 79.2]
    [line] = _elements(svg, "polyline")
    assert [float(p.split(",")[1]) for p in line.get("points").split()] == [97.6, 51.6, 79.2]


def test_the_metrics_bar_chart_writes_numbers_with_a_decimal_point_in_dutch():
    with translation.override("nl"):
        html = str(bar_chart("Doorlooptijden", ["Roosendaal", "Zundert"], [("mediaan", [12.5, 3.25])], unit=" d"))
    [svg] = _svgs(html)
    assert not _numbers_that_do_not_parse(svg)
    widths = [float(rect.get("width")) for rect in _elements(svg, "rect")]
    assert len(widths) == 2 and widths[0] > widths[1] > 0


def _templates() -> list[Path]:
    paths = (path for app in APPS for path in (ROOT / app).glob("**/templates/**/*"))
    return sorted(path for path in paths if path.is_file())


ATTRIBUTE = re.compile(r"""(?<![\w-])([a-zA-Z][\w:-]*)\s*=\s*(["'])(.*?)\2""", re.DOTALL)
VARIABLE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
LOCALIZE_OFF = re.compile(r"\{%\s*localize\s+off\s*%\}.*?\{%\s*endlocalize\s*%\}", re.DOTALL)
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)


def _unlocalised(expression: str) -> bool:
    # unlocalize and stringformat never use the locale; floatformat with the "u" suffix neither.
    return bool(re.search(r"\|\s*(unlocalize\b|stringformat:|floatformat:\s*[\"']?-?\d*g?u)", expression))


def localised_numbers(text: str) -> list[str]:
    """The `{{ … }}` a template writes into a numeric SVG attribute, a progress/meter value or CSS,
    outside `{% localize off %}` and without a filter that leaves the locale out."""
    free = [(m.start(), m.end()) for m in LOCALIZE_OFF.finditer(text)]

    def offending(start: int, value: str) -> list[str]:
        return [
            v.group(0)
            for v in VARIABLE.finditer(value)
            if not _unlocalised(v.group(0)) and not any(a <= start + v.start() < b for a, b in free)
        ]

    found = []
    for m in ATTRIBUTE.finditer(text):
        name = m.group(1).lower()
        opening = text[text.rfind("<", 0, m.start()) :]
        element = (re.match(r"<([a-zA-Z][\w-]*)", opening) or re.match("", "")).group(0)[1:].lower()
        numeric = name in GEOMETRY_TEMPLATE or name == "style"
        numeric |= element in NUMERIC_ELEMENTS and name in NUMERIC_ELEMENT_ATTRS
        if numeric:
            line = text.count("\n", 0, m.start()) + 1
            found += [f"line {line}: {name}={expression}" for expression in offending(m.start(3), m.group(3))]
    for m in STYLE_BLOCK.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        found += [f"line {line}: <style> {expression}" for expression in offending(m.start(1), m.group(1))]
    return found


def test_no_template_writes_a_localised_number_into_svg_css_or_a_progress_bar():
    templates = _templates()
    assert ROOT / "cases/assessments/templates/assessments/_assessment_summary.html" in templates
    offences = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := localised_numbers(path.read_text(encoding="utf-8", errors="replace")))
    }
    assert not offences, f"wrap these in {{% localize off %}} or use |unlocalize: {offences}"


@pytest.mark.parametrize(
    ("template", "offends"),
    [
        ('<svg><circle cx="{{ d.x }}" cy="{{ d.y }}"/></svg>', True),
        ('<polyline points="{{ chart.polyline }}"/>', True),
        ('<progress max="100" value="{{ job.progress }}"></progress>', True),
        ('<div style="width: {{ share }}%"></div>', True),
        ("<style>.bar { width: {{ share }}% }</style>", True),
        ('{% localize off %}<svg><circle cx="{{ d.x }}" cy="{{ d.y }}"/></svg>{% endlocalize %}', False),
        ('<circle cx="{{ d.x|unlocalize }}" cy="{{ d.y|stringformat:\'.1f\' }}"/>', False),
        ('<input name="q" value="{{ form.q.value }}">', False),
        ('<a href="?page={{ n }}" title="{{ n }}">{{ n }}</a>', False),
    ],
)
def test_the_template_check_tells_a_localised_number_from_an_unlocalised_one(template, offends):
    assert bool(localised_numbers(template)) is offends
