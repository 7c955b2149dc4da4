"""The onderzoek of Veilig Thuis and of the Raad, and a family's request for destruction: the events
of the record that start and close the statutory and norm terms (DESIGN.md §8)."""
