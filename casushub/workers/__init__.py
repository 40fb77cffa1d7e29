"""Background work: a dramatiq broker from settings, tenant-carrying actors, the scheduler.

Import ``casushub.workers.broker.configure`` first in any process that sends or consumes
messages; it builds the broker and declares every actor on it.
"""
