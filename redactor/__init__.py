"""Bisq Support Redactor: prepare what Bisq support asks for without leaking payment-account data."""

__version__ = "0.1.0"
