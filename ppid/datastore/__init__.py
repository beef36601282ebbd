"""The DataStore: every validated table's rows, typed by its Table Schema, queryable without loading the file."""
