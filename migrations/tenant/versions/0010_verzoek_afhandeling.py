"""The contactpunt's handling of a request through the screens: a request about a person who
is not known here; what carrying out a decision left behind (the batch of deletion receipts
of an erasure, the legal hold of a restriction or objection); and a legal hold on the ground
of a granted restriction of processing (art. 18 AVG).

Revision ID: t0010
Revises: t0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "t0010"
down_revision = "t0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("verzoek", sa.Column("persoon_onbekend_op", sa.DateTime(timezone=True)))
    op.add_column("verzoek", sa.Column("persoon_onbekend_door", sa.Uuid()))
    op.add_column("verzoek_besluit", sa.Column("vernietiging_batch_id", sa.Uuid()))
    op.add_column("verzoek_besluit", sa.Column("blokkade_id", sa.Uuid()))
    op.drop_constraint("ck_juridische_blokkade_grond", "juridische_blokkade", type_="check")
    op.create_check_constraint(
        "ck_juridische_blokkade_grond",
        "juridische_blokkade",
        "grond IN ('verzoek', 'bezwaar', 'klacht_ap', 'rechtszaak', 'beperking')",
    )


def downgrade() -> None:
    # A hold must survive a downgrade: it keeps its effect under the nearest older ground.
    op.execute("UPDATE juridische_blokkade SET grond = 'bezwaar' WHERE grond = 'beperking'")
    op.drop_constraint("ck_juridische_blokkade_grond", "juridische_blokkade", type_="check")
    op.create_check_constraint(
        "ck_juridische_blokkade_grond",
        "juridische_blokkade",
        "grond IN ('verzoek', 'bezwaar', 'klacht_ap', 'rechtszaak')",
    )
    op.drop_column("verzoek_besluit", "blokkade_id")
    op.drop_column("verzoek_besluit", "vernietiging_batch_id")
    op.drop_column("verzoek", "persoon_onbekend_door")
    op.drop_column("verzoek", "persoon_onbekend_op")
