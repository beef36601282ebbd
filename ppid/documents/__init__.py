"""Public documents (reports, decrees, profiles): PDF, DOCX and spreadsheets described, counted and indexed."""
