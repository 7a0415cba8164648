"""Reference receiver for the signup form: validates, stores in SQLite, exports CSV.

Run it with `python -m receiver --help`; see docs/receiver.md. `receiver.contract`
(the payload contract) has no dependency and is also read by the site's signup plugin.
"""
