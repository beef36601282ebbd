"""The uploader: dinas officers bring files by hand; it is one more source for the pipeline."""
