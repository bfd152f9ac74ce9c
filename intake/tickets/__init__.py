"""Tickets: the sink seam, the local sink, the outbox worker and the Redmine sink."""
