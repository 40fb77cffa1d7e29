"""The export guard's rules: purpose, destination, intervention, sources' approval."""

from __future__ import annotations

import uuid

import pytest

from casushub.tenants.exports.rules import (
    Bestemming,
    ExportDoel,
    ExportGeweigerd,
    ExportItem,
    check_export,
    goedkeuring_nodig,
)

GEMEENTE, OM = uuid.uuid4(), uuid.uuid4()
GEWOON = ExportItem("informatie_item", uuid.uuid4(), "gewoon", OM)
STRAF = ExportItem("informatie_item", uuid.uuid4(), "strafrechtelijk", OM)


@pytest.mark.parametrize("doel", [None, "", "  ", "zomaar"])
def test_no_or_unknown_purpose_is_refused(doel: str | None) -> None:
    with pytest.raises(ExportGeweigerd) as refused:
        check_export(
            doel=doel,
            bestemming=Bestemming.CASUSOVERLEG,
            items=[GEWOON],
            exporteur_organisatie_id=GEMEENTE,
        )
    assert refused.value.field == "doel"


def test_another_municipal_process_only_for_an_existing_intervention() -> None:
    for doel in ExportDoel:
        if doel is ExportDoel.UITVOERING_INTERVENTIE:
            continue
        with pytest.raises(ExportGeweigerd, match="uitvoering interventie"):
            check_export(
                doel=doel,
                bestemming=Bestemming.GEMEENTELIJK_PROCES,
                items=[GEWOON],
                exporteur_organisatie_id=GEMEENTE,
                interventie_id=uuid.uuid4(),
                interventie_bestaat=True,
            )
    with pytest.raises(ExportGeweigerd, match="bestaande interventie"):
        check_export(
            doel=ExportDoel.UITVOERING_INTERVENTIE,
            bestemming=Bestemming.GEMEENTELIJK_PROCES,
            items=[GEWOON],
            exporteur_organisatie_id=GEMEENTE,
            interventie_id=uuid.uuid4(),
            interventie_bestaat=False,
        )
    assert (
        check_export(
            doel="uitvoering interventie uit plan van aanpak",
            bestemming=Bestemming.GEMEENTELIJK_PROCES,
            items=[GEWOON],
            exporteur_organisatie_id=GEMEENTE,
            interventie_id=uuid.uuid4(),
            interventie_bestaat=True,
        )
        is ExportDoel.UITVOERING_INTERVENTIE
    )


def test_sensitive_items_need_their_sources_approval() -> None:
    def export(exporteur: uuid.UUID, goedgekeurd: set[uuid.UUID] | None = None) -> None:
        check_export(
            doel=ExportDoel.CASUSOVERLEG,
            bestemming=Bestemming.CASUSOVERLEG,
            items=[GEWOON, STRAF],
            exporteur_organisatie_id=exporteur,
            goedgekeurd=goedgekeurd or set(),
        )

    with pytest.raises(ExportGeweigerd, match="goedkeuring"):
        export(GEMEENTE)
    export(GEMEENTE, {STRAF.id})
    # The source exporting its own item needs no one's approval.
    export(OM)
    # Towards the person, the contactpunt's decision (after consulting every source) rules.
    assert goedkeuring_nodig([STRAF], Bestemming.BETROKKENE, GEMEENTE) == []
    assert goedkeuring_nodig([GEWOON, STRAF], Bestemming.DEELNEMER, GEMEENTE) == [STRAF]
