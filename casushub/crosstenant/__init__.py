"""Services that cross tenants: contactpunt routing between municipalities, the hand-over of a
casus after a move, a municipality's lifecycle at the hub and its onboarding.

They sit above ``casushub.platform`` (the core: settings, database, tenancy, identity,
registry) and ``casushub.tenants`` (one municipality's domain) and use both; the core imports
neither them nor the tenant domain (the import-linter contracts in ``pyproject.toml``).
"""
