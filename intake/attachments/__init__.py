"""Attachments: the English-only policy and the work it needs (text extraction, OCR)."""
