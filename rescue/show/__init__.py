"""Rendering, pure: console text, verdicts and reasons, the command's text, every JSON document, the nagios line."""
