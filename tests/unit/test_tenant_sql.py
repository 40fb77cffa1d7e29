"""Which SQL counts as tenant SQL for the prepared-statement caches (issue 11)."""

from __future__ import annotations

import pytest

from casushub.platform.prepared_statements import is_tenant_sql


@pytest.mark.parametrize(
    "operation",
    [
        "SELECT t_alfa.casus.id FROM t_alfa.casus WHERE t_alfa.casus.id = $1::UUID",
        'SELECT count(*) FROM "t_den_haag".persoon',
        "INSERT INTO t_eigen_9001.verwerking (id) SELECT * FROM jsonb_to_recordset($1)",
        'SET LOCAL ROLE "casushub_t_alfa"',
    ],
)
def test_tenant_sql_is_recognised(operation: str) -> None:
    assert is_tenant_sql(operation)


@pytest.mark.parametrize(
    "operation",
    [
        "SELECT platform.tenants.id, platform.tenants.slug FROM platform.tenants",
        "SELECT t.slug FROM platform.tenants AS t WHERE t.id = $1::UUID",
        "SELECT tenants_1.slug FROM platform.tenants AS tenants_1",
        "SELECT pg_advisory_xact_lock($1)",
        "BEGIN",
    ],
)
def test_platform_sql_is_not_tenant_sql(operation: str) -> None:
    assert not is_tenant_sql(operation)
