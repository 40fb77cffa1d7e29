"""Identity: organisations and their OpenID Connect providers, users, memberships, sessions.

Each partner organisation signs in with its own provider; casushub is the relying party for
all of them (docs/design.md §3 "Identity"). Web glue lives in ``casushub.web.auth``.
"""
