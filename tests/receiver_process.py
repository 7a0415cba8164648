"""The real signup receiver in a subprocess, for the signup and receiver tests
(receiver/testing.py, shared with bench/receiver.py)."""

from venez_vivre.receiver.testing import ReceiverProcess

__all__ = ["ReceiverProcess"]
