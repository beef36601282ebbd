"""The public catalogue: the publisher (ckanapi) and the embedded CKAN-compatible catalogue."""
