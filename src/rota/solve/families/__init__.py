"""One module per rule family; each `add(ctx) -> list[Term]`."""
