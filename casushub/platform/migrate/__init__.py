"""Schema migrations: the ``platform`` schema and every tenant schema.

Why not ``alembic upgrade`` once per tenant: that re-reads the scripts and ``env.py`` and
opens every schema even when nothing is to be done, which is what makes schema-per-tenant
deploys slow (django-tenants' issue tracker is full of it). Here the revision scripts are
loaded once per process (``revisions``), each tenant runs in one transaction on an already open
connection, mostly as one rendered script (``scripts``), and the registry's
``schema_revision`` (updated in the same transaction as the tenant's own ``alembic_version``)
tells which tenants are behind without touching their schemas (``runs``).
"""
