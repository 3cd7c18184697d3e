"""What talks to Django's database layer: test databases, the fixture ledger, kept databases."""
