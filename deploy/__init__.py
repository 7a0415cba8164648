"""Server configuration templates (nginx.conf, _headers) that `make publish` fills in;
this file only makes the folder a subpackage of venez_vivre (tools/publish.py)."""
