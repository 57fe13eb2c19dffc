"""Screenshot redaction: OCR, layout, detection of payment-account details, irreversible fill."""
