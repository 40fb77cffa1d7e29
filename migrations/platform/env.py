"""Alembic environment. Online runs go through casushub's own runner (casushub/platform/migrate.py),
which loads the scripts once and migrates many schemas on open connections; this file serves
``alembic revision`` and offline SQL generation (``--sql``) only."""

from alembic import context

if not context.is_offline_mode():
    raise SystemExit("Gebruik `casushub db migrate` of `casushub tenants migrate`.")

context.configure(
    url="postgresql://",
    literal_binds=True,
    version_table_schema=context.get_x_argument(as_dictionary=True).get("schema"),
)
with context.begin_transaction():
    context.run_migrations()
