"""Backups: of one municipality (``tenant``, restorable into another database) and of the
whole database (``database``), both made with the PostgreSQL client tools (``pgtools``)."""
