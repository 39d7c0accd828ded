"""The functional core, pure: records, names, version order, layouts, boot links, boot loader text, journal records, decisions, plans."""
