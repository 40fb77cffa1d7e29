"""Transactional outbox: work that must follow a tenant change, recorded in its transaction."""
