"""The melder of a melding at Veilig Thuis and the statutory feedback to them (Wmo 2015 art. 4.1.1
lid 2). Veilig Thuis keeps who the melder is, and what could lead back to them, from the family and
from the other partners (KNMG-meldcode): only its own participants of the case read the record; the
others see that it exists, by whom and when, never what it holds (selectors)."""
