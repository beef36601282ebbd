"""Publishing to a catalogue: the one client (embedded or a real CKAN), the publisher and the mapping."""
