"""The public portal: citizens find, preview and download datasets and documents."""
