"""PySide6 desktop app. It only arranges calls into the core (redactor.bisq/text/image/bundle); no redaction here."""
