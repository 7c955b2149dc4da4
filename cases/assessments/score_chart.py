"""The safety-score trajectory as a small inline SVG, drawn on the server (no script needed)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.assessments.selectors import ScorePoint

WIDTH, HEIGHT, PAD = 360, 140, 24


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    point: ScorePoint


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    dots: list[Dot]
    polyline: str
    grid: list[tuple[int, float]]  # (score, y) for the 0, 5 and 10 lines
    left: int
    right: int


def _y(score: int) -> float:
    return round(HEIGHT - PAD - score * (HEIGHT - 2 * PAD) / 10, 1)


def score_chart(points: list[ScorePoint]) -> Chart:
    """Scores 0–10 on the vertical axis, assessment rounds evenly spaced in time order."""
    span = WIDTH - 2 * PAD - 16
    step = span / (len(points) - 1) if len(points) > 1 else 0
    dots = [Dot(round(PAD + 16 + i * step, 1), _y(p.score), p) for i, p in enumerate(points)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        dots=dots,
        polyline=" ".join(f"{d.x},{d.y}" for d in dots),
        grid=[(score, _y(score)) for score in (0, 5, 10)],
        left=PAD + 8,
        right=WIDTH - PAD + 8,
    )
