"""The access log holds ids and categories only, so it may outlive the casus it describes."""

from __future__ import annotations

import uuid

from sqlalchemy import String, Uuid

from casushub.tenants.verwerkingenlog.models import Verwerking
from casushub.tenants.verwerkingenlog.services import search_term_detail

# Every column and why it is not personal data once the casus is destroyed.
ALLOWED = {
    "id": "random key",
    "volgnummer": "position in the chain",
    "tijdstip": "moment",
    "user_id": "platform user id (staff, not the data subject)",
    "organisation_id": "platform organisation id",
    "rol": "role code",
    "casus_id": "id that points at nothing after destruction",
    "persoon_id": "id that points at nothing after destruction",
    "gegevensgroep": "category code",
    "actie": "action code",
    "doel": "purpose code",
    "request_id": "request id",
    "detail": "non-personal detail (counts, keyed hashes)",
    "vorige_hash": "chain",
    "hash": "chain",
}


def test_the_log_has_no_column_beyond_ids_and_codes() -> None:
    columns = {c.key: c for c in Verwerking.__table__.columns}
    assert set(columns) == set(ALLOWED)
    for name in ("user_id", "organisation_id", "casus_id", "persoon_id"):
        assert isinstance(columns[name].type, Uuid)
    # No free text: every string column is short and bounded.
    for column in columns.values():
        if isinstance(column.type, String):
            assert column.type.length is not None
            assert column.type.length <= 200


def test_search_terms_are_logged_as_keyed_hashes() -> None:
    key = b"k" * 32
    detail = search_term_detail("Jan Jansen", key)
    assert "jansen" not in detail.lower()
    assert detail == search_term_detail("  jan jansen ", key)
    assert detail != search_term_detail("Jan Jansen", b"x" * 32)
    assert detail.startswith("zoekterm:hmac-sha256:")
    assert str(uuid.uuid4()) not in detail
