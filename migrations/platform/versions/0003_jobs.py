"""Background work: job status and progress, dead letters, e-mail outbox, broker schema.

The PostgreSQL broker's queue tables get their own schema (``dramatiq``), never a tenant
schema; ``bootstrap_roles`` grants the runtime role row rights on them.

Revision ID: p0003
Revises: p0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "p0003"
down_revision = "p0002"
branch_labels = None
depends_on = None

BROKER_SCHEMA = "dramatiq"


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("tenant_id", sa.Uuid()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer()),
        sa.Column("message", sa.String(500), nullable=False, server_default=""),
        sa.Column("params", JSONB(), nullable=False, server_default="{}"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _created_at(),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_jobs_status"
        ),
    )
    op.create_index("ix_jobs_tenant_id", "jobs", ["tenant_id"])
    op.create_table(
        "dead_letters",
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("queue_name", sa.String(100), nullable=False),
        sa.Column("actor_name", sa.String(100), nullable=False),
        sa.Column("tenant_id", sa.Uuid()),
        sa.Column("message", JSONB(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "failed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("retried_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("message_id", name="pk_dead_letters"),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("link_path", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(500), nullable=False, server_default=""),
        _created_at(),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_mail_outbox"),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name="ck_mail_outbox_status"),
    )
    op.create_index(
        "ix_mail_outbox_queued",
        "mail_outbox",
        ["created_at"],
        postgresql_where=sa.text("status = 'queued'"),
    )
    _create_broker_schema()


def _create_broker_schema() -> None:
    from dramatiq_postgres import generate_init_sql

    bind = op.get_bind()
    exists = bind.exec_driver_sql(f"SELECT to_regclass('{BROKER_SCHEMA}.queue')").scalar()
    if exists is not None:
        return
    # asyncpg prepares each statement: run the library's DDL one statement at a time.
    for statement in generate_init_sql(BROKER_SCHEMA).split(";"):
        if statement.strip():
            bind.exec_driver_sql(statement)


def downgrade() -> None:
    op.execute(f'DROP SCHEMA IF EXISTS "{BROKER_SCHEMA}" CASCADE')
    op.drop_table("mail_outbox")
    op.drop_table("dead_letters")
    op.drop_table("jobs")
