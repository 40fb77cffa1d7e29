"""Identity: organisations, OIDC providers, users, memberships, sessions, admin audit log.

Revision ID: p0002
Revises: p0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None

_ROLES = (
    "'platform_operator', 'hub_admin', 'procesregisseur', 'gemeente_regie', 'contactpunt', "
    "'participant', 'invited_party', 'fg_auditor'"
)
_ORG_TYPES = (
    "'gemeente', 'politie', 'om', 'reclassering', 'rvdk', 'jenv', 'satellietpartner', 'hub'"
)


def _now() -> sa.Column:  # type: ignore[type-arg]  # Alembic scripts are not type-checked
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "hub_id", sa.Uuid(), sa.ForeignKey("hubs.id", name="fk_organisations_hub_id_hubs")
        ),
        sa.Column(
            "tenant_id",
            sa.Uuid(),
            sa.ForeignKey("tenants.id", name="fk_organisations_tenant_id_tenants"),
        ),
        sa.Column("slug", sa.String(41), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("email_domains", postgresql.ARRAY(sa.String(253)), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _now(),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("slug", name="uq_organisations_slug"),
        sa.CheckConstraint(f"type IN ({_ORG_TYPES})", name="ck_organisations_type"),
    )
    op.create_index("ix_organisations_hub_id", "organisations", ["hub_id"])
    # Home-realm discovery looks organisations up by e-mail domain.
    op.create_index(
        "ix_organisations_email_domains",
        "organisations",
        ["email_domains"],
        postgresql_using="gin",
    )
    op.create_table(
        "oidc_providers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("discovery_url", sa.String(500), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("client_secret_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("scopes", sa.String(300), nullable=False),
        sa.Column("allowed_algorithms", postgresql.ARRAY(sa.String(10)), nullable=False),
        sa.Column("required_acr", postgresql.ARRAY(sa.String(200)), nullable=False),
        sa.Column("claim_mappings", postgresql.JSONB(), nullable=False),
        sa.Column("post_logout_redirect_uri", sa.String(500)),
        _now(),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_oidc_providers"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_oidc_providers_organisation_id_organisations",
        ),
        sa.UniqueConstraint("organisation_id", name="uq_oidc_providers_organisation_id"),
        # `none` is never an acceptable signature algorithm (issue 5).
        sa.CheckConstraint(
            "NOT ('none' = ANY(allowed_algorithms)) AND cardinality(allowed_algorithms) > 0",
            name="ck_oidc_providers_algorithms",
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320), nullable=False, server_default=""),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _now(),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_users_organisation_id_organisations"
        ),
        sa.UniqueConstraint("issuer", "subject", name="uq_users_issuer_subject"),
    )
    op.create_index("ix_users_organisation_id", "users", ["organisation_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("tenant_id", sa.Uuid()),
        sa.Column("hub_id", sa.Uuid()),
        sa.Column("invited_by", sa.Uuid()),
        _now(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True)),
        sa.Column("accepted_by", sa.Uuid()),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_invitations_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_invitations_tenant_id_tenants"
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name="fk_invitations_hub_id_hubs"),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name="fk_invitations_invited_by_users"
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["users.id"], name="fk_invitations_accepted_by_users"
        ),
        sa.CheckConstraint(f"role IN ({_ROLES})", name="ck_invitations_role"),
        sa.CheckConstraint("email = lower(email)", name="ck_invitations_email_lower"),
    )
    op.create_index("ix_invitations_organisation_id", "invitations", ["organisation_id"])
    op.create_table(
        "memberships",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid()),
        sa.Column("hub_id", sa.Uuid()),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("granted_by", sa.Uuid()),
        _now(),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_memberships_user_id_users"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_memberships_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_memberships_tenant_id_tenants"
        ),
        sa.ForeignKeyConstraint(["hub_id"], ["hubs.id"], name="fk_memberships_hub_id_hubs"),
        sa.ForeignKeyConstraint(
            ["granted_by"], ["users.id"], name="fk_memberships_granted_by_users"
        ),
        sa.CheckConstraint(f"role IN ({_ROLES})", name="ck_memberships_role"),
        # A context is a municipality or a hub, never both at once.
        sa.CheckConstraint("tenant_id IS NULL OR hub_id IS NULL", name="ck_memberships_one_scope"),
        sa.UniqueConstraint(
            "user_id",
            "organisation_id",
            "tenant_id",
            "hub_id",
            "role",
            name="uq_memberships_user_id",
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index("ix_memberships_user_id", "memberships", ["user_id"])
    op.create_table(
        "pending_logins",
        sa.Column("state", sa.String(100), nullable=False),
        sa.Column("nonce", sa.String(100), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("return_to", sa.String(2000), nullable=False),
        _now(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state", name="pk_pending_logins"),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["oidc_providers.id"],
            name="fk_pending_logins_provider_id_oidc_providers",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_pending_logins_organisation_id_organisations",
        ),
    )
    op.create_index("ix_pending_logins_expires_at", "pending_logins", ["expires_at"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("end_reason", sa.String(40)),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("user_agent", sa.String(300), nullable=False, server_default=""),
        sa.Column("id_token", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_sessions_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["oidc_providers.id"], name="fk_sessions_provider_id_oidc_providers"
        ),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_organisation_id", "sessions", ["organisation_id"])
    op.create_table(
        "web_sessions",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("key", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("actor_user_id", sa.Uuid()),
        sa.Column("organisation_id", sa.Uuid()),
        sa.Column("target", sa.String(300), nullable=False, server_default=""),
        sa.Column("details", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("request_id", sa.String(64), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_admin_audit"),
    )
    op.create_index("ix_admin_audit_action", "admin_audit", ["action"])
    # migrate_platform re-grants DML on every platform table to the runtime role, so a REVOKE
    # would not last: a trigger keeps the log append-only for every role, the owner included.
    op.execute(
        """
        CREATE FUNCTION admin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'admin_audit is append-only';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit "
        "FOR EACH ROW EXECUTE FUNCTION admin_audit_append_only()"
    )
    op.execute(
        "CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TABLE admin_audit")
    op.execute("DROP FUNCTION admin_audit_append_only()")
    for table in (
        "web_sessions",
        "sessions",
        "pending_logins",
        "memberships",
        "invitations",
        "users",
        "oidc_providers",
        "organisations",
    ):
        op.drop_table(table)
