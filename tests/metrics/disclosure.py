"""What an attacker can compute from published figures: every published count is a known linear sum of
the unknown true counts; a suppressed figure is revealed exactly when its sum is a linear combination of
published ones (differences of periods, a total minus its published parts, anything linear).

Exact arithmetic modulo a 61-bit prime: a sum that is a rational combination of the published sums is
one modulo the prime too, so "not determined" here means not determined over the rationals (unless the
prime divides a denominator of the combination, which for sums of this size does not happen)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

PRIME = 2**61 - 1
Sum = frozenset  # of the unknowns (hashable keys) that a figure adds up; every coefficient is 1


class Knowledge:
    def __init__(self):
        self.index: dict[Hashable, int] = {}
        self.rows: dict[int, dict[int, int]] = {}  # pivot -> sparse row, 1 at the pivot, 0 at smaller pivots

    def _vector(self, figure: Iterable[Hashable]) -> dict[int, int]:
        return {self.index.setdefault(unknown, len(self.index)): 1 for unknown in figure}

    def _reduce(self, vector: dict[int, int]) -> dict[int, int]:
        vector = dict(vector)
        for pivot in sorted(self.rows):
            factor = vector.get(pivot, 0)
            if factor:
                for column, value in self.rows[pivot].items():
                    vector[column] = (vector.get(column, 0) - factor * value) % PRIME
        return {column: value for column, value in vector.items() if value}

    def learn(self, figure: Iterable[Hashable]) -> None:
        vector = self._reduce(self._vector(figure))
        if vector:
            pivot = min(vector)
            inverse = pow(vector[pivot], PRIME - 2, PRIME)
            self.rows[pivot] = {column: value * inverse % PRIME for column, value in vector.items()}

    def determines(self, figure: Iterable[Hashable]) -> bool:
        return not self._reduce(self._vector(figure))


def revealed(published: Iterable[Iterable[Hashable]], suppressed: Iterable[Iterable[Hashable]]) -> list:
    """The suppressed figures that follow from the published ones."""
    knowledge = Knowledge()
    for figure in set(map(Sum, published)):
        knowledge.learn(figure)
    return [figure for figure in set(map(Sum, suppressed)) if knowledge.determines(figure)]
