"""Text redaction: the streaming log sanitizer (sanitizer.py, detectors.py) and the contract JSON scrubber."""
