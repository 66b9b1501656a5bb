"""The users of the access matrix: keys of the `cast` fixture, plus "anonymous"."""

USERS = [
    "anonymous",
    "citizen",
    "citizen2",
    "officer",
    "officer_other",
    "operator",
    "supervisor",
    "auditor",
    "admin",
]
