"""Officer accounts, roles scoped to dinas, passwords and API tokens."""
