"""Public information requests under UU No. 14/2008 (permohonan informasi publik)."""
